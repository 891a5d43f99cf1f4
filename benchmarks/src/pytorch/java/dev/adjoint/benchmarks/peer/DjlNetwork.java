package dev.adjoint.benchmarks.peer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.adjoint.benchmarks.BenchData;
import dev.adjoint.benchmarks.Workload;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * PyTorch's side of the comparison: a workload's network as DJL blocks ({@code Linear} and
 * activation blocks in a {@code SequentialBlock}) on libtorch, with the shared initial
 * weights and batch, trained as a DJL user writes a training loop: forward under a {@code
 * GradientCollector}, DJL's loss, {@code backward}, then DJL's optimizer ({@code Adam},
 * {@code Sgd}, which call libtorch's fused update and zero the gradient) on every parameter.
 *
 * <p>Each step's intermediate arrays live in a sub-manager closed at the end of the step,
 * as DJL's {@code Batch} does in {@code EasyTrain}, so nothing accumulates. The loop leaves
 * out the {@code Trainer}'s bookkeeping (metrics, listeners, and the gradient copy that its
 * parameter server makes), which would only slow PyTorch down.
 */
public final class DjlNetwork implements AutoCloseable {
  private final Workload workload;
  private final NDManager manager;
  private final SequentialBlock block;
  private final ParameterStore store;
  private final List<Parameter> parameters = new ArrayList<>();
  private final List<NDArray> initialized = new ArrayList<>();
  private final List<float[]> initialValues = new ArrayList<>();
  private final List<ByteBuffer> initialBuffers = new ArrayList<>();
  private final Loss loss;
  private final NDArray x;
  private final NDArray y;
  private final ByteBuffer row;
  private Optimizer optimizer;

  /**
   * The workload's network holding its first {@code rows} samples (the whole batch for
   * training, 1 for W4's inference). Call {@link #engine} first.
   */
  public DjlNetwork(BenchData data, int rows) {
    this.workload = data.workload();
    manager = NDManager.newBaseManager();
    block = new SequentialBlock();
    List<Linear> linears = new ArrayList<>();
    for (int i = 0; i < workload.layers(); i++) {
      Linear linear = Linear.builder().setUnits(workload.widths()[i + 1]).build();
      linears.add(linear);
      block.add(linear);
      if (i < workload.layers() - 1) {
        block.add(workload.activation() == Workload.Activation.RELU ? Activation.reluBlock() : Activation.tanhBlock());
      }
    }
    block.initialize(manager, DataType.FLOAT32, new Shape(rows, workload.inputs()));
    for (Pair<String, Parameter> p : block.getParameters()) {
      parameters.add(p.getValue());
    }
    for (int i = 0; i < linears.size(); i++) {
      initialValue(linears.get(i).getParameters().get("weight").getArray(), data.weightOutIn(i));
      initialValue(linears.get(i).getParameters().get("bias").getArray(), data.bias(i));
    }
    store = new ParameterStore(manager, false);
    loss = workload.classifier() ? Loss.softmaxCrossEntropyLoss() : Loss.l2Loss("mse", 1f);
    int n = rows * workload.inputs();
    x = manager.create(Arrays.copyOf(data.inputs(), n), new Shape(rows, workload.inputs()));
    if (workload.classifier()) {
      y = manager.create(Arrays.stream(data.classes()).limit(rows).asLongStream().toArray(), new Shape(rows));
    } else {
      y = manager.create(Arrays.copyOf(data.targets(), rows * workload.outputs()), new Shape(rows, workload.outputs()));
    }
    row = ByteBuffer.allocateDirect(4 * workload.inputs()).order(ByteOrder.nativeOrder());
    reset();
  }

  /**
   * Loads libtorch with {@code threads} intra-op threads and one inter-op thread, offline
   * (libtorch comes from the pytorch-native-cpu jar on the class path), and checks that it
   * took the thread count. Must run before DJL's engine starts.
   */
  public static Engine engine(int threads) {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    Engine engine = Engine.getEngine("PyTorch");
    int actual = JniUtils.getNumThreads();
    if (actual != threads) {
      throw new IllegalStateException("libtorch runs on " + actual + " threads, not " + threads
          + ": its engine had started before; run each thread count in its own fork");
    }
    return engine;
  }

  /**
   * Back to the start: the shared weights loaded again (from buffers made once, so that a
   * reset allocates next to nothing on the heap) and a fresh optimizer (no momentum, step 0).
   */
  public void reset() {
    for (int i = 0; i < initialized.size(); i++) {
      ByteBuffer buffer = initialBuffers.get(i);
      buffer.clear();
      buffer.asFloatBuffer().put(initialValues.get(i));
      initialized.get(i).set(buffer);
    }
    Tracker lr = Tracker.fixed((float) workload.learningRate());
    optimizer = workload.adam()
        ? Optimizer.adam().optLearningRateTracker(lr).build()
        : Optimizer.sgd().setLearningRateTracker(lr).optMomentum((float) workload.momentum()).build();
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

  /** Remembers the values {@link #reset} gives a parameter, PyTorch's layout: weights [out, in]. */
  private void initialValue(NDArray parameter, float[] values) {
    if (parameter.size() != values.length) {
      throw new IllegalStateException("parameter " + parameter.getShape() + " given " + values.length + " values");
    }
    initialized.add(parameter);
    initialValues.add(values);
    initialBuffers.add(ByteBuffer.allocateDirect(4 * values.length).order(ByteOrder.nativeOrder()));
  }
}
