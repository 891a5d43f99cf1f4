package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;

/**
 * What the compiler can see of a value's range: whether it surely lies in [0, 1] (the result
 * of sigmoid, softmax or another visible normalization, a clip to [0, 1], a mask, 1 - p, ...)
 * or is surely non-negative. A loss of probabilities warns when its argument is not known
 * to be one, which catches logits passed where probabilities belong; {@code predict} reads a
 * binary classifier's single output as a probability (class from 0.5) only when it is one. The answer is
 * conservative: "not known" is not "outside".
 */
public final class UnitInterval {
  /** Deep enough for any written expression; a deeper chain is simply not known. */
  private static final int MAX_DEPTH = 48;

  private UnitInterval() {}

  /** Whether every element of n is known to lie in [0, 1]. */
  public static boolean holds(Node n) {
    return unit(n, 0);
  }

  private static boolean unit(Node n, int depth) {
    if (depth > MAX_DEPTH || !(n.op() instanceof Op op)) {
      return false;
    }
    int d = depth + 1;
    return switch (op) {
      case CONST -> constantIn(n, 0, 1);
      case SIGMOID, ONE_HOT, GREATER, GREATER_EQUAL, EQUAL -> true;
      case RESHAPE, BROADCAST, TRANSPOSE, SLICE, PAD, STOP_GRADIENT, REDUCE_MAX, CAST -> unit(n.input(0), d);
      case GATHER -> unit(n.input(0), d);
      case MUL, MAX, MODE_SWITCH -> unit(n.input(0), d) && unit(n.input(1), d);
      case WHERE -> unit(n.input(1), d) && unit(n.input(2), d);
      case CONCAT -> n.inputs().stream().allMatch(i -> unit(i, d));
      case SUB -> constantIn(n.input(0), 1, 1) && unit(n.input(1), d);
      case MIN -> (unit(n.input(0), d) || unit(n.input(1), d))
          && nonNegative(n.input(0), d) && nonNegative(n.input(1), d);
      case DIV -> nonNegative(n.input(0), d) && sumOf(n.input(1), n.input(0));
      default -> false;
    };
  }

  private static boolean nonNegative(Node n, int depth) {
    if (depth > MAX_DEPTH || !(n.op() instanceof Op op)) {
      return false;
    }
    int d = depth + 1;
    return switch (op) {
      case CONST -> constantIn(n, 0, Double.POSITIVE_INFINITY);
      case EXP, SQRT, ABS, SIGMOID, COUNT, ONE_HOT, GREATER, GREATER_EQUAL, EQUAL -> true;
      case RESHAPE, BROADCAST, TRANSPOSE, SLICE, PAD, STOP_GRADIENT, REDUCE_MAX, REDUCE_SUM, CAST, GATHER ->
          nonNegative(n.input(0), d);
      case MUL -> n.input(0) == n.input(1) || nonNegative(n.input(0), d) && nonNegative(n.input(1), d);
      case ADD, DIV, MIN, MODE_SWITCH -> nonNegative(n.input(0), d) && nonNegative(n.input(1), d);
      case MAX -> nonNegative(n.input(0), d) || nonNegative(n.input(1), d);
      case WHERE -> nonNegative(n.input(1), d) && nonNegative(n.input(2), d);
      case CONCAT -> n.inputs().stream().allMatch(i -> nonNegative(i, d));
      default -> false;
    };
  }

  /** Whether {@code total} is a sum of {@code part} over some axes, seen through broadcasts and reshapes. */
  private static boolean sumOf(Node total, Node part) {
    Node t = total;
    while (t.op() == Op.BROADCAST || t.op() == Op.RESHAPE) {
      t = t.input(0);
    }
    return t.op() == Op.REDUCE_SUM && t.input(0) == part;
  }

  private static boolean constantIn(Node n, double low, double high) {
    Node x = n;
    while (x.op() == Op.BROADCAST || x.op() == Op.RESHAPE) {
      x = x.input(0);
    }
    if (x.op() != Op.CONST) {
      return false;
    }
    double v = x.attrs(Attrs.Fill.class).value();
    return v >= low && v <= high;
  }
}
