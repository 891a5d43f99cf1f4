package dev.adjoint.compiler.codegen;

/** The Java source of a model class and its fully qualified name. */
public record GeneratedModel(String packageName, String className, String source) {
  public String qualifiedName() {
    return packageName.isEmpty() ? className : packageName + "." + className;
  }

  /** The file the class belongs in: {@code dev/adjoint/generated/Mnist.java}. */
  public String fileName() {
    return qualifiedName().replace('.', '/') + ".java";
  }
}
