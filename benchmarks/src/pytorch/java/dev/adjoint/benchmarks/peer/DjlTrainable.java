package dev.adjoint.benchmarks.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * What the DJL networks of the comparison share once their blocks are built: the shared
 * initial weights (reloaded by {@link #reset} from buffers made once), the training step as a
 * DJL user writes it (forward under a {@code GradientCollector}, the loss, {@code backward},
 * the optimizer on every parameter, intermediates in a sub-manager closed after the step), and
 * a batch-1 prediction. Subclasses build the block, give each parameter its initial values,
 * then call {@link #bind} and {@link #reset}.
 */
abstract class DjlTrainable implements AutoCloseable {
  protected final NDManager manager = NDManager.newBaseManager();
  private final List<Parameter> parameters = new ArrayList<>();
  private final List<NDArray> initialized = new ArrayList<>();
  private final List<float[]> initialValues = new ArrayList<>();
  private final List<ByteBuffer> initialBuffers = new ArrayList<>();
  private SequentialBlock block;
  private ParameterStore store;
  private Loss loss;
  private NDArray x;
  private NDArray y;
  private ByteBuffer row;
  private Optimizer optimizer;

  /** A new optimizer at step 0, as {@link #reset} installs it. */
  protected abstract Optimizer newOptimizer();

  /** Remembers the values {@link #reset} gives a parameter, PyTorch's layout. */
  protected final void initialValue(NDArray parameter, float[] values) {
    if (parameter.size() != values.length) {
      throw new IllegalStateException("parameter " + parameter.getShape() + " given " + values.length + " values");
    }
    initialized.add(parameter);
    initialValues.add(values);
    initialBuffers.add(ByteBuffer.allocateDirect(4 * values.length).order(ByteOrder.nativeOrder()));
  }

  /** The initialized block, its loss, the batch, and how many floats one sample holds. */
  protected final void bind(SequentialBlock initializedBlock, Loss batchLoss, NDArray inputs, NDArray targets,
      int sampleSize) {
    block = initializedBlock;
    for (Pair<String, Parameter> p : block.getParameters()) {
      parameters.add(p.getValue());
    }
    store = new ParameterStore(manager, false);
    loss = batchLoss;
    x = inputs;
    y = targets;
    row = ByteBuffer.allocateDirect(4 * sampleSize).order(ByteOrder.nativeOrder());
  }

  /** Back to the start: the shared weights loaded again and a fresh optimizer (no momentum, step 0). */
  public void reset() {
    for (int i = 0; i < initialized.size(); i++) {
      ByteBuffer buffer = initialBuffers.get(i);
      buffer.clear();
      buffer.asFloatBuffer().put(initialValues.get(i));
      initialized.get(i).set(buffer);
    }
    optimizer = newOptimizer();
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

  /** The class probabilities of one sample: copied into the input, forward in inference mode, softmax, read back. */
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
}
