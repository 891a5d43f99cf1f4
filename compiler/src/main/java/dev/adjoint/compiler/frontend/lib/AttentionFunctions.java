package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.composite.AttentionLayers;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.frontend.Builtin;
import dev.adjoint.compiler.frontend.BuiltinTable;
import dev.adjoint.compiler.frontend.CallContext;
import dev.adjoint.compiler.frontend.Checks;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.ir.Init;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.ParamRole;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeException;
import dev.adjoint.compiler.ir.ShapeRules;
import java.util.List;
import java.util.Map;

/**
 * Attention in the language: {@code attention} (the fused op), {@code multi_head_attention}
 * (a layer creating its projections) and {@code positional_encoding} (learned or sinusoidal).
 */
public final class AttentionFunctions {
  private static final String CATEGORY = "layer";

  private AttentionFunctions() {}

  public static void register(BuiltinTable table) {
    table.add(new Builtin(Signature.of("attention", Args.tensor("q"), Args.tensor("k"), Args.tensor("v"),
        new Parameter("mask", Kind.ANY, new Value.Symbol("none"), false, List.of("none", "causal"), "mask", null),
        Parameter.optional("scale", Kind.NUMBER),
        Args.number("dropout", 0).withCheck(Checks.range(0, 1, false))), "math",
        "softmax(scale·q·kᵀ)·v with q [..., Tq, d], k [..., Tk, d], v [..., Tk, dv]; mask = causal, or a 0/1 "
            + "mask [Tq, Tk] or [..., Tq, Tk] (0 hides a key); scale 1/√d by default",
        AttentionFunctions::attention));
    table.add(new Builtin(Signature.of("multi_head_attention", Args.tensor("x"), Args.positiveInt("heads"),
        Args.positiveInt("dim"), Args.bool("causal", false), Parameter.optional("mask", Kind.TENSOR),
        Args.number("dropout", 0).withCheck(Checks.range(0, 1, false)), Args.bool("bias", true)), CATEGORY,
        "self-attention of x [..., T, features] in heads; creates Wq, Wk, Wv [features, dim], Wo [dim, dim] and "
            + "biases; mask [..., T] hides keys where it is 0",
        AttentionFunctions::multiHead));
    table.add(new Builtin(Signature.of("positional_encoding", Args.tensor("x"),
        Parameter.choice("kind", "position encoding", "learned", List.of("learned", "sinusoidal"))), CATEGORY,
        "x [..., T, D] plus a [T, D] encoding of the positions: learned (creates table) or sinusoidal",
        AttentionFunctions::positions));
    table.add(new Builtin(Signature.of("sequence_mask", Parameter.required("lengths", Kind.TENSOR),
        Args.positiveInt("length")), "selection",
        "a 0/1 mask [..., length] of i32 lengths [...]: 1 at the positions before each length",
        AttentionFunctions::sequenceMask));
    table.add(new Builtin(Signature.of("sequence_pool", Args.tensor("x"), Args.tensor("mask"),
        Parameter.choice("mode", "mode", "mean", List.of("mean", "max"))), "pooling",
        "x [..., T, D] pooled over T where the mask [..., T] is 1: the mean or the maximum, 0 when none is",
        AttentionFunctions::sequencePool));
  }

  private static Value sequenceMask(BoundArgs a, CallContext c) {
    Node lengths = a.tensor("lengths");
    if (lengths.dtype() != dev.adjoint.compiler.ir.ScalarType.I32) {
      return c.error(a.span("lengths"), "sequence_mask(): lengths must be i32, got a tensor " + lengths.type(),
          "declare them as i32[B]");
    }
    return new Value.Tensor(AttentionLayers.sequenceMask(c.ops(), lengths, a.integer("length")));
  }

  private static Value sequencePool(BoundArgs a, CallContext c) {
    Node x = a.tensor("x");
    Args.requireFloat(x, "x");
    Node mask = a.tensor("mask");
    if (!Masks.holds(mask)) {
      return c.error(a.span("mask"), "sequence_pool(): mask must be a mask of 0s and 1s, got a tensor "
          + mask.type(), "make one with sequence_mask(lengths, T) or a comparison");
    }
    Shape s = x.shape();
    if (s.rank() < 2 || !mask.shape().equals(s.slice(0, s.rank() - 1))) {
      return c.error(a.span("mask"), "sequence_pool(): the mask must be " + (s.rank() < 2 ? "[..., T]" : s.slice(0,
          s.rank() - 1)) + ", one flag per position of x " + x.type() + ", got " + mask.type(), null);
    }
    return new Value.Tensor(AttentionLayers.sequencePool(c.ops(), x, c.ops().cast(mask, x.dtype()),
        a.symbol("mode").equals("max")));
  }

