package dev.adjoint.compiler.ast;

/** The infix operators of the language. */
public enum BinaryOperator {
  ADD("+"),
  SUBTRACT("-"),
  MULTIPLY("*"),
  DIVIDE("/"),
  MATMUL("@"),
  POWER("**"),
  LESS("<"),
  LESS_EQUAL("<="),
  GREATER(">"),
  GREATER_EQUAL(">="),
  EQUAL("=="),
  NOT_EQUAL("!="),
  AND("and"),
  OR("or");

  private final String symbol;

  BinaryOperator(String symbol) {
    this.symbol = symbol;
  }

  public String symbol() {
    return symbol;
  }

  /** Whether the operator compares its operands, giving a mask. */
  public boolean isComparison() {
    return this == LESS || this == LESS_EQUAL || this == GREATER || this == GREATER_EQUAL || this == EQUAL
        || this == NOT_EQUAL;
  }

  /** Whether the operator combines masks ({@code and}, {@code or}). */
  public boolean isLogical() {
    return this == AND || this == OR;
  }

  public static BinaryOperator of(String symbol) {
    for (BinaryOperator op : values()) {
      if (op.symbol.equals(symbol)) {
        return op;
      }
    }
    throw new IllegalArgumentException("not an operator: " + symbol);
  }
}
