package dev.adjoint.benchmarks;

import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.runtime.model.CompiledModel;
import java.util.SplittableRandom;

/**
 * The shared start of a benchmark network on 28x28x1 images (W5, W5t): a batch of 64 images
 * uniform in [0, 1), classes uniform in 10, and weights and biases uniform in ±1/√fan_in
 * (PyTorch's {@code nn.Conv2d}, {@code nn.ConvTranspose2d} and {@code nn.Linear} defaults),
 * kept in Adjoint's channels-last layouts; each network says how PyTorch lays them out
 * ({@link #pytorch}). The .nn file is a resource of this package.
 */
public abstract class ImageBatchData {
  /** Samples per training step. */
  public static final int BATCH = 64;
  /** Pixels of one image: 28 x 28 x 1. */
  public static final int PIXELS = 28 * 28;
  /** Classes of the output. */
  public static final int CLASSES = 10;
  /** Adam's learning rate. */
  public static final double LEARNING_RATE = 1e-3;

  private final String resource;
  private final String[] names;
  private final float[][] values;
  private final float[] inputs;
  private final int[] classes;

  /**
   * Draws the start: {@code layers[i] = {fan_in, weights, biases}} for the parameters
   * {@code names[2i]} (weights) and {@code names[2i + 1]} (biases).
   */
  protected ImageBatchData(String resource, String[] names, int[][] layers, long seed) {
    this.resource = resource;
    this.names = names.clone();
    this.values = new float[names.length][];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < layers.length; i++) {
      double bound = 1 / Math.sqrt(layers[i][0]);
      values[2 * i] = BenchData.uniform(random, layers[i][1], bound);
      values[2 * i + 1] = BenchData.uniform(random, layers[i][2], bound);
    }
    inputs = new float[BATCH * PIXELS];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = (float) random.nextDouble();
    }
    classes = BenchData.classes(random, BATCH, CLASSES);
  }

  /** Parameter {@code i} of {@link #names} in PyTorch's layout. */
  public abstract float[] pytorch(int i);

  /** The parameters' names, weights and biases in turn. */
  public String[] names() {
    return names.clone();
  }

  /** Parameter {@code i} of {@link #names} in Adjoint's layout. */
  public float[] values(int i) {
    return values[i];
  }

  /** The batch's images, 64 x 784, row-major (H, W, C with C = 1, which is also C, H, W). */
  public float[] inputs() {
    return inputs;
  }

  /** The batch's class indices. */
  public int[] classes() {
    return classes;
  }

  /** The network's .nn file compiled in process (from the cache after the first time). */
  public ModelFactory compile() {
    return ModelFiles.compileAndDelete(ModelFiles.write(resource, text(), inputs, PIXELS, classes));
  }

  /** A training model for the batch, with the shared weights and the batch in its buffers. */
  public CompiledModel trainer() {
    CompiledModel model = compile().newModel(BATCH);
    reset(model);
    fillBatch(model);
    return model;
  }

  /** Optimizer state and step cleared, then the shared weights loaded over the drawn ones. */
  public void reset(CompiledModel model) {
    BenchData.loadWeights(model, names, values);
  }

  /** Writes the batch (as many samples as the model holds) into the model's inputs. */
  public void fillBatch(CompiledModel model) {
    int rows = Math.min(model.maxBatch(), BATCH);
    System.arraycopy(inputs, 0, model.input("x").f32(), 0, rows * PIXELS);
    System.arraycopy(classes, 0, model.input("y").i32(), 0, rows);
  }

  /** Convolution filters [k, k, in, out] to PyTorch's Conv2d [out, in, k, k]. */
  protected static float[] filtersOutInHw(float[] w, int k, int in, int out) {
    float[] t = new float[w.length];
    for (int h = 0; h < k; h++) {
      for (int x = 0; x < k; x++) {
        for (int c = 0; c < in; c++) {
          for (int o = 0; o < out; o++) {
            t[((o * in + c) * k + h) * k + x] = w[((h * k + x) * in + c) * out + o];
          }
        }
      }
    }
    return t;
  }

  /** Transposed-convolution filters [k, k, out, in] to PyTorch's ConvTranspose2d [in, out, k, k]. */
  protected static float[] transposedFiltersInOutHw(float[] w, int k, int out, int in) {
    float[] t = new float[w.length];
    for (int h = 0; h < k; h++) {
      for (int x = 0; x < k; x++) {
        for (int o = 0; o < out; o++) {
          for (int c = 0; c < in; c++) {
            t[((c * out + o) * k + h) * k + x] = w[((h * k + x) * out + o) * in + c];
          }
        }
      }
    }
    return t;
  }

  /**
   * A dense layer's weights over flattened [side, side, channels] features, [(h, w, c), out],
   * to PyTorch's [out, (c, h, w)]: NCHW flattens the channels first.
   */
  protected static float[] flattenedDense(float[] w, int side, int channels, int out) {
    int in = side * side * channels;
    float[] t = new float[w.length];
    for (int h = 0; h < side; h++) {
      for (int x = 0; x < side; x++) {
        for (int c = 0; c < channels; c++) {
          int row = (h * side + x) * channels + c;
          int column = (c * side + h) * side + x;
          for (int o = 0; o < out; o++) {
            t[o * in + column] = w[row * out + o];
          }
        }
      }
    }
    return t;
  }

  /** [in, out] to [out, in]. */
  protected static float[] transpose(float[] w, int in, int out) {
    float[] t = new float[w.length];
    for (int r = 0; r < in; r++) {
      for (int c = 0; c < out; c++) {
        t[c * in + r] = w[r * out + c];
      }
    }
    return t;
  }

  private String text() {
    return ModelFiles.resource(resource);
  }
}
