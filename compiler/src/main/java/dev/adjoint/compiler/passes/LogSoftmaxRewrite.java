package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.GraphBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.List;

/**
 * Detects {@code log(softmax(x))} — softmax shifted by its maximum or not — and the
 * log-softmax composite {@code (x - max) - log(sum(exp(x - max)))}, and replaces both with
 * one LOG_SOFTMAX node: finite for any logits, and differentiated without dividing by a
 * probability. The guarded form the losses build, {@code log(where(c, softmax(x), 1))},
 * becomes {@code where(c, log_softmax(x), 0)}.
 */
final class LogSoftmaxRewrite extends RewritePass {

  @Override
  public String name() {
    return "log-softmax";
  }

  @Override
  Node rewrite(Node n, GraphBuilder b) {
    if (n.op() == Op.LOG && n.input(0).op() == Op.WHERE && Patterns.isConstant(n.input(0).input(2), 1)) {
      Node guarded = n.input(0);
      Patterns.Match m = Patterns.softmax(guarded.input(1));
      return m == null ? null
          : b.where(guarded.input(0), logSoftmax(m, b), b.constant(0, n));
    }
    Patterns.Match m = n.op() == Op.LOG ? Patterns.softmax(n.input(0)) : Patterns.logSoftmaxComposite(n);
    return m == null ? null : logSoftmax(m, b);
  }

  private static Node logSoftmax(Patterns.Match m, GraphBuilder b) {
    return b.node(Op.LOG_SOFTMAX, List.of(m.logits()), m.axes());
  }
}
