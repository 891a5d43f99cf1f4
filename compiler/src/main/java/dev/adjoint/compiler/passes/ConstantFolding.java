package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.interp.ScalarOps;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Shape;

/**
 * Detects computations on constants — an elementwise op whose operands are all constants
 * (scalars or broadcast scalars), a cast of a constant, the element count of a shape
 * without the batch dimension — and replaces them with the constant they compute, using
 * the reference interpreter's arithmetic.
 */
final class ConstantFolding extends RewritePass {

  @Override
  public String name() {
    return "constant-folding";
  }

  @Override
  Node rewrite(Node n, NodeBuilder b) {
    if (n.op() == Op.COUNT && !n.input(0).shape().hasBatch()) {
      long count = 1;
      for (int axis : n.attrs(Attrs.Axes.class).axes()) {
        count *= n.input(0).shape().dim(axis);
      }
      return b.constant(Math.max(1, count), n.dtype());
    }
    if (!n.op().isElementwise() || n.op() == Op.WHERE || n.inputs().isEmpty()) {
      return null;
    }
    double[] operands = new double[n.inputs().size()];
    for (int i = 0; i < operands.length; i++) {
      Double c = Patterns.constant(n.input(i));
      if (c == null) {
        return null;
      }
      operands[i] = c;
    }
    double value = ScalarOps.apply(n.op(), n.attrs(), n.input(0).dtype(), operands);
    Node scalar = b.constant(value, n.dtype());
    return n.shape().equals(Shape.SCALAR) ? scalar : b.broadcastTo(scalar, n.shape());
  }
}
