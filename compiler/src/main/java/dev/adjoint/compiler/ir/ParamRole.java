package dev.adjoint.compiler.ir;

/**
 * What a parameter is for. Weight decay and L1/L2 penalties apply to weights and
 * embeddings by default, never to biases or normalization parameters unless asked.
 */
public enum ParamRole {
  WEIGHT("weight"),
  BIAS("bias"),
  NORM("norm"),
  EMBEDDING("embedding");

  private final String text;

  ParamRole(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }
}