  private static Value attention(BoundArgs a, CallContext c) {
    NodeBuilder b = c.ops();
    Node q = a.tensor("q");
    Node k = a.tensor("k");
    Node v = a.tensor("v");
    Args.requireFloat(q, "q");
    boolean single = q.shape().rank() == 2;
    if (single) {
      q = b.reshape(q, Shape.of(1).append(q.shape().dims()));
      k = b.reshape(k, Shape.of(1).append(k.shape().dims()));
      v = b.reshape(v, Shape.of(1).append(v.shape().dims()));
    }
    Value m = a.value("mask");
    boolean causal = m instanceof Value.Symbol s && s.name().equals("causal");
    Node mask = null;
    if (m instanceof Value.Tensor t) {
      if (!Masks.holds(t.node())) {
        return c.error(a.span("mask"), "attention(): mask must be a mask of 0s and 1s, got " + t.describe(),
            "compare to make one: attention(q, k, v, mask = m > 0.5)");
      }
      mask = fitMask(b, b.cast(t.node(), q.dtype()), q, k);
    } else if (!(m instanceof Value.Symbol s) || !List.of("none", "causal").contains(s.name())) {
      return c.error(a.span("mask"), "attention(): mask must be none, causal or a mask tensor, got " + m.describe(),
          "causal hides later keys; a 0/1 tensor [Tq, Tk] hides the keys where it is 0");
    }
    int d = q.shape().last();
    double scale = a.has("scale") ? a.number("scale") : 1 / Math.sqrt(d);
    Node out = AttentionLayers.attention(b, q, k, v, mask, causal, scale, a.number("dropout"));
    return new Value.Tensor(single ? b.reshape(out, out.shape().slice(1, out.shape().rank())) : out);
  }

  /** The mask as [Tq, Tk] (shared) or broadcast to [..., Tq, Tk]. */
  private static Node fitMask(NodeBuilder b, Node mask, Node q, Node k) {
    int rank = q.shape().rank();
    Shape block = Shape.of(q.shape().dim(rank - 2), k.shape().dim(rank - 2));
    if (mask.shape().equals(block)) {
      return mask;
    }
    Shape full = q.shape().slice(0, rank - 2).append(block.dims());
    if (!ShapeRules.broadcastShapes(mask.shape(), full).equals(full)) {
      throw new ShapeException("the mask " + mask.shape() + " does not broadcast to the scores " + full);
    }
    return b.broadcastTo(mask, full);
  }

  private static Value multiHead(BoundArgs a, CallContext c) {
    Node x = a.tensor("x");
    Args.requireFloat(x, "the input");
    int rank = x.shape().rank();
    if (rank < 2 || x.shape().last() == Shape.BATCH || x.shape().dim(rank - 2) == Shape.BATCH) {
      throw new ShapeException("multi_head_attention needs x [..., T, features] with static T and features, got "
          + x.type());
    }
    int heads = a.integer("heads");
    int dim = a.integer("dim");
    if (dim % heads != 0) {
      return c.error(a.span("dim"), "multi_head_attention(): dim " + dim + " is not a multiple of heads " + heads,
          "each head takes dim/heads features");
    }
    NodeBuilder b = c.ops();
    if (rank == 2) {
      x = b.reshape(x, Shape.of(1).append(x.shape().dims()));
    }
    Node mask = null;
    if (a.has("mask")) {
      mask = a.tensor("mask");
      if (!Masks.holds(mask)) {
        return c.error(a.span("mask"), "multi_head_attention(): mask must be a mask of 0s and 1s, got a tensor "
            + mask.type(), "compare to make one: mask = m > 0.5");
      }
      Shape keys = x.shape().slice(0, x.shape().rank() - 1);
      if (!mask.shape().equals(keys)) {
        return c.error(a.span("mask"), "multi_head_attention(): the key mask must be " + keys + ", one flag per "
            + "position, got " + mask.type(), null);
      }
      mask = b.cast(mask, x.dtype());
    }
    int in = x.shape().last();
    boolean bias = a.bool("bias");
    AttentionLayers.Projections w = new AttentionLayers.Projections(
        weight(c, "Wq", in, dim, x), bias(c, "bq", dim, x, bias), weight(c, "Wk", in, dim, x),
        bias(c, "bk", dim, x, bias), weight(c, "Wv", in, dim, x), bias(c, "bv", dim, x, bias),
        weight(c, "Wo", dim, dim, x), bias(c, "bo", dim, x, bias));
    Node out = AttentionLayers.multiHead(b, x, w, heads, a.bool("causal"), mask, a.number("dropout"));
    return new Value.Tensor(rank == 2 ? b.reshape(out, out.shape().slice(1, 3)) : out);
  }

  private static Node weight(CallContext c, String name, int in, int out, Node x) {
    return c.param(name, Shape.of(in, out), x.dtype(), Init.of(Init.Kind.GLOROT_UNIFORM), ParamRole.WEIGHT);
  }

  private static Node bias(CallContext c, String name, int size, Node x, boolean wanted) {
    return wanted ? c.param(name, Shape.of(size), x.dtype(), Init.of(Init.Kind.ZEROS), ParamRole.BIAS) : null;
  }

  private static Value positions(BoundArgs a, CallContext c) {
    Node x = a.tensor("x");
    Args.requireFloat(x, "the input");
    NodeBuilder b = c.ops();
    if (a.symbol("kind").equals("sinusoidal")) {
      return new Value.Tensor(b.add(x, AttentionLayers.sinusoidal(b, x)));
    }
    AttentionLayers.sinusoidal(b, x); // the same shape checks
    int rank = x.shape().rank();
    Node table = c.param("table", Shape.of(x.shape().dim(rank - 2), x.shape().last()), x.dtype(),
        new Init(Init.Kind.NORMAL, Map.of("mean", 0.0, "std", 0.02)), ParamRole.EMBEDDING);
    return new Value.Tensor(b.add(x, table));
  }
}
