package dev.adjoint.compiler.ir;

/** Element types: f32 by default, f64 where asked for, i32 for class indices and ids. */
public enum ScalarType {
  F32("f32"),
  F64("f64"),
  I32("i32");

  private final String text;

  ScalarType(String text) {
    this.text = text;
  }

  /** As written in .nn files and dumps. */
  public String text() {
    return text;
  }

  public boolean isFloat() {
    return this != I32;
  }

  /** The dtype written {@code text}, or null. */
  public static ScalarType parse(String text) {
    for (ScalarType d : values()) {
      if (d.text.equals(text)) {
        return d;
      }
    }
    return null;
  }
}
