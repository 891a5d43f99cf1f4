package dev.adjoint.benchmarks.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.adjoint.benchmarks.CnnData;
import java.util.Arrays;

/**
 * W5's network on PyTorch through DJL, trained as {@link DjlNetwork} trains W1-W3: {@code
 * Conv2d}, {@code Pool.maxPool2dBlock}, {@code Blocks.batchFlattenBlock} and {@code Linear}
 * blocks on NCHW images, with {@link CnnData}'s weights transposed to PyTorch's layouts,
 * forward under a {@code GradientCollector}, DJL's softmax cross-entropy and DJL's Adam.
 */
public final class DjlCnn extends DjlTrainable {
  /** The network holding the first {@code rows} images of the batch. Call {@link DjlNetwork#engine} first. */
  public DjlCnn(CnnData data, int rows) {
    SequentialBlock block = new SequentialBlock();
    Conv2d c1 = Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(32).build();
    Conv2d c2 = Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(64).build();
    Linear l1 = Linear.builder().setUnits(128).build();
    Linear l2 = Linear.builder().setUnits(CnnData.CLASSES).build();
    block.add(c1).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(c2).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(Blocks.batchFlattenBlock()).add(l1).add(Activation.reluBlock()).add(l2);
    block.initialize(manager, DataType.FLOAT32, new Shape(rows, 1, 28, 28));
    ai.djl.nn.Block[] layers = {c1, c2, l1, l2};
    for (int i = 0; i < layers.length; i++) {
      initialValue(layers[i].getParameters().get("weight").getArray(), data.pytorch(2 * i));
      initialValue(layers[i].getParameters().get("bias").getArray(), data.pytorch(2 * i + 1));
    }
    NDArray x = manager.create(Arrays.copyOf(data.inputs(), rows * CnnData.PIXELS), new Shape(rows, 1, 28, 28));
    NDArray y = manager.create(Arrays.stream(data.classes()).limit(rows).asLongStream().toArray(), new Shape(rows));
    bind(block, Loss.softmaxCrossEntropyLoss(), x, y, CnnData.PIXELS);
    reset();
  }

  @Override
  protected Optimizer newOptimizer() {
    return Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) CnnData.LEARNING_RATE)).build();
  }
}
