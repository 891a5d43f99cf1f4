package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;

/**
 * Whether the compiler can see that a tensor is a mask: it holds only 0s and 1s because it
 * is a comparison, {@code and}/{@code or}/{@code not} of masks, {@code one_hot}, a constant
 * 0 or 1, or one of these reshaped, broadcast, sliced, cast or chosen by {@code where}.
 * Conditions ({@code where}, {@code masked_mean}, {@code and}, ...) must be masks, so that a
 * float tensor passed by mistake is an error at the argument instead of a silent test
 * against zero. The answer is conservative: an input holding 0s and 1s is not known to be
 * a mask; comparing it ({@code m > 0.5}) makes one.
 */
public final class Masks {
  /** Deep enough for any written expression; a deeper chain is simply not known. */
  private static final int MAX_DEPTH = 48;

  private Masks() {}

  /** Whether every element of n is known to be 0 or 1. */
  public static boolean holds(Node n) {
    return mask(n, 0);
  }

  private static boolean mask(Node n, int depth) {
    if (depth > MAX_DEPTH || !(n.op() instanceof Op op)) {
      return false;
    }
    int d = depth + 1;
    return switch (op) {
      case CONST -> {
        double v = n.attrs(Attrs.Fill.class).value();
        yield v == 0 || v == 1;
      }
      case GREATER, GREATER_EQUAL, EQUAL, ONE_HOT -> true;
      case RESHAPE, BROADCAST, TRANSPOSE, SLICE, PAD, STOP_GRADIENT, REDUCE_MAX, CAST, GATHER ->
          mask(n.input(0), d);
      case MUL, MAX, MIN, MODE_SWITCH -> mask(n.input(0), d) && mask(n.input(1), d);
      case WHERE -> mask(n.input(1), d) && mask(n.input(2), d);
      case SUB -> isOne(n.input(0)) && mask(n.input(1), d);
      default -> false;
    };
  }

  private static boolean isOne(Node n) {
    Node x = n;
    while (x.op() == Op.BROADCAST || x.op() == Op.RESHAPE) {
      x = x.input(0);
    }
    return x.op() == Op.CONST && x.attrs(Attrs.Fill.class).value() == 1;
  }
}
