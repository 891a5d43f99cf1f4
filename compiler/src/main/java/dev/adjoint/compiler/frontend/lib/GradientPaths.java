package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.PostOrder;
import dev.adjoint.compiler.ir.ShapeException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Whether a derivative of {@code expr} with respect to {@code wrt} can be anything but zero:
 * {@code expr} must depend on {@code wrt} through floating-point values and inputs that their
 * ops differentiate. When it does not, {@code grad} and {@code jvp} would silently give zeros,
 * so the call is rejected, naming the op where the last differentiable path ends (argmax, a
 * comparison, sign, floor, stop_gradient ...) or saying that there was no path at all.
 */
final class GradientPaths {
  private GradientPaths() {}

  /** Throws a ShapeException (a diagnostic at the call) unless some differentiable path leads from wrt to expr. */
  static void requireDifferentiable(Node expr, Node wrt, String wrtText) {
    List<Node> order = PostOrder.of(List.of(expr));
    Set<Node> reached = identitySet(wrt);
    Set<Node> differentiable = identitySet(wrt);
    Node cut = null;
    for (Node n : order) {
      boolean any = false;
      boolean smooth = false;
      for (int i = 0; i < n.inputs().size(); i++) {
        Node in = n.input(i);
        any |= reached.contains(in);
        smooth |= differentiable.contains(in) && n.op().derivative().differentiable(i);
      }
      if (any) {
        reached.add(n);
      }
      if (smooth && n.dtype().isFloat()) {
        differentiable.add(n);
      } else if (any && cut == null && n.inputs().stream().anyMatch(differentiable::contains)) {
        cut = n;
      }
    }
    if (differentiable.contains(expr)) {
      return;
    }
    if (!reached.contains(expr)) {
      throw new ShapeException("the expression does not depend on " + wrtText + ", so its derivative would be zero "
          + "everywhere", "differentiate an expression computed from " + wrtText + ", or with respect to a value "
          + "the expression uses");
    }
    throw new ShapeException("the expression depends on " + wrtText + " only through " + cut.op().text()
        + " at line " + cut.span().line() + ", column " + cut.span().column() + ", " + reason(cut)
        + ", so the result would be zero everywhere", hint(cut));
  }

  private static String reason(Node cut) {
    if (cut.op() == Op.STOP_GRADIENT) {
      return "which hides its argument from derivatives";
    }
    if (!cut.dtype().isFloat()) {
      return "whose integer result has no derivative";
    }
    return "which is constant between its jumps and has no derivative";
  }

  private static String hint(Node cut) {
    if (cut.op() == Op.STOP_GRADIENT) {
      return "stop_gradient hides its argument from every derivative, grad and jvp included; remove it on this path";
    }
    return "comparisons, argmax, sign, floor and round are constant between their jumps; use a smooth "
        + "stand-in (softmax(...) for argmax, sigmoid(...) for a comparison) if the derivative is meant to flow";
  }

  private static Set<Node> identitySet(Node first) {
    Set<Node> set = Collections.newSetFromMap(new IdentityHashMap<>());
    set.add(first);
    return set;
  }
}
