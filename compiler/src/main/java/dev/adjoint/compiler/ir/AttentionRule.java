package dev.adjoint.compiler.ir;

import java.util.Arrays;
import java.util.List;

/**
 * The derivative rule of {@link Op#ATTENTION}, built from differentiable ops only, so a
 * gradient through attention can be differentiated again. The fused forward keeps no
 * probabilities; the rule recomputes P = softmax(Z) with Z = scale·q·kᵀ where kept and -1e30
 * where masked (the kernel's definition), as two batched products and a row softmax.
 *
 * <p>Reverse mode, for the output's cotangent g and the output O = P·v: dv = Pᵀ·g;
 * dZ = P ⊙ (g·vᵀ - rowsum(g ⊙ O)), zero where masked; dq = scale·dZ·k; dk = scale·dZᵀ·q.
 * Forward mode: dZ = scale·(tq·kᵀ + q·tkᵀ), zero where masked; dO = (P ⊙ (dZ - rowsum(P ⊙ dZ)))·v + P·tv.
 * The composite layers use {@link #probabilities} too (attention with dropout on the weights).
 */
public final class AttentionRule {
  /** What a masked score becomes, as in the runtime kernel. */
  public static final double MASKED = -1e30;

  private AttentionRule() {}

  static List<Node> vjp(NodeBuilder b, Node n, Node g) {
    Attrs.Attention a = n.attrs(Attrs.Attention.class);
    Node q = n.input(0);
    Node k = n.input(1);
    Node v = n.input(2);
    Node keep = keep(b, n);
    Node p = probabilities(b, n, keep);
    Node dv = b.batchMatmul(p, g, true, false);
    Node dp = b.batchMatmul(g, v, false, true);
    Node rows = b.sum(b.mul(g, n), List.of(n.shape().rank() - 1), true);
    Node dz = b.mul(p, b.sub(dp, rows));
    if (keep != null) {
      dz = b.where(keep, dz, b.constant(0, dz));
    }
    Node dq = b.scale(b.batchMatmul(dz, k, false, false), a.scale());
    Node dk = b.scale(b.batchMatmul(dz, q, true, false), a.scale());
    return Arrays.asList(dq, dk, dv, null);
  }

  static Node jvp(NodeBuilder b, Node n, List<Node> t) {
    Attrs.Attention a = n.attrs(Attrs.Attention.class);
    Node q = n.input(0);
    Node k = n.input(1);
    Node v = n.input(2);
    Node keep = keep(b, n);
    Node p = probabilities(b, n, keep);
    Node dz = null;
    if (t.get(0) != null) {
      dz = b.batchMatmul(t.get(0), k, false, true);
    }
    if (t.get(1) != null) {
      Node fromK = b.batchMatmul(q, t.get(1), false, true);
      dz = dz == null ? fromK : b.add(dz, fromK);
    }
    Node out = null;
    if (dz != null) {
      dz = b.scale(dz, a.scale());
      if (keep != null) {
        dz = b.where(keep, dz, b.constant(0, dz));
      }
      Node pdz = b.mul(p, dz);
      Node dp = b.sub(pdz, b.mul(p, b.sum(pdz, List.of(dz.shape().rank() - 1), true)));
      out = b.batchMatmul(dp, v, false, false);
    }
    if (t.get(2) != null) {
      Node fromV = b.batchMatmul(p, t.get(2), false, false);
      out = out == null ? fromV : b.add(out, fromV);
    }
    return out;
  }

  /**
   * The kept scores of an ATTENTION node as a 0/1 tensor ([Tq, Tk] or [..., Tq, Tk]), or null
   * when every score is kept.
   */
  public static Node keep(NodeBuilder b, Node n) {
    Node mask = n.inputs().size() > 3 ? b.greater(b.abs(n.input(3)), b.constant(0, n.input(3))) : null;
    if (!n.attrs(Attrs.Attention.class).causal()) {
      return mask;
    }
    int rank = n.shape().rank();
    int tq = n.input(0).shape().dim(rank - 2);
    int tk = n.input(1).shape().dim(rank - 2);
    Node queries = b.reshape(positions(b, tq, n.dtype()), Shape.of(tq, 1));
    Node keys = b.reshape(positions(b, tk, n.dtype()), Shape.of(1, tk));
    Node causal = b.greaterEqual(queries, keys);
    return mask == null ? causal : b.mul(b.broadcastTo(causal, mask.shape()), mask);
  }

  /** softmax(Z) over the keys, Z = scale·q·kᵀ where kept, else {@link #MASKED}. */
  public static Node probabilities(NodeBuilder b, Node n, Node keep) {
    Node z = b.scale(b.batchMatmul(n.input(0), n.input(1), false, true), n.attrs(Attrs.Attention.class).scale());
    if (keep != null) {
      z = b.where(keep, z, b.constant(MASKED, z));
    }
    List<Integer> last = List.of(z.shape().rank() - 1);
    Node e = b.exp(b.sub(z, b.stopGradient(b.reduceMax(z, last, true))));
    return b.div(e, b.sum(e, last, true));
  }

  /** 1, 2, ..., n as a tensor [n]: running sums of ones by doubling steps (slices, pads, adds). */
  private static Node positions(NodeBuilder b, int n, ScalarType dtype) {
    Node y = b.broadcastTo(b.constant(1, dtype), Shape.of(n));
    for (int d = 1; d < n; d *= 2) {
      y = b.add(y, b.pad(b.slice(y, 0, 0, n - d), 0, d, 0));
    }
    return y;
  }
}
