package dev.adjoint.compiler.composite;

import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeException;
import java.util.ArrayList;
import java.util.List;

/**
 * Selection built from primitives: argmin, take_along_axis and the masked mean. Each is made
 * of ops whose derivative rules are themselves differentiable, so gradients through them
 * can be differentiated again.
 */
public final class Selections {
  private Selections() {}

  /** The index of the smallest element along an axis (the first on a tie): argmax of -x. */
  public static Node argmin(NodeBuilder b, Node x, int axis, boolean keepDims) {
    return b.argmax(b.neg(x), axis, keepDims);
  }

  /**
   * out[..., j, ...] = x[..., idx[..., j, ...], ...] along {@code axis}, as NumPy's
   * take_along_axis: the indices one-hot encoded along a new last axis, multiplied with x and
   * summed, so the gradient reaches x through a product and a sum. An index outside
   * [0, n) picks 0. idx has x's shape but for its size along the axis.
   */
  public static Node takeAlongAxis(NodeBuilder b, Node x, Node idx, int axis) {
    Shape xs = x.shape();
    Shape is = idx.shape();
    if (idx.dtype() != ScalarType.I32) {
      throw new ShapeException("the indices must be i32, got " + idx.type());
    }
    if (is.rank() != xs.rank()) {
      throw new ShapeException("the indices " + idx.type() + " must have the rank of x " + x.type());
    }
    for (int i = 0; i < xs.rank(); i++) {
      if (i != axis && is.dim(i) != xs.dim(i)) {
        throw new ShapeException("the indices " + idx.type() + " and x " + x.type() + " differ in axis " + i
            + "; they may differ only along axis " + axis);
      }
    }
    if (axis == xs.batchAxis()) {
      throw new ShapeException("taking along the batch axis B would mix the samples of a batch; choose another axis of "
          + x.type());
    }
    int last = xs.rank() - 1;
    List<Integer> perm = swap(xs.rank(), axis, last);
    Node xt = axis == last ? x : b.transpose(x, perm);
    Node it = axis == last ? idx : b.transpose(idx, perm);
    int n = xt.shape().last();
    Node hot = b.oneHot(it, n, x.dtype());
    Shape rows = xt.shape().slice(0, last).append(1, n);
    Node picked = b.sum(b.mul(hot, b.reshape(xt, rows)), List.of(last + 1), false);
    return axis == last ? picked : b.transpose(picked, perm);
  }

  /**
   * The mean of x over the entries the mask keeps: Σ where(mask, x, 0) / max(Σ mask, 1). An
   * all-false mask gives 0 (and gradient 0), not NaN; a dropped entry takes no gradient.
   */
  public static Node maskedMean(NodeBuilder b, Node x, Node mask) {
    Node kept = b.where(mask, x, b.constant(0, x));
    Node m = b.cast(mask, x.dtype());
    Node count = b.max(b.sumAll(b.broadcastTo(m, kept.shape())), b.constant(1, x));
    return b.div(b.sumAll(kept), count);
  }

  private static List<Integer> swap(int rank, int i, int j) {
    List<Integer> perm = new ArrayList<>();
    for (int k = 0; k < rank; k++) {
      perm.add(k == i ? j : k == j ? i : k);
    }
    return perm;
  }
}
