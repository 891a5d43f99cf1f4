package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.composite.Layers;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.frontend.Builtin;
import dev.adjoint.compiler.frontend.BuiltinTable;
import dev.adjoint.compiler.frontend.CallContext;
import dev.adjoint.compiler.frontend.Checks;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Init;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.ParamRole;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeException;
import java.util.List;
import java.util.Map;

/** Layers that create named parameters: {@code h = dense(x, 256)} creates {@code h.W} and {@code h.b}. */
public final class LayerFunctions {
  private static final String CATEGORY = "layer";

  private LayerFunctions() {}

  public static void register(BuiltinTable table) {
    table.add(new Builtin(Signature.of("dense", Args.tensor("x"), Args.positiveInt("units"),
        Parameter.choice("act", "activation", "none", ActivationFunctions.NAMES), Args.bool("bias", true),
        Parameter.optional("init", Kind.INIT)), CATEGORY,
        "x @ W + b then the activation; W is [features, units], b is [units]", LayerFunctions::dense));
    table.add(new Builtin(Signature.of("embedding", Parameter.required("ids", Kind.TENSOR),
        Args.positiveInt("num"), Args.positiveInt("dim"), Parameter.optional("init", Kind.INIT)), CATEGORY,
        "rows of a [num, dim] table, one per id; a negative id gives zeros (padding)", LayerFunctions::embedding));
    table.add(new Builtin(Signature.of("embedding_bag", Parameter.required("ids", Kind.TENSOR),
        Args.positiveInt("num"), Args.positiveInt("dim"),
        Parameter.choice("mode", "mode", "sum", List.of("sum", "mean")),
        Parameter.optional("weights", Kind.TENSOR), Parameter.optional("init", Kind.INIT)), CATEGORY,
        "the sum, mean or weighted sum of the embeddings of each bag of ids; negative ids are padding",
        LayerFunctions::embeddingBag));
    table.add(new Builtin(Signature.of("batch_norm", Args.tensor("x"),
        Args.number("momentum", 0.1).withCheck(Checks.range(0, 1, true)),
        Args.number("eps", 1e-5).withCheck(Checks.positive()), Args.bool("affine", true)), CATEGORY,
        "normalizes each feature over the batch; keeps running statistics for inference",
        LayerFunctions::batchNorm));
    table.add(new Builtin(Signature.of("layer_norm", Args.tensor("x"),
        Args.number("eps", 1e-5).withCheck(Checks.positive()), Args.bool("affine", true)), CATEGORY,
        "normalizes each sample over its last axis", LayerFunctions::layerNorm));
    table.add(new Builtin(Signature.of("dropout", Args.tensor("x"),
        Args.number("p", 0.5).withCheck(Checks.range(0, 1, false))), CATEGORY,
        "while training, zeroes each element with probability p and scales the rest by 1/(1-p)",
        (a, c) -> {
          Node x = a.tensor("x");
          Args.requireFloat(x, "the input");
          return new Value.Tensor(Layers.dropout(c.ops(), x, a.number("p")));
        }));
  }

  private static Value dense(BoundArgs a, CallContext c) {
    Node x = a.tensor("x");
    Args.requireFloat(x, "the input");
    if (x.shape().rank() == 0) {
      throw new ShapeException("the input must have a feature dimension, got " + x.type());
    }
    int in = x.shape().last();
    if (in == Shape.BATCH) {
      throw new ShapeException("the last dimension of the input is the batch B; dense needs features there");
    }
    int units = a.integer("units");
    String act = a.symbol("act");
    Init init = a.has("init") ? a.init("init") : ActivationFunctions.defaultInit(act);
    Node weight = c.param("W", Shape.of(in, units), x.dtype(), init, ParamRole.WEIGHT);
    Node bias = a.bool("bias") ? c.param("b", Shape.of(units), x.dtype(), Init.of(Init.Kind.ZEROS), ParamRole.BIAS)
        : null;
    NodeBuilder b = c.ops();
    return new Value.Tensor(ActivationFunctions.apply(act, b, Layers.dense(b, x, weight, bias)));
  }

