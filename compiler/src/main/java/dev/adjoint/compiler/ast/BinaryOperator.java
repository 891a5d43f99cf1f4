package dev.adjoint.compiler.ast;

/** The infix operators of the language. */
public enum BinaryOperator {
  ADD("+"),
  SUBTRACT("-"),
  MULTIPLY("*"),
  DIVIDE("/"),
  MATMUL("@"),
  POWER("**");

  private final String symbol;

  BinaryOperator(String symbol) {
    this.symbol = symbol;
  }

  public String symbol() {
    return symbol;
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
