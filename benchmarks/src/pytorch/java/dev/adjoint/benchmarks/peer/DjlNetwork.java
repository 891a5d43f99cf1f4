package dev.adjoint.benchmarks.peer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.adjoint.benchmarks.BenchData;
import dev.adjoint.benchmarks.Workload;
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
 * <p>The step and the prediction are {@link DjlTrainable}'s. Each step's intermediate arrays live in a sub-manager closed at the end of the step,
 * as DJL's {@code Batch} does in {@code EasyTrain}, so nothing accumulates. The loop leaves
 * out the {@code Trainer}'s bookkeeping (metrics, listeners, and the gradient copy that its
 * parameter server makes), which would only slow PyTorch down.
 */
public final class DjlNetwork extends DjlTrainable {
  private final Workload workload;

  /**
   * The workload's network holding its first {@code rows} samples (the whole batch for
   * training, 1 for W4's inference). Call {@link #engine} first.
   */
  public DjlNetwork(BenchData data, int rows) {
    this.workload = data.workload();
    SequentialBlock block = new SequentialBlock();
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
    for (int i = 0; i < linears.size(); i++) {
      initialValue(linears.get(i).getParameters().get("weight").getArray(), data.weightOutIn(i));
      initialValue(linears.get(i).getParameters().get("bias").getArray(), data.bias(i));
    }
    Loss loss = workload.classifier() ? Loss.softmaxCrossEntropyLoss() : Loss.l2Loss("mse", 1f);
    int n = rows * workload.inputs();
    NDArray x = manager.create(Arrays.copyOf(data.inputs(), n), new Shape(rows, workload.inputs()));
    NDArray y = workload.classifier()
        ? manager.create(Arrays.stream(data.classes()).limit(rows).asLongStream().toArray(), new Shape(rows))
        : manager.create(Arrays.copyOf(data.targets(), rows * workload.outputs()), new Shape(rows, workload.outputs()));
    bind(block, loss, x, y, workload.inputs());
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

  @Override
  protected Optimizer newOptimizer() {
    Tracker lr = Tracker.fixed((float) workload.learningRate());
    return workload.adam()
        ? Optimizer.adam().optLearningRateTracker(lr).build()
        : Optimizer.sgd().setLearningRateTracker(lr).optMomentum((float) workload.momentum()).build();
  }
}
