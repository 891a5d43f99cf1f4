package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;

/**
 * Detects a matrix product of a transposed matrix, {@code transpose(a) @ b} or
 * {@code a @ transpose(w)}, and replaces it with a product that reads the operand
 * transposed (the A·Bᵀ and Aᵀ·B kernels), so that no transpose is materialized.
 */
final class TransposeFolding extends RewritePass {

  @Override
  public String name() {
    return "transpose-folding";
  }

  @Override
  Node rewrite(Node n, NodeBuilder b) {
    if (n.op() != Op.MATMUL) {
      return null;
    }
    Attrs.Matmul m = n.attrs(Attrs.Matmul.class);
    if (m.transposeA() || m.transposeB()) {
      return null;
    }
    Node a = n.input(0);
    Node w = n.input(1);
    if (isMatrixTranspose(w)) {
      return b.matmul(a, w.input(0), false, true);
    }
    if (isMatrixTranspose(a) && a.shape().rank() == 2) {
      return b.matmul(a.input(0), w, true, false);
    }
    return null;
  }

  private static boolean isMatrixTranspose(Node n) {
    return n.op() == Op.TRANSPOSE && n.shape().rank() == 2 && !n.input(0).shape().hasBatch()
        && n.attrs(Attrs.Permutation.class).perm().equals(java.util.List.of(1, 0));
  }
}
