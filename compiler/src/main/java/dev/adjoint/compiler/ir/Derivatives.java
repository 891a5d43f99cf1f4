package dev.adjoint.compiler.ir;

import java.util.List;

/** Pieces of derivative rules too long to read inline in {@link Op}. */
final class Derivatives {
  private Derivatives() {}

  /**
   * For y = reduce_max(x): 1/k where x attains the maximum (k elements do), else 0, shaped
   * like x. The maximum's derivative is shared evenly among its k elements.
   */
  static Node maxShare(NodeBuilder b, Node n) {
    Node x = n.input(0);
    Attrs.Axes axes = n.attrs(Attrs.Axes.class);
    Node attains = b.equal(x, Derivative.expandReduced(b, n, x, axes));
    Node count = b.sum(attains, axes.axes(), true);
    return b.div(attains, b.broadcastTo(count, x.shape()));
  }

  /** Cotangents of a CONCAT: each input's slice of the output's cotangent {@code g}. */
  static List<Node> concatTranspose(NodeBuilder b, Node n, Node g) {
    int axis = n.attrs(Attrs.Concat.class).axis();
    List<Node> out = new java.util.ArrayList<>();
    int start = 0;
    for (Node input : n.inputs()) {
      int end = start + input.shape().dim(axis);
      out.add(b.slice(g, axis, start, end));
      start = end;
    }
    return out;
  }

  /**
   * Cotangents of y = conv(x, w) for y's cotangent g: conv_input_grad(g, w) for x,
   * conv_filter_grad(x, g) for w.
   */
  static List<Node> convTranspose(NodeBuilder b, Node n, Node g) {
    Attrs.Conv c = n.attrs(Attrs.Conv.class);
    return List.of(b.node(Op.CONV_INPUT_GRAD, List.of(g, n.input(1)), c),
        b.node(Op.CONV_FILTER_GRAD, List.of(n.input(0), g), c));
  }

  /**
   * Cotangents of dx = conv_input_grad(dy, w) for dx's cotangent h: ⟨h, dx⟩ = ⟨dy, conv(h, w)⟩,
   * so conv(h, w) for dy and conv_filter_grad(h, dy) for w.
   */
  static List<Node> convInputGradTranspose(NodeBuilder b, Node n, Node h) {
    Attrs.Conv c = n.attrs(Attrs.Conv.class);
    return List.of(b.node(Op.CONV, List.of(h, n.input(1)), c), b.node(Op.CONV_FILTER_GRAD, List.of(h, n.input(0)), c));
  }

  /**
   * Cotangents of dw = conv_filter_grad(x, dy) for dw's cotangent h: ⟨h, dw⟩ = ⟨dy, conv(x, h)⟩,
   * so conv_input_grad(dy, h) for x and conv(x, h) for dy.
   */
  static List<Node> convFilterGradTranspose(NodeBuilder b, Node n, Node h) {
    Attrs.Conv c = n.attrs(Attrs.Conv.class);
    return List.of(b.node(Op.CONV_INPUT_GRAD, List.of(n.input(1), h), c), b.node(Op.CONV, List.of(n.input(0), h), c));
  }

  /** Cotangents of a @ b for each transposition flag; see {@link Op#MATMUL}. */
  static List<Node> matmulTranspose(NodeBuilder b, Node n, Node g) {
    return productCotangents(b::matmul, n, g);
  }

  /** Cotangents of a batch of products, each as for {@link Op#MATMUL}; see {@link Op#BATCH_MATMUL}. */
  static List<Node> batchMatmulTranspose(NodeBuilder b, Node n, Node g) {
    return productCotangents(b::batchMatmul, n, g);
  }

  /** A product of two nodes with transposition flags: MATMUL or BATCH_MATMUL. */
  private interface Product {
    Node apply(Node a, Node b, boolean transposeA, boolean transposeB);
  }

