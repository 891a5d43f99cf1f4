package dev.adjoint.compiler.ir;

import java.util.List;

/** Pieces of derivative rules too long to read inline in {@link Op}. */
final class Derivatives {
  private Derivatives() {}

  /**
   * For y = reduce_max(x): 1/k where x attains the maximum (k elements do), else 0, shaped
   * like x. The maximum's derivative is shared evenly among its k elements.
   */
  static Node maxShare(GraphBuilder b, Node n) {
    Node x = n.input(0);
    Attrs.Axes axes = n.attrs(Attrs.Axes.class);
    Node attains = b.equal(x, Derivative.expandReduced(b, n, x, axes));
    Node count = b.sum(attains, axes.axes(), true);
    return b.div(attains, b.broadcastTo(count, x.shape()));
  }

  /** Cotangents of a @ b for each transposition flag; see {@link Op#MATMUL}. */
  static List<Node> matmulTranspose(GraphBuilder b, Node n, Node g) {
    Attrs.Matmul m = n.attrs(Attrs.Matmul.class);
    Node a = n.input(0);
    Node w = n.input(1);
    if (m.transposeA()) {
      return List.of(b.matmul(w, g, false, true), b.matmul(a, g, false, false));
    }
    if (m.transposeB()) {
      return List.of(b.matmul(g, w, false, false), b.matmul(g, a, true, false));
    }
    return List.of(b.matmul(g, w, false, true), b.matmul(a, g, true, false));
  }
}
