package dev.adjoint.compiler.frontend;

/** What a function or option argument must be; the binder checks it and says so when it is not. */
public enum Kind {
  /** Anything: a def's parameters take tensors and constants alike. */
  ANY("a value"),
  TENSOR("a tensor"),
  INT("an integer"),
  NUMBER("a number"),
  BOOL("true or false"),
  /** One of a fixed set of names, written bare: {@code act = relu}. */
  SYMBOL("a name"),
  STRING("a string"),
  /** An integer or a tuple of integers: {@code axis = (0, 1)}. */
  INTS("an integer or a tuple of integers"),
  /** A tuple of numbers: {@code betas = (0.9, 0.999)}. */
  NUMBERS("a tuple of numbers"),
  /** A name, a string, or a tuple of them: {@code on = (weights, "h.b")}. */
  NAMES("a name, a string or a tuple of them"),
  /** A call written as a specification, not evaluated: {@code optimizer adam(lr = 1e-3)}. */
  SPEC("a call such as name(option = value)"),
  /** An initializer: {@code he_uniform}, {@code normal(std = 0.01)} or a number. */
  INIT("an initializer such as he_uniform or normal(std = 0.01)"),
  /** A shape: a tuple of sizes in which B stands for the batch dimension. */
  SHAPE("a shape such as (B, 28, 28)"),
  /** A string or a tuple of strings: CSV column names. */
  COLUMNS("a column name or a tuple of column names");

  private final String description;

  Kind(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
