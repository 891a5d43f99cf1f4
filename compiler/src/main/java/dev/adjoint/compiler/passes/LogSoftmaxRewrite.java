package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.List;

/**
 * Detects {@code log(softmax(x))} — softmax shifted by its maximum or not — and the
 * log-softmax composite {@code (x - max) - log(sum(exp(x - max)))}, and replaces both with
 * one LOG_SOFTMAX node: finite for any logits, and differentiated without dividing by a
 * probability. A guarded form such as the losses build, {@code log(where(c, 1, softmax(x)))},
 * becomes {@code where(c, 0, log_softmax(x))} (and likewise with the branches swapped).
 */
final class LogSoftmaxRewrite extends RewritePass {

  @Override
  public String name() {
    return "log-softmax";
  }

  @Override
  Node rewrite(Node n, NodeBuilder b) {
    if (n.op() == Op.LOG && n.input(0).op() == Op.WHERE) {
      Node guarded = n.input(0);
      for (int branch = 1; branch <= 2; branch++) {
        Patterns.Match m = Patterns.softmax(guarded.input(branch));
        if (m != null && Patterns.isConstant(guarded.input(3 - branch), 1)) {
          Node ls = logSoftmax(m, b);
          Node zero = b.constant(0, n);
          return branch == 1 ? b.where(guarded.input(0), ls, zero) : b.where(guarded.input(0), zero, ls);
        }
      }
      return null;
    }
    Patterns.Match m = n.op() == Op.LOG ? Patterns.softmax(n.input(0)) : Patterns.logSoftmaxComposite(n);
    return m == null ? null : logSoftmax(m, b);
  }

  private static Node logSoftmax(Patterns.Match m, NodeBuilder b) {
    return b.node(Op.LOG_SOFTMAX, List.of(m.logits()), m.axes());
  }
}
