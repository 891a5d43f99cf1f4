package dev.adjoint.benchmarks.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.PairList;
import dev.adjoint.benchmarks.UpsampleData;
import java.util.Arrays;

/**
 * W5t's network on PyTorch through DJL, trained as {@link DjlCnn} trains W5: {@code Conv2d}
 * (stride 2, padding 1), the transposed convolution, then {@code Linear}, on NCHW images, with
 * {@link UpsampleData}'s weights, DJL's softmax cross-entropy and Adam.
 *
 * <p>DJL 0.32's PyTorch engine does not implement {@code Conv2dTranspose} (its deconvolution
 * throws "Not implemented"), so the transposed convolution (4x4, stride 2, padding 1) runs in
 * its sub-pixel form, which does the same multiply-adds: output pixel (2m + a, 2n + b) takes
 * only the kernel taps (3 - 2t - a, 3 - 2u - b), t, u in {0, 1}, over input rows m - 1 + t + a
 * and columns n - 1 + u + b. So one {@code Conv2d} of 4·C_out filters 2x2 (padding 1, no bias)
 * computes the four phases, and {@link Interleave} picks each phase's 14x14 window, interleaves
 * them into 28x28 and adds the one shared bias. The phase filters hold exactly the entries of
 * PyTorch's [C_in, C_out, 4, 4] weight, each once; Adam updates each entry on its own, so the
 * training is the same as with the 4x4 weight (the first losses are checked against Adjoint's).
 */
public final class DjlUpsample extends DjlTrainable {
  private static final int DOWN = 16;
  private static final int UP = 8;

  /** The network holding the first {@code rows} images of the batch. Call {@link DjlNetwork#engine} first. */
  public DjlUpsample(UpsampleData data, int rows) {
    SequentialBlock block = new SequentialBlock();
    Conv2d down = Conv2d.builder().setKernelShape(new Shape(3, 3)).optStride(new Shape(2, 2))
        .optPadding(new Shape(1, 1)).setFilters(DOWN).build();
    Conv2d phases = Conv2d.builder().setKernelShape(new Shape(2, 2)).optPadding(new Shape(1, 1))
        .setFilters(4 * UP).optBias(false).build();
    Interleave up = new Interleave(UP);
    Linear dense = Linear.builder().setUnits(UpsampleData.CLASSES).build();
    block.add(down).add(Activation.reluBlock()).add(phases).add(up).add(Activation.reluBlock())
        .add(Blocks.batchFlattenBlock()).add(dense);
    block.initialize(manager, DataType.FLOAT32, new Shape(rows, 1, 28, 28));
    initialValue(down.getParameters().get("weight").getArray(), data.pytorch(0));
    initialValue(down.getParameters().get("bias").getArray(), data.pytorch(1));
    initialValue(phases.getParameters().get("weight").getArray(), phaseFilters(data.pytorch(2)));
    initialValue(up.getParameters().get("bias").getArray(), data.pytorch(3));
    initialValue(dense.getParameters().get("weight").getArray(), data.pytorch(4));
    initialValue(dense.getParameters().get("bias").getArray(), data.pytorch(5));
    NDArray x = manager.create(Arrays.copyOf(data.inputs(), rows * UpsampleData.PIXELS), new Shape(rows, 1, 28, 28));
    NDArray y = manager.create(Arrays.stream(data.classes()).limit(rows).asLongStream().toArray(), new Shape(rows));
    bind(block, Loss.softmaxCrossEntropyLoss(), x, y, UpsampleData.PIXELS);
    reset();
  }

  /** [C_in, C_out, 4, 4] to the phase filters [(2a + b)·C_out + o, C_in, t, u] = w[c, o, 3 - 2t - a, 3 - 2u - b]. */
  static float[] phaseFilters(float[] w) {
    float[] k = new float[w.length];
    for (int a = 0; a < 2; a++) {
      for (int b = 0; b < 2; b++) {
        for (int o = 0; o < UP; o++) {
          for (int c = 0; c < DOWN; c++) {
            for (int t = 0; t < 2; t++) {
              for (int u = 0; u < 2; u++) {
                int filter = (2 * a + b) * UP + o;
                k[((filter * DOWN + c) * 2 + t) * 2 + u] = w[((c * UP + o) * 4 + 3 - 2 * t - a) * 4 + 3 - 2 * u - b];
              }
            }
          }
        }
      }
    }
    return k;
  }

  @Override
  protected Optimizer newOptimizer() {
    return Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) UpsampleData.LEARNING_RATE)).build();
  }

  /** [B, 4·C, 15, 15] phase maps to [B, C, 28, 28], plus a bias per channel. */
  static final class Interleave extends AbstractBlock {
    private final int channels;
    private final Parameter bias;

    Interleave(int channels) {
      this.channels = channels;
      this.bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
          .optShape(new Shape(channels)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
        PairList<String, Object> params) {
      NDArray x = inputs.singletonOrThrow();
      long batch = x.getShape().get(0);
      NDList phases = new NDList();
      for (int a = 0; a < 2; a++) {
        for (int b = 0; b < 2; b++) {
          int p = 2 * a + b;
          phases.add(x.get(":, " + p * channels + ":" + (p + 1) * channels + ", " + a + ":" + (a + 14) + ", "
              + b + ":" + (b + 14)));
        }
      }
      NDArray stacked = NDArrays.stack(phases).reshape(2, 2, batch, channels, 14, 14);
      NDArray out = stacked.transpose(2, 3, 4, 0, 5, 1).reshape(batch, channels, 28, 28);
      NDArray b = store.getValue(bias, x.getDevice(), training).reshape(1, channels, 1, 1);
      return new NDList(out.add(b));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return new Shape[] {new Shape(inputShapes[0].get(0), channels, 28, 28)};
    }
  }
}
