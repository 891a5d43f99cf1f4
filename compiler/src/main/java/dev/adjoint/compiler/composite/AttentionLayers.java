package dev.adjoint.compiler.composite;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.AttentionRule;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeException;
import java.util.ArrayList;
import java.util.List;

/**
 * Attention and what transformers build around it: the fused ATTENTION op (with dropout on
 * its weights while training), multi-head attention over projections, and position
 * encodings.
 */
public final class AttentionLayers {
  private AttentionLayers() {}

  /** The projections of a multi-head attention layer: [in, dim] weights and [dim] biases (null without). */
  public record Projections(Node wq, Node bq, Node wk, Node bk, Node wv, Node bv, Node wo, Node bo) {}

  /**
   * softmax(masked(scale·q·kᵀ))·v over leading dimensions [..., T, d] (rank 3 or more), the
   * mask [Tq, Tk] or [..., Tq, Tk] (null for none). With dropout p &gt; 0, training computes the
   * probabilities unfused and drops each with probability p (scaling the rest by 1/(1 - p));
   * inference keeps the fused op.
   */
  public static Node attention(NodeBuilder b, Node q, Node k, Node v, Node mask, boolean causal, double scale,
      double dropout) {
    List<Node> inputs = new ArrayList<>(List.of(q, k, v));
    if (mask != null) {
      inputs.add(mask);
    }
    Node fused = b.node(Op.ATTENTION, inputs, new Attrs.Attention(scale, causal));
    if (dropout == 0) {
      return fused;
    }
    Node p = AttentionRule.probabilities(b, fused, AttentionRule.keep(b, fused));
    // p rounded to f32 so that f32 generated code and the f64 interpreter compare the same threshold
    Node kept = b.greaterEqual(b.randomUniform(p.shape(), p.dtype()), b.constant((float) dropout, p));
    Node dropped = b.scale(b.mul(p, kept), 1 / (1 - dropout));
    return b.modeSwitch(b.batchMatmul(dropped, v, false, false), fused);
  }

  /**
   * Multi-head self-attention of x [..., T, in]: q, k and v projections split into
   * {@code heads} heads of dim/heads features ([..., heads, T, dim/heads]), attention per
   * head, the heads joined and projected by wo. {@code keyMask} [..., T] (null for none)
   * hides the keys where it is 0 from every query.
   */
  public static Node multiHead(NodeBuilder b, Node x, Projections w, int heads, boolean causal, Node keyMask,
      double dropout) {
    int rank = x.shape().rank();
    int t = x.shape().dim(rank - 2);
    int dim = w.wq().shape().dim(1);
    int width = dim / heads;
    Shape lead = x.shape().slice(0, rank - 2);
    Node q = split(b, Layers.dense(b, x, w.wq(), w.bq()), lead, heads, t, width);
    Node k = split(b, Layers.dense(b, x, w.wk(), w.bk()), lead, heads, t, width);
    Node v = split(b, Layers.dense(b, x, w.wv(), w.bv()), lead, heads, t, width);
    Node mask = null;
    if (keyMask != null) {
      Shape full = lead.append(heads, t, t);
      mask = b.broadcastTo(b.reshape(keyMask, lead.append(1, 1, t)), full);
    }
    Node o = attention(b, q, k, v, mask, causal, 1 / Math.sqrt(width), dropout);
    List<Integer> back = new ArrayList<>(lead.allAxes());
    back.addAll(List.of(rank - 1, rank - 2, rank));
    Node joined = b.reshape(b.transpose(o, back), lead.append(t, dim));
    return Layers.dense(b, joined, w.wo(), w.bo());
  }

  /** [..., T, heads·width] to [..., heads, T, width]. */
  private static Node split(NodeBuilder b, Node y, Shape lead, int heads, int t, int width) {
    int rank = lead.rank();
    List<Integer> perm = new ArrayList<>(lead.allAxes());
    perm.addAll(List.of(rank + 1, rank, rank + 2));
    return b.transpose(b.reshape(y, lead.append(t, heads, width)), perm);
  }

  /**
   * The sinusoidal encoding of Vaswani et al. for x [..., T, D]: a [T, D] tensor with
   * sin(t/10000^(2i/D)) at column 2i and cos of the same angle at 2i + 1, t counted from 0.
   * Built from constants, so it holds no parameter.
   */
  public static Node sinusoidal(NodeBuilder b, Node x) {
    int rank = x.shape().rank();
    if (rank < 2 || x.shape().last() == Shape.BATCH || x.shape().dim(rank - 2) == Shape.BATCH) {
      throw new ShapeException("position encodings need [..., T, D] with static T and D, got " + x.type());
    }
    int t = x.shape().dim(rank - 2);
    int d = x.shape().last();
    Node time = b.reshape(b.shift(count(b, t, x), -1), Shape.of(t, 1));
    Node column = b.shift(count(b, d, x), -1);
    Node pair = b.node(Op.FLOOR, b.scale(column, 0.5));
    Node frequency = b.exp(b.scale(pair, -2 * Math.log(10000) / d));
    Node angle = b.mul(time, b.reshape(frequency, Shape.of(1, d)));
    Node odd = b.reshape(b.greater(b.sub(column, b.scale(pair, 2)), b.constant(0.5, x)), Shape.of(1, d));
    return b.where(odd, b.cos(angle), b.sin(angle));
  }

  /** f32 [..., length]: 1 at positions 0 ≤ t &lt; lengths[...], else 0 (a comparison, so a mask). */
  public static Node sequenceMask(NodeBuilder b, Node lengths, int length) {
    Node positions = b.shift(count(b, length, b.constant(0, dev.adjoint.compiler.ir.ScalarType.F32)), -1);
    Node limits = b.cast(b.reshape(lengths, lengths.shape().append(1)), dev.adjoint.compiler.ir.ScalarType.F32);
    return b.greater(limits, positions);
  }

  /**
   * x [..., T, D] pooled over T where mask [..., T] (0/1, x's dtype) is 1: the mean (the sum
   * over max(1, count)), or the maximum (masked positions never win; 0 when none is kept). A
   * masked position adds an exact 0, so what padding holds changes nothing.
   */
  public static Node sequencePool(NodeBuilder b, Node x, Node mask, boolean max) {
    int axis = x.shape().rank() - 2;
    Node m = b.reshape(mask, mask.shape().append(1));
    Node kept = b.sum(m, List.of(axis), false);
    if (!max) {
      Node sum = b.sum(b.where(m, x, b.constant(0, x)), List.of(axis), false);
      return b.div(sum, b.max(kept, b.constant(1, kept)));
    }
    Node top = b.reduceMax(b.where(m, x, b.constant(AttentionRule.MASKED, x)), List.of(axis), false);
    return b.where(b.greater(kept, b.constant(0, kept)), top, b.constant(0, top));
  }

  /** 1, 2, ..., n in x's dtype. */
  private static Node count(NodeBuilder b, int n, Node like) {
    return Analysis.cumsum(b, b.broadcastTo(b.constant(1, like), Shape.of(n)), 0);
  }
}