  /**
   * For y = a·w: (g·wᵀ, aᵀ·g); for y = aᵀ·w: (w·gᵀ, a·g); for y = a·wᵀ: (g·w, gᵀ·a). Each
   * a product of the same kind, reading its operands transposed in place.
   */
  private static List<Node> productCotangents(Product product, Node n, Node g) {
    Attrs.Matmul m = n.attrs(Attrs.Matmul.class);
    Node a = n.input(0);
    Node w = n.input(1);
    if (m.transposeA()) {
      return List.of(product.apply(w, g, false, true), product.apply(a, g, false, false));
    }
    if (m.transposeB()) {
      return List.of(product.apply(g, w, false, false), product.apply(g, a, true, false));
    }
    return List.of(product.apply(g, w, false, true), product.apply(a, g, true, false));
  }

  /** The target distribution of a SOFTMAX_CROSS_ENTROPY node: the smoothed one-hot of indices, or as given. */
  static Node crossEntropyTarget(NodeBuilder b, Node n) {
    Node logits = n.input(0);
    Node target = n.input(1);
    if (target.dtype() != ScalarType.I32) {
      return target;
    }
    int classes = logits.shape().last();
    Node oneHot = b.oneHot(target, classes, logits.dtype());
    double smoothing = n.attrs(Attrs.CrossEntropy.class).smoothing();
    return smoothing == 0 ? oneHot : b.shift(b.scale(oneHot, 1 - smoothing), smoothing / classes);
  }

  /** softmax(z)·Σt - t: the cross-entropy's derivative with respect to the logits. */
  private static Node crossEntropySlope(NodeBuilder b, Node n, Node target) {
    List<Integer> last = List.of(n.input(0).shape().rank() - 1);
    return b.sub(b.mul(softmax(b, n.input(0)), b.sum(target, last, true)), target);
  }

  /**
   * softmax(z) over the last axis, built node for node as the language's {@code softmax}
   * builds it (e^(z - max) / Σ e^(z - max)), so that common-subexpression elimination shares
   * it with a model's softmax output of the same logits: a classifier that outputs its
   * probabilities then computes them once a step, where the gradient took e^(log_softmax(z))
   * besides (a fifth of a transformer language model's non-product time).
   */
  private static Node softmax(NodeBuilder b, Node logits) {
    List<Integer> last = List.of(logits.shape().rank() - 1);
    Node e = b.exp(b.sub(logits, b.reduceMax(logits, last, true)));
    return b.div(e, b.sum(e, last, true));
  }

  private static Node logSoftmax(NodeBuilder b, Node logits) {
    List<Integer> last = List.of(logits.shape().rank() - 1);
    return b.node(Op.LOG_SOFTMAX, List.of(logits), new Attrs.Axes(last, true));
  }

  static List<Node> softmaxCrossEntropyVjp(NodeBuilder b, Node n, Node g) {
    Node logits = n.input(0);
    Node target = crossEntropyTarget(b, n);
    Node perClass = b.broadcastTo(b.reshape(g, n.shape().append(1)), logits.shape());
    Node dLogits = b.mul(perClass, crossEntropySlope(b, n, target));
    Node dTarget = n.input(1).dtype() == ScalarType.I32 ? null : b.neg(b.mul(perClass, logSoftmax(b, logits)));
    return java.util.Arrays.asList(dLogits, dTarget);
  }

  static Node softmaxCrossEntropyJvp(NodeBuilder b, Node n, List<Node> t) {
    Node logits = n.input(0);
    List<Integer> last = List.of(logits.shape().rank() - 1);
    Node result = null;
    if (t.get(0) != null) {
      result = b.sum(b.mul(crossEntropySlope(b, n, crossEntropyTarget(b, n)), t.get(0)), last, false);
    }
    if (t.size() > 1 && t.get(1) != null && n.input(1).dtype() != ScalarType.I32) {
      Node fromTarget = b.neg(b.sum(b.mul(t.get(1), logSoftmax(b, logits)), last, false));
      result = result == null ? fromTarget : b.add(result, fromTarget);
    }
    return result;
  }
}
