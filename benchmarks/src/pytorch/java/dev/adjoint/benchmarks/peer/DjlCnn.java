package dev.adjoint.benchmarks.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.adjoint.benchmarks.CnnData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * W5's network on PyTorch through DJL, trained as {@link DjlNetwork} trains W1-W3: {@code
 * Conv2d}, {@code Pool.maxPool2dBlock}, {@code Blocks.batchFlattenBlock} and {@code Linear}
 * blocks on NCHW images, with {@link CnnData}'s weights transposed to PyTorch's layouts,
 * forward under a {@code GradientCollector}, DJL's softmax cross-entropy and DJL's Adam.
 */
public final class DjlCnn implements AutoCloseable {
  private final NDManager manager;
  private final SequentialBlock block;
  private final ParameterStore store;
  private final List<Parameter> parameters = new ArrayList<>();
  private final List<NDArray> initialized = new ArrayList<>();
  private final List<ByteBuffer> initialBuffers = new ArrayList<>();
  private final List<float[]> initialValues = new ArrayList<>();
  private final Loss loss = Loss.softmaxCrossEntropyLoss();
  private final NDArray x;
  private final NDArray y;
  private final ByteBuffer row;
  private Optimizer optimizer;

  /** The network holding the first {@code rows} images of the batch. Call {@link DjlNetwork#engine} first. */
  public DjlCnn(CnnData data, int rows) {
    manager = NDManager.newBaseManager();
    block = new SequentialBlock();
    Conv2d c1 = Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(32).build();
    Conv2d c2 = Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(64).build();
    Linear l1 = Linear.builder().setUnits(128).build();
    Linear l2 = Linear.builder().setUnits(CnnData.CLASSES).build();
    block.add(c1).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(c2).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(Blocks.batchFlattenBlock()).add(l1).add(Activation.reluBlock()).add(l2);
    block.initialize(manager, DataType.FLOAT32, new Shape(rows, 1, 28, 28));
    for (Pair<String, Parameter> p : block.getParameters()) {
      parameters.add(p.getValue());
    }
    ai.djl.nn.Block[] layers = {c1, c2, l1, l2};
    for (int i = 0; i < layers.length; i++) {
      initialValue(layers[i].getParameters().get("weight").getArray(), data.pytorch(2 * i));
      initialValue(layers[i].getParameters().get("bias").getArray(), data.pytorch(2 * i + 1));
    }
    store = new ParameterStore(manager, false);
    x = manager.create(Arrays.copyOf(data.inputs(), rows * CnnData.PIXELS), new Shape(rows, 1, 28, 28));
    y = manager.create(Arrays.stream(data.classes()).limit(rows).asLongStream().toArray(), new Shape(rows));
    row = ByteBuffer.allocateDirect(4 * CnnData.PIXELS).order(ByteOrder.nativeOrder());
    reset();
  }

  /** Back to the start: the shared weights loaded again and a fresh Adam (step 0). */
  public void reset() {
    for (int i = 0; i < initialized.size(); i++) {
      ByteBuffer buffer = initialBuffers.get(i);
      buffer.clear();
      buffer.asFloatBuffer().put(initialValues.get(i));
      initialized.get(i).set(buffer);
    }
    optimizer = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) CnnData.LEARNING_RATE)).build();
  }

  /** One training step on the batch: forward, loss, backward, update; returns the loss before the update. */
  public float trainStep() {
    try (NDManager step = manager.newSubManager()) {
      x.tempAttach(step);
      y.tempAttach(step);
      float value;
      try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
        NDList out = block.forward(store, new NDList(x), true);
        NDArray l = loss.evaluate(new NDList(y), out);
        collector.backward(l);
        value = l.getFloat();
      }
      for (Parameter p : parameters) {
        NDArray weight = p.getArray();
        try (NDArray gradient = weight.getGradient()) {
          optimizer.update(p.getId(), weight, gradient);
        }
      }
      return value;
    }
  }

  /** The class probabilities of one image: copied into the input, forward in inference mode, softmax, read back. */
  public float[] predict(float[] sample) {
    row.asFloatBuffer().put(sample);
    try (NDManager step = manager.newSubManager()) {
      x.tempAttach(step);
      x.set(row);
      NDArray logits = block.forward(store, new NDList(x), false).singletonOrThrow();
      return logits.softmax(-1).toFloatArray();
    }
  }

  @Override
  public void close() {
    manager.close();
  }

  private void initialValue(NDArray parameter, float[] values) {
    if (parameter.size() != values.length) {
      throw new IllegalStateException("parameter " + parameter.getShape() + " given " + values.length + " values");
    }
    initialized.add(parameter);
    initialValues.add(values);
    initialBuffers.add(ByteBuffer.allocateDirect(4 * values.length).order(ByteOrder.nativeOrder()));
  }
}
