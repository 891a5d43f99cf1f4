package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.composite.Activations;
import dev.adjoint.compiler.ir.GraphBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;

/**
 * Detects the log of a sigmoid probability outside a binary cross-entropy,
 * {@code log(σ(z))} or {@code log(1 - σ(z))}, and replaces it with the stable
 * {@code -softplus(-z)} or {@code -softplus(z)}: finite where σ rounds to 0 or 1.
 */
final class LogSigmoidRewrite extends RewritePass {

  @Override
  public String name() {
    return "log-sigmoid";
  }

  @Override
  Node rewrite(Node n, GraphBuilder b) {
    if (n.op() != Op.LOG) {
      return null;
    }
    Node p = n.input(0);
    if (p.op() == Op.SIGMOID) {
      return b.neg(Activations.softplus(b, b.neg(p.input(0)), 1));
    }
    Node z = complementOfSigmoid(p);
    return z == null ? null : b.neg(Activations.softplus(b, z, 1));
  }

  /** z when {@code n} is 1 - σ(z), else null. */
  static Node complementOfSigmoid(Node n) {
    return n.op() == Op.SUB && Patterns.isConstant(n.input(0), 1) && n.input(1).op() == Op.SIGMOID
        ? n.input(1).input(0) : null;
  }
}
