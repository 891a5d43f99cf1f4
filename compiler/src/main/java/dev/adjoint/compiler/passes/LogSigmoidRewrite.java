package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;

/**
 * Detects the log of a sigmoid probability outside a binary cross-entropy,
 * {@code log(σ(z))} or {@code log(1 - σ(z))}, also guarded as the losses build it,
 * {@code log(where(c, 1, σ(z)))} (or with the branches the other way round), and replaces
 * it with the stable {@code log σ(z) = min(z, 0) - log1p(e^-|z|)} (of -z for the
 * complement; the guarded form becomes {@code where(c, 0, log σ(z))}): finite where σ
 * rounds to 0 or 1, with derivative 1 - σ(z) also at z = 0.
 */
final class LogSigmoidRewrite extends RewritePass {

  @Override
  public String name() {
    return "log-sigmoid";
  }

  @Override
  Node rewrite(Node n, NodeBuilder b) {
    if (n.op() != Op.LOG) {
      return null;
    }
    Node p = n.input(0);
    if (p.op() == Op.WHERE) {
      for (int branch = 1; branch <= 2; branch++) {
        Node stable = Patterns.isConstant(p.input(3 - branch), 1) ? logOf(p.input(branch), b) : null;
        if (stable != null) {
          Node zero = b.constant(0, n);
          return branch == 1 ? b.where(p.input(0), stable, zero) : b.where(p.input(0), zero, stable);
        }
      }
      return null;
    }
    return logOf(p, b);
  }

  /** A stable log of {@code p} when it is σ(z) or 1 - σ(z) = σ(-z), else null. */
  private static Node logOf(Node p, NodeBuilder b) {
    if (p.op() == Op.SIGMOID) {
      return logSigmoid(b, p.input(0));
    }
    Node z = complementOfSigmoid(p);
    return z == null ? null : logSigmoid(b, b.neg(z));
  }

  /**
   * log σ(z) = min(z, 0) - log1p(e^-|z|), the values of -softplus(-z), with -|z| written
   * min(z, -z): at z = 0 both minimums tie and give their derivative to the second input,
   * so the derivative is 0 + 1/2 = 1 - σ(0). Through max(-z, 0) and |z| (whose derivative at 0
   * is sign 0 = 0) it would be 0.
   */
  private static Node logSigmoid(NodeBuilder b, Node z) {
    Node negAbs = b.min(z, b.neg(z));
    return b.sub(b.min(z, b.constant(0, z)), b.log1p(b.exp(negAbs)));
  }

  /** z when {@code n} is 1 - σ(z), else null. */
  static Node complementOfSigmoid(Node n) {
    return n.op() == Op.SUB && Patterns.isConstant(n.input(0), 1) && n.input(1).op() == Op.SIGMOID
        ? n.input(1).input(0) : null;
  }
}
