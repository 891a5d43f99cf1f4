package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;

/**
 * Detects a matrix product of a transposed matrix, {@code transpose(a) @ b} or
 * {@code a @ transpose(w)}, and replaces it with a product that reads the operand
 * transposed (the A·Bᵀ and Aᵀ·B kernels), so that no transpose is materialized. A batch of
 * products ({@code q @ transpose(k)} in attention) folds a transpose of the last two axes the
 * same way, also where the product already reads that operand transposed (the two cancel);
 * and a transpose of such a product that reads one operand transposed becomes the product
 * the other way round, (A·Bᵀ)ᵀ = B·Aᵀ and (Aᵀ·B)ᵀ = Bᵀ·A: the backward pass of
 * {@code q @ transpose(k)} then makes k's gradient directly, without a transposed copy. (Were
 * that product read elsewhere too, it would be computed twice; the backward pass makes it for
 * the transpose alone.)
 */
final class TransposeFolding extends RewritePass {

  @Override
  public String name() {
    return "transpose-folding";
  }

  @Override
  Node rewrite(Node n, NodeBuilder b) {
    if (n.op() == Op.BATCH_MATMUL) {
      return batched(n, b);
    }
    if (swapsLastTwo(n) && n.input(0).op() == Op.BATCH_MATMUL) {
      Attrs.Matmul m = n.input(0).attrs(Attrs.Matmul.class);
      Node product = n.input(0);
      if (m.transposeA() != m.transposeB()) {
        return b.batchMatmul(product.input(1), product.input(0), m.transposeA(), m.transposeB());
      }
    }
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

  private static Node batched(Node n, NodeBuilder b) {
    Attrs.Matmul m = n.attrs(Attrs.Matmul.class);
    Node a = n.input(0);
    Node w = n.input(1);
    if (swapsLastTwo(w) && (m.transposeB() || !m.transposeA())) {
      return b.batchMatmul(a, w.input(0), m.transposeA(), !m.transposeB());
    }
    if (swapsLastTwo(a) && (m.transposeA() || !m.transposeB())) {
      return b.batchMatmul(a.input(0), w, !m.transposeA(), m.transposeB());
    }
    return null;
  }

  /** A transpose of the last two axes only, the batch axes kept in place. */
  private static boolean swapsLastTwo(Node n) {
    if (n.op() != Op.TRANSPOSE) {
      return false;
    }
    java.util.List<Integer> perm = n.attrs(Attrs.Permutation.class).perm();
    int rank = perm.size();
    for (int i = 0; i < rank - 2; i++) {
      if (perm.get(i) != i) {
        return false;
      }
    }
    return rank >= 3 && perm.get(rank - 2) == rank - 1 && perm.get(rank - 1) == rank - 2;
  }

  private static boolean isMatrixTranspose(Node n) {
    return n.op() == Op.TRANSPOSE && n.shape().rank() == 2 && !n.input(0).shape().hasBatch()
        && n.attrs(Attrs.Permutation.class).perm().equals(java.util.List.of(1, 0));
  }
}
