package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;

/**
 * Replaces each {@code stop_gradient(x)} with x. It runs after differentiation (or
 * inference extraction), when the op has done its one job of hiding x from the gradient,
 * so that generated code neither copies nor computes anything for it.
 */
final class StopGradientRemoval extends RewritePass {

  @Override
  public String name() {
    return "stop-gradient-removal";
  }

  @Override
  Node rewrite(Node n, NodeBuilder b) {
    return n.op() == Op.STOP_GRADIENT ? n.input(0) : null;
  }
}
