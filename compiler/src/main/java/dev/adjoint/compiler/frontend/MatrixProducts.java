package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code @} operator, as NumPy's {@code matmul}: a product with a weight matrix [k, n]
 * (or vector [k]) reads every leading dimension of the left operand as rows (one MATMUL);
 * otherwise both operands are stacks of matrices in their last two axes, whose leading (batch)
 * dimensions broadcast against each other ({@code [B, T, d] @ [B, d, T]},
 * {@code [B, H, T, d] @ [H, d, e]}) into one BATCH_MATMUL. B may be a batch dimension, never
 * one of a matrix's.
 */
final class MatrixProducts {
  private MatrixProducts() {}

  static Node matmul(Node a, Node b, NodeBuilder ops) {
    if (a.shape().rank() == 0 || b.shape().rank() == 0) {
      throw new ShapeException("both operands of @ need at least one dimension");
    }
    if (a.dtype() != b.dtype()) {
      throw new ShapeException("the dtypes differ; convert one with f32(...) or f64(...)");
    }
    if (!b.shape().hasBatch() && b.shape().rank() <= 2) {
      return withMatrix(a, b, ops);
    }
    if (b.shape().rank() == 1) {
      throw new ShapeException("the right operand of @ is a vector over the batch B; its size must be fixed");
    }
    return batched(a, b, ops);
  }

  /** a[..., k] @ b[k, n] or b[k]: every leading dimension of a is a row. */
  private static Node withMatrix(Node a, Node b, NodeBuilder ops) {
    int k = b.shape().dim(0);
    if (a.shape().last() != k) {
      throw new ShapeException("inner dimensions differ (" + Shape.dimText(a.shape().last()) + " vs " + k + ")");
    }
    if (b.shape().rank() == 1) {
      Node column = ops.reshape(b, Shape.of(k, 1));
      Node product = ops.matmul(a, column, false, false);
      Shape s = product.shape();
      return ops.reshape(product, s.slice(0, s.rank() - 1));
    }
    return ops.matmul(a, b, false, false);
  }

  /** Stacks of matrices: a[..., m, k] @ b[..., k, n], the leading dimensions broadcast. */
  private static Node batched(Node a, Node b, NodeBuilder ops) {
    boolean vector = a.shape().rank() == 1;
    Node left = vector ? ops.reshape(a, Shape.of(1, a.shape().dim(0))) : a;
    Shape sa = left.shape();
    Shape sb = b.shape();
    matrixAxesStatic(sa, "left");
    matrixAxesStatic(sb, "right");
    int k = sb.dim(sb.rank() - 2);
    if (sa.last() != k) {
      throw new ShapeException("inner dimensions differ (" + sa.last() + " vs " + k + "): @ multiplies "
          + matrix(sa) + " by " + matrix(sb));
    }
    Shape batch = broadcastBatch(sa.slice(0, sa.rank() - 2), sb.slice(0, sb.rank() - 2), sa, sb);
    Node x = ops.broadcastTo(left, batch.append(sa.dim(sa.rank() - 2), sa.last()));
    Node y = ops.broadcastTo(b, batch.append(k, sb.last()));
    Node product = ops.batchMatmul(x, y, false, false);
    if (!vector) {
      return product;
    }
    Shape s = product.shape();
    return ops.reshape(product, s.slice(0, s.rank() - 2).append(s.last()));
  }

  private static void matrixAxesStatic(Shape s, String side) {
    int rank = s.rank();
    for (int axis = Math.max(0, rank - 2); axis < rank; axis++) {
      if (s.dim(axis) == Shape.BATCH) {
        String hint = rank == 2 && axis == 0 && side.equals("right")
            ? "for one vector per sample, make it a column: reshape(..., (B, " + s.last() + ", 1))" : null;
        throw new ShapeException("@ multiplies the last two axes as matrices, and B is one of the " + side
            + " operand's " + s + "; B can only be a batch (leading) axis", hint);
      }
    }
  }

  /** The batch dimensions both operands broadcast to, aligned from the right; 1 stretches. */
  private static Shape broadcastBatch(Shape x, Shape y, Shape sa, Shape sb) {
    int rank = Math.max(x.rank(), y.rank());
    List<Integer> dims = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      int dx = i < rank - x.rank() ? 1 : x.dim(i - (rank - x.rank()));
      int dy = i < rank - y.rank() ? 1 : y.dim(i - (rank - y.rank()));
      if (dx != dy && dx != 1 && dy != 1) {
        throw new ShapeException("batch dimensions differ: " + x + " vs " + y + " (" + Shape.dimText(dx) + " vs "
            + Shape.dimText(dy) + "); the axes before a matrix's two must be equal or 1");
      }
      dims.add(dx == 1 ? dy : dx);
    }
    return Shape.of(dims);
  }

  private static String matrix(Shape s) {
    return "[" + s.dim(s.rank() - 2) + ", " + s.last() + "] matrices";
  }
}
