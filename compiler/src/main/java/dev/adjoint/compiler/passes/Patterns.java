package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.List;

/** Recognizers shared by passes: constants, and the shapes composites build. */
final class Patterns {
  private Patterns() {}

  /** The value of a constant, also seen through broadcasts; null when {@code n} is not one. */
  static Double constant(Node n) {
    Node x = n;
    while (x.op() == Op.BROADCAST || x.op() == Op.RESHAPE) {
      x = x.input(0);
    }
    return x.op() == Op.CONST ? x.attrs(Attrs.Fill.class).value() : null;
  }

  static boolean isConstant(Node n, double value) {
    Double c = constant(n);
    return c != null && c == value;
  }

  /** {@code x} without the broadcasts wrapped around it. */
  static Node unbroadcast(Node n) {
    Node x = n;
    while (x.op() == Op.BROADCAST) {
      x = x.input(0);
    }
    return x;
  }

  /** The single axis of a keep-dims reduction of {@code op}, or -1. */
  static int keptAxis(Node n, Op op) {
    if (n.op() != op) {
      return -1;
    }
    Attrs.Axes a = n.attrs(Attrs.Axes.class);
    return a.keepDims() && a.axes().size() == 1 ? a.axes().get(0) : -1;
  }

  /** For {@code z - max(z, axis)} (a softmax's shift) returns z, else null. */
  static Node shiftedBy(Node shifted, int axis) {
    if (shifted.op() != Op.SUB) {
      return null;
    }
    Node z = shifted.input(0);
    Node max = unbroadcast(shifted.input(1));
    return keptAxis(max, Op.REDUCE_MAX) == axis && max.input(0) == z ? z : null;
  }

  /** The logits and axis of a softmax, {@code e / sum(e, axis)} with e = exp(z) or exp(z - max z); or null. */
  static Match softmax(Node n) {
    if (n.op() != Op.DIV || n.input(0).op() != Op.EXP) {
      return null;
    }
    Node e = n.input(0);
    Node sum = unbroadcast(n.input(1));
    int axis = keptAxis(sum, Op.REDUCE_SUM);
    if (axis < 0 || sum.input(0) != e) {
      return null;
    }
    Node inside = e.input(0);
    Node z = shiftedBy(inside, axis);
    return new Match(z != null ? z : inside, axis);
  }

  /** The logits and axis of the log-softmax composite {@code s - log(sum(exp(s)))}, s = z - max z; or null. */
  static Match logSoftmaxComposite(Node n) {
    if (n.op() != Op.SUB) {
      return null;
    }
    Node shifted = n.input(0);
    Node log = unbroadcast(n.input(1));
    if (log.op() != Op.LOG) {
      return null;
    }
    Node sum = log.input(0);
    int axis = keptAxis(sum, Op.REDUCE_SUM);
    if (axis < 0 || sum.input(0).op() != Op.EXP || sum.input(0).input(0) != shifted) {
      return null;
    }
    Node z = shiftedBy(shifted, axis);
    return z == null ? null : new Match(z, axis);
  }

  /**
   * {@code t·log p} as the loss composites build it — plainly, or guarded as
   * {@code t·log(where(t == 0, 1, p))} so that 0·log 0 is 0 — in either operand order; or null.
   */
  static TLogP tLogP(Node n) {
    if (n.op() != Op.MUL) {
      return null;
    }
    for (int i = 0; i < 2; i++) {
      Node t = n.input(i);
      Node log = n.input(1 - i);
      Node p = log.op() == Op.LOG ? log.input(0) : clampedLogArgument(log);
      if (p == null) {
        continue;
      }
      Node guarded = guardedBy(p, t, 1);
      return new TLogP(t, guarded != null ? guarded : p);
    }
    return null;
  }

  /** The floor of {@code bce}'s clamped logs ({@code composite.Losses.LOG_FLOOR}, PyTorch's). */
  private static final double CLAMPED_LOG_FLOOR = -100;

  /**
   * q when {@code n} is a log clamped as {@code bce} clamps it, {@code where(q > c, log(where(q > c,
   * q, 1)), -100)}, else null.
   */
  static Node clampedLogArgument(Node n) {
    if (n.op() != Op.WHERE || !isConstant(n.input(2), CLAMPED_LOG_FLOOR) || n.input(1).op() != Op.LOG) {
      return null;
    }
    Node above = n.input(0);
    Node inner = n.input(1).input(0);
    if (above.op() != Op.GREATER || inner.op() != Op.WHERE || !isConstant(inner.input(2), 1)
        || !sameTest(inner.input(0), above)) {
      return null;
    }
    Node q = above.input(0);
    return inner.input(1) == q ? q : null;
  }

  /** Whether two GREATER nodes compare the same value with the same constant (one node after CSE). */
  private static boolean sameTest(Node a, Node b) {
    if (a == b) {
      return true;
    }
    Double limit = constant(b.input(1));
    return a.op() == Op.GREATER && a.input(0) == b.input(0) && limit != null && limit.equals(constant(a.input(1)));
  }

  /** x when {@code n} is {@code where(t == 0, fill, x)}, else null. */
  static Node guardedBy(Node n, Node t, double fill) {
    if (n.op() != Op.WHERE || !isConstant(n.input(1), fill)) {
      return null;
    }
    Node condition = n.input(0);
    boolean zero = condition.op() == Op.EQUAL && condition.input(0) == t && isConstant(condition.input(1), 0);
    return zero ? n.input(2) : null;
  }

  /** A matched product of a weight and the log of a probability. */
  record TLogP(Node t, Node p) {}

  /** A matched softmax-like pattern: its logits and the axis it normalizes. */
  record Match(Node logits, int axis) {
    Attrs.Axes axes() {
      return new Attrs.Axes(List.of(axis), true);
    }
  }
}
