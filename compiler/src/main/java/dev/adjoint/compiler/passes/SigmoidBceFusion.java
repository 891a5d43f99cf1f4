package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;

/**
 * Detects binary cross-entropy of a sigmoid, {@code -(y·log σ(z) + (1 - y)·log(1 - σ(z)))}
 * in any operand order, with or without the logs guarded against 0·log 0, and replaces it
 * with SIGMOID_BCE(z, y): finite for any logit, with gradient σ(z) - y. Runs before
 * {@link LogSigmoidRewrite}, which would otherwise take the logs apart first.
 */
final class SigmoidBceFusion extends RewritePass {

  @Override
  public String name() {
    return "sigmoid-bce";
  }

  @Override
  Node rewrite(Node n, NodeBuilder b) {
    if (n.op() != Op.NEG || n.input(0).op() != Op.ADD) {
      return null;
    }
    Node sum = n.input(0);
    for (int i = 0; i < 2; i++) {
      Patterns.TLogP positive = Patterns.tLogP(sum.input(i));
      Patterns.TLogP negative = Patterns.tLogP(sum.input(1 - i));
      if (positive == null || negative == null || positive.p().op() != Op.SIGMOID) {
        continue;
      }
      Node z = positive.p().input(0);
      Node y = positive.t();
      if (LogSigmoidRewrite.complementOfSigmoid(negative.p()) == z && isOneMinus(negative.t(), y)) {
        return b.node(Op.SIGMOID_BCE, z, y);
      }
    }
    return null;
  }

  private static boolean isOneMinus(Node n, Node y) {
    return n.op() == Op.SUB && Patterns.isConstant(n.input(0), 1) && n.input(1) == y;
  }
}
