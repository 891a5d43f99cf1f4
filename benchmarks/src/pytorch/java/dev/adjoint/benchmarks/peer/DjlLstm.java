package dev.adjoint.benchmarks.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.adjoint.benchmarks.LstmData;
import java.util.Arrays;

/**
 * W7's network on PyTorch through DJL, trained as {@link DjlNetwork} trains W1-W3: DJL's
 * {@code LSTM} block (libtorch's fused {@code lstm}, batch first, one layer), the last step's
 * state, a {@code Linear} block, DJL's softmax cross-entropy and Adam, from {@link LstmData}'s
 * weights (the LSTM's already in PyTorch's layout, the dense one transposed).
 */
public final class DjlLstm extends DjlTrainable {
  /** The network holding the first {@code rows} sequences of the batch. Call {@link DjlNetwork#engine} first. */
  public DjlLstm(LstmData data, int rows) {
    SequentialBlock block = new SequentialBlock();
    LSTM lstm = LSTM.builder().setStateSize(LstmData.HIDDEN).setNumLayers(1).optBatchFirst(true)
        .optReturnState(false).build();
    Linear l1 = Linear.builder().setUnits(LstmData.VOCABULARY).build();
    block.add(lstm).add(new LambdaBlock(list -> new NDList(list.head().get(":, -1, :")))).add(l1);
    block.initialize(manager, DataType.FLOAT32, new Shape(rows, LstmData.STEPS, LstmData.VOCABULARY));
    for (Pair<String, Parameter> p : lstm.getParameters()) {
      String name = p.getKey();
      boolean weight = p.getValue().getType() == Parameter.Type.WEIGHT;
      int index = name.contains("i2h") ? (weight ? 0 : 2) : name.contains("h2h") ? (weight ? 1 : 3) : -1;
      if (index < 0) {
        throw new IllegalStateException("unexpected LSTM parameter " + name);
      }
      initialValue(p.getValue().getArray(), data.pytorch(index));
    }
    initialValue(l1.getParameters().get("weight").getArray(), data.pytorch(4));
    initialValue(l1.getParameters().get("bias").getArray(), data.pytorch(5));
    int sample = LstmData.STEPS * LstmData.VOCABULARY;
    NDArray x = manager.create(Arrays.copyOf(data.inputs(), rows * sample),
        new Shape(rows, LstmData.STEPS, LstmData.VOCABULARY));
    NDArray y = manager.create(Arrays.stream(data.classes()).limit(rows).asLongStream().toArray(), new Shape(rows));
    bind(block, Loss.softmaxCrossEntropyLoss(), x, y, sample);
    reset();
  }

  @Override
  protected Optimizer newOptimizer() {
    return Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) LstmData.LEARNING_RATE)).build();
  }
}