  private static Node ids(BoundArgs a) {
    Node ids = a.tensor("ids");
    if (ids.dtype() != ScalarType.I32) {
      throw new ShapeException("ids must be integers, got " + ids.type()
          + "; declare the input as i32[B, ...]");
    }
    return ids;
  }

  private static Init embeddingInit(BoundArgs a) {
    return a.has("init") ? a.init("init") : new Init(Init.Kind.NORMAL, Map.of("mean", 0.0, "std", 1.0));
  }

  private static Value embedding(BoundArgs a, CallContext c) {
    Node ids = ids(a);
    Node table = c.param("table", Shape.of(a.integer("num"), a.integer("dim")), ScalarType.F32, embeddingInit(a),
        ParamRole.EMBEDDING);
    return new Value.Tensor(c.ops().gather(table, ids));
  }

  private static Value embeddingBag(BoundArgs a, CallContext c) {
    Node ids = ids(a);
    if (ids.shape().rank() < 2) {
      throw new ShapeException("ids must be bags [B, L], got " + ids.type());
    }
    boolean mean = a.symbol("mode").equals("mean");
    Node weights = a.has("weights") ? a.tensor("weights") : null;
    if (weights != null && mean) {
      return c.error(a.span("weights"), "embedding_bag(): weights go with mode = sum",
          "a weighted mean is a weighted sum with weights that sum to 1");
    }
    if (weights != null && (!weights.shape().equals(ids.shape()) || !weights.dtype().isFloat())) {
      return c.error(a.span("weights"), "embedding_bag(): weights must be floats shaped like the ids "
          + ids.shape() + ", got " + weights.type(), null);
    }
    Node table = c.param("table", Shape.of(a.integer("num"), a.integer("dim")), ScalarType.F32, embeddingInit(a),
        ParamRole.EMBEDDING);
    if (weights != null && weights.dtype() != table.dtype()) {
      weights = c.ops().cast(weights, table.dtype());
    }
    return new Value.Tensor(Layers.embeddingBag(c.ops(), table, ids, mean, weights));
  }

  private static Node features(BoundArgs a, int minRank) {
    Node x = a.tensor("x");
    Args.requireFloat(x, "the input");
    if (x.shape().rank() < minRank || x.shape().last() == Shape.BATCH) {
      throw new ShapeException("the input needs " + (minRank == 2 ? "a batch and " : "")
          + "a feature dimension last, got " + x.type());
    }
    return x;
  }

  private static Value batchNorm(BoundArgs a, CallContext c) {
    Node x = features(a, 2);
    Shape features = Shape.of(x.shape().last());
    boolean affine = a.bool("affine");
    Node gamma = affine ? c.param("gamma", features, x.dtype(), Init.of(Init.Kind.ONES), ParamRole.NORM) : null;
    Node beta = affine ? c.param("beta", features, x.dtype(), Init.of(Init.Kind.ZEROS), ParamRole.NORM) : null;
    Node runningMean = c.state("running_mean", features, x.dtype(), 0);
    Node runningVar = c.state("running_var", features, x.dtype(), 1);
    Layers.BatchNormResult r = Layers.batchNorm(c.ops(), x, gamma, beta, runningMean, runningVar,
        a.number("momentum"), a.number("eps"));
    c.updateState(runningMean, r.runningMean());
    c.updateState(runningVar, r.runningVar());
    return new Value.Tensor(r.output());
  }

  private static Value layerNorm(BoundArgs a, CallContext c) {
    Node x = features(a, 1);
    Shape features = Shape.of(x.shape().last());
    boolean affine = a.bool("affine");
    Node gamma = affine ? c.param("gamma", features, x.dtype(), Init.of(Init.Kind.ONES), ParamRole.NORM) : null;
    Node beta = affine ? c.param("beta", features, x.dtype(), Init.of(Init.Kind.ZEROS), ParamRole.NORM) : null;
    return new Value.Tensor(Layers.layerNorm(c.ops(), x, gamma, beta, a.number("eps")));
  }
}
