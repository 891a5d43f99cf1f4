package dev.adjoint.compiler.composite;

import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.ShapeException;
import java.util.List;

/** Activation functions as graphs of primitives. */
public final class Activations {
  private static final double SQRT_2 = Math.sqrt(2.0);
  private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

  private Activations() {}

  /** max(x, 0). */
  public static Node relu(NodeBuilder b, Node x) {
    return b.max(x, b.constant(0, x));
  }

  /** x where x &gt; 0, else slope·x (any slope, also above 1). */
  public static Node leakyRelu(NodeBuilder b, Node x, double slope) {
    return b.where(b.greater(x, b.constant(0, x)), x, b.scale(x, slope));
  }

  /** x·sigmoid(x), also called swish. */
  public static Node silu(NodeBuilder b, Node x) {
    return b.mul(x, b.sigmoid(x));
  }

  /** The exact GELU: x·Φ(x) = x/2·(1 + erf(x/√2)). */
  public static Node gelu(NodeBuilder b, Node x) {
    Node phi = b.shift(b.erf(b.scale(x, 1 / SQRT_2)), 1);
    return b.mul(b.scale(x, 0.5), phi);
  }

  /** GELU's tanh approximation: x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
  public static Node geluTanh(NodeBuilder b, Node x) {
    Node cube = b.mul(b.mul(x, x), x);
    Node inner = b.scale(b.add(x, b.scale(cube, 0.044715)), SQRT_2_OVER_PI);
    return b.mul(b.scale(x, 0.5), b.shift(b.tanh(inner), 1));
  }

  /** log(1 + e^(βx))/β, computed as (max(βx, 0) + log1p(e^(-|βx|)))/β so that it never overflows. */
  public static Node softplus(NodeBuilder b, Node x, double beta) {
    Node bx = beta == 1 ? x : b.scale(x, beta);
    Node stable = b.add(relu(b, bx), b.log1p(b.exp(negativeAbs(b, bx))));
    return beta == 1 ? stable : b.scale(stable, 1 / beta);
  }

  /**
   * -|x| as min(-x, x). At x = 0 neither max(x, 0) nor |x| has a derivative, and the rules
   * pick one side: max gives 0, and min(-x, x) gives +1 (its second input wins a tie), so
   * max(x, 0) + log1p(e^(-|x|)) has the derivative 0 + ½·1 = ½ = σ(0) there, the true one.
   */
  public static Node negativeAbs(NodeBuilder b, Node x) {
    return b.min(b.neg(x), x);
  }

  /** SwiGLU on the last axis: the first half through SiLU, gating the second half. */
  public static Node swiglu(NodeBuilder b, Node x) {
    int axis = x.shape().rank() - 1;
    int width = axis < 0 ? 0 : x.shape().last();
    if (axis < 0 || width % 2 != 0) {
      throw new ShapeException("swiglu splits the last dimension in two halves, so it must be even; got "
          + x.type());
    }
    Node gate = b.slice(x, axis, 0, width / 2);
    Node value = b.slice(x, axis, width / 2, width);
    return b.mul(silu(b, gate), value);
  }

  /** softmax along an axis, shifted by the maximum so that large logits do not overflow. */
  public static Node softmax(NodeBuilder b, Node x, int axis) {
    Node shifted = b.sub(x, b.reduceMax(x, List.of(axis), true));
    Node e = b.exp(shifted);
    return b.div(e, b.sum(e, List.of(axis), true));
  }

  /** log(softmax(x)) along an axis in the stable form x - max - log(Σ e^(x - max)). */
  public static Node logSoftmax(NodeBuilder b, Node x, int axis) {
    Node shifted = b.sub(x, b.reduceMax(x, List.of(axis), true));
    return b.sub(shifted, b.log(b.sum(b.exp(shifted), List.of(axis), true)));
  }
}
