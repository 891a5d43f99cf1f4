package dev.adjoint.compiler.composite;

import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.ShapeException;
import java.util.List;

/** Reductions and scans built from differentiable primitives: logsumexp, norm, cumsum. */
public final class Analysis {
  private Analysis() {}

  /**
   * m + log Σ e^(x - m) with m the maximum, held constant: the shift cancels exactly in
   * the value, and the gradient is softmax(x) without a detour through the maximum.
   */
  public static Node logSumExp(NodeBuilder b, Node x, List<Integer> axes, boolean keepDims) {
    Node m = b.stopGradient(b.reduceMax(x, axes, true));
    Node sum = b.sum(b.exp(b.sub(x, m)), axes, keepDims);
    Node shift = keepDims ? m : b.stopGradient(b.reduceMax(x, axes, false));
    return b.add(shift, b.log(sum));
  }

  /**
   * √Σx², computed as where(s > 0, √where(s > 0, s, 1), 0): the inner where keeps the square
   * root's derivative finite at s = 0, the outer gives the value 0 and gradient 0 there.
   */
  public static Node norm(NodeBuilder b, Node x, List<Integer> axes, boolean keepDims) {
    Node s = b.sum(b.mul(x, x), axes, keepDims);
    Node positive = b.greater(s, b.constant(0, s));
    Node root = b.sqrt(b.where(positive, s, b.constant(1, s)));
    return b.where(positive, root, b.constant(0, s));
  }

  /**
   * Running sums in ⌈log₂ n⌉ steps (Hillis and Steele): each adds the partial sums d places
   * earlier, shifted in with zeros, for d = 1, 2, 4, ... Only slices, pads and adds, so the
   * gradient (a reversed running sum) comes from their rules.
   */
  public static Node cumsum(NodeBuilder b, Node x, int axis) {
    if (axis == x.shape().batchAxis()) {
      throw new ShapeException("cumsum along the batch axis B would mix the samples of a batch; "
          + "choose another axis of " + x.type());
    }
    int n = x.shape().dim(axis);
    Node y = x;
    for (int d = 1; d < n; d *= 2) {
      y = b.add(y, b.pad(b.slice(y, axis, 0, n - d), axis, d, 0));
    }
    return y;
  }
}
