package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.PostOrder;
import dev.adjoint.compiler.ir.ScalarType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Detects an index from argmax or argmin that the loss uses as a number: converted to float
 * on a path along which gradients flow. An index has no gradient, so training would silently
 * learn nothing through it; comparing an index ({@code argmax(p, 1) == y}) makes a mask,
 * which selects and is not such a use, and neither is {@code stop_gradient(f32(...))}.
 */
final class IndexGradients {
  private IndexGradients() {}

  /** Reports, at the argmax or argmin call, each index that reaches the loss through a conversion. */
  static void check(Node loss, Diagnostics diagnostics) {
    List<Node> onPath = PostOrder.of(List.of(loss), IndexGradients::differentiableInputs);
    Set<Node> reported = new HashSet<>();
    for (Node n : onPath) {
      if (n.op() == Op.CAST && n.input(0).dtype() == ScalarType.I32) {
        Node index = argmaxBehind(n.input(0));
        if (index != null && reported.add(index)) {
          diagnostics.error(index.span(), "argmax and argmin give an index, which has no gradient, and the loss "
              + "uses this one as a number (converted at line " + n.span().line() + "), so training cannot learn "
              + "through it", "pick values with take_along_axis(x, idx, axis), use max(...) or softmax(...) for a "
              + "differentiable maximum, or write stop_gradient(...) if the term is meant as a constant");
        }
      }
    }
  }

  private static List<Node> differentiableInputs(Node n) {
    List<Node> out = new ArrayList<>();
    for (int i = 0; i < n.inputs().size(); i++) {
      if (n.op().derivative().differentiable(i) && n.input(i).dtype().isFloat() || n.op() == Op.CAST) {
        out.add(n.input(i));
      }
    }
    return n.dtype().isFloat() ? out : List.of();
  }

  /** The ARGMAX an integer value is computed from by integer arithmetic or movement, not by comparing. */
  private static Node argmaxBehind(Node start) {
    Deque<Node> work = new ArrayDeque<>(List.of(start));
    Set<Node> seen = new HashSet<>();
    while (!work.isEmpty()) {
      Node n = work.pop();
      if (!seen.add(n)) {
        continue;
      }
      if (n.op() == Op.ARGMAX) {
        return n;
      }
      if (n.op() == Op.GREATER || n.op() == Op.GREATER_EQUAL || n.op() == Op.EQUAL) {
        continue; // a mask: it selects, it is not the index's value
      }
      for (Node in : n.inputs()) {
        if (in.dtype() == ScalarType.I32) {
          work.push(in);
        }
      }
    }
    return null;
  }
}
