package dev.adjoint.benchmarks.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.PairList;
import dev.adjoint.benchmarks.TransformerData;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * W6's network on PyTorch through DJL: the transformer of {@link TransformerData} written with
 * libtorch's tensor operations as a DJL block holding the shared parameters in Adjoint's
 * layout (matrices [in, out]): {@code embedding}, {@code layer_norm}, {@code matmul} over
 * [B, T, d], the heads as [B, heads, T, d/heads] batched products with the causal mask added
 * to the scores and a softmax, {@code gelu} (exact); the loss the mean over every position of
 * -log softmax at the next id; DJL's AdamW (libtorch's fused update) with decay 0.01 on every
 * parameter. DJL 0.32 has no multi-head attention block for PyTorch (its
 * {@code ScaledDotProductAttentionBlock} is BERT's, with its own layout and dropout), so the
 * attention is spelled out as PyTorch's {@code scaled_dot_product_attention} computes it
 * without a fused kernel.
 */
public final class DjlTransformer extends DjlTrainable {
  /** The network over the whole batch. Call {@link DjlNetwork#engine} first. */
  public DjlTransformer(TransformerData data) {
    Network network = new Network(data);
    SequentialBlock block = new SequentialBlock().add(network);
    block.initialize(manager, DataType.FLOAT32, new Shape(TransformerData.BATCH, TransformerData.STEPS));
    for (int i = 0; i < data.names().size(); i++) {
      initialValue(network.parameter(data.names().get(i)).getArray(), data.values(i));
    }
    long[] ids = Arrays.stream(data.ids()).asLongStream().toArray();
    long[] next = Arrays.stream(data.next()).asLongStream().toArray();
    Shape shape = new Shape(TransformerData.BATCH, TransformerData.STEPS);
    bind(block, new NextIdLoss(), manager.create(ids, shape), manager.create(next, shape), TransformerData.STEPS);
    reset();
  }

  @Override
  protected Optimizer newOptimizer() {
    return Optimizer.adamW().optLearningRateTracker(Tracker.fixed((float) TransformerData.LEARNING_RATE))
        .optWeightDecays((float) TransformerData.WEIGHT_DECAY).build();
  }

  /** The transformer's forward pass, ids [B, T] to logits [B, T, vocabulary]. */
  private static final class Network extends AbstractBlock {
    private final Map<String, Parameter> byName = new HashMap<>();

    Network(TransformerData data) {
      for (int i = 0; i < data.names().size(); i++) {
        String name = data.names().get(i);
        int[] dims = data.shape(i);
        Parameter p = Parameter.builder().setName(name)
            .setType(dims.length == 2 ? Parameter.Type.WEIGHT : Parameter.Type.BIAS)
            .optShape(new Shape(Arrays.stream(dims).asLongStream().toArray())).build();
        byName.put(name, addParameter(p));
      }
    }

    Parameter parameter(String name) {
      return byName.get(name);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
        PairList<String, Object> params) {
      NDArray ids = inputs.singletonOrThrow();
      Map<String, NDArray> w = new HashMap<>();
      for (Map.Entry<String, Parameter> e : byName.entrySet()) {
        w.put(e.getKey(), store.getValue(e.getValue(), ids.getDevice(), training));
      }
      NDManager manager = ids.getManager();
      int t = TransformerData.STEPS;
      float[] hidden = new float[t * t];
      for (int i = 0; i < t; i++) {
        for (int j = i + 1; j < t; j++) {
          hidden[i * t + j] = -1e30f;
        }
      }
      NDArray causal = manager.create(hidden, new Shape(t, t));
      NDArray h = ids.getNDArrayInternal().embedding(ids, w.get("e.table"), SparseFormat.DENSE).singletonOrThrow()
          .add(w.get("e_2.table"));
      for (int layer = 1; layer <= TransformerData.LAYERS; layer++) {
        String p = "h." + layer + ".";
        NDArray a = h.add(attention(norm(h, w, p + "a"), w, p + "a_2.", causal));
        NDArray u = dense(norm(a, w, p + "u"), w.get(p + "u_2.W"), w.get(p + "u_2.b"));
        u = u.getNDArrayInternal().gelu();
        h = a.add(dense(u, w.get(p + "W"), w.get(p + "b")));
      }
      return new NDList(dense(norm(h, w, "probs"), w.get("probs_2.W"), w.get("probs_2.b")));
    }

    private static NDArray dense(NDArray x, NDArray weight, NDArray bias) {
      return x.matMul(weight).add(bias);
    }

    private static NDArray norm(NDArray x, Map<String, NDArray> w, String layer) {
      return x.getNDArrayInternal().layerNorm(x, new Shape(TransformerData.WIDTH), w.get(layer + ".gamma"),
          w.get(layer + ".beta"), 1e-5f).singletonOrThrow();
    }

    /** Causal self-attention in {@link TransformerData#HEADS} heads, projections included. */
    private static NDArray attention(NDArray x, Map<String, NDArray> w, String p, NDArray causal) {
      int b = TransformerData.BATCH;
      int t = TransformerData.STEPS;
      int heads = TransformerData.HEADS;
      int dh = TransformerData.WIDTH / heads;
      NDArray q = heads(dense(x, w.get(p + "Wq"), w.get(p + "bq")), b, t, heads, dh);
      NDArray k = heads(dense(x, w.get(p + "Wk"), w.get(p + "bk")), b, t, heads, dh);
      NDArray v = heads(dense(x, w.get(p + "Wv"), w.get(p + "bv")), b, t, heads, dh);
      NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(1 / Math.sqrt(dh)).add(causal);
      NDArray o = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, TransformerData.WIDTH);
      return dense(o, w.get(p + "Wo"), w.get(p + "bo"));
    }

    private static NDArray heads(NDArray x, int b, int t, int heads, int dh) {
      return x.reshape(b, t, heads, dh).transpose(0, 2, 1, 3);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), TransformerData.VOCABULARY)};
    }
  }

  /** The mean over every position of -log softmax(logits) at the next id. */
  private static final class NextIdLoss extends Loss {
    NextIdLoss() {
      super("next_id_cross_entropy");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
      NDArray logits = predictions.singletonOrThrow();
      NDArray target = labels.singletonOrThrow().oneHot(TransformerData.VOCABULARY, DataType.FLOAT32);
      return logits.logSoftmax(-1).mul(target).sum().neg().div(target.getShape().size() / TransformerData.VOCABULARY);
    }
  }
}
