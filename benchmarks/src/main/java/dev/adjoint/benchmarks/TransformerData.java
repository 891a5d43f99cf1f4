package dev.adjoint.benchmarks;

import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.runtime.model.CompiledModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * W6's network (issue 16) and its shared start: a 2-layer pre-norm transformer language
 * model (d = 128, 4 causal heads, T = 64, a GELU MLP of 4d, vocabulary 256), cross-entropy
 * against each next id, AdamW (lr 1e-3, decay 0.01 on every parameter, as DJL's AdamW
 * decays every parameter it is given), batch 32. Weights and biases are uniform in ±1/√in,
 * layer norms' gammas in 1 ± 0.1 and betas in ±0.1, the embedding table in ±0.5 and the
 * learned positions in ±0.1; ids uniform. Every parameter keeps Adjoint's layout on both
 * sides (matrices [in, out]): the PyTorch peer is written with tensor operations over them.
 */
public final class TransformerData {
  public static final int BATCH = 32;
  public static final int STEPS = 64;
  public static final int WIDTH = 128;
  public static final int HEADS = 4;
  public static final int VOCABULARY = 256;
  public static final int LAYERS = 2;
  public static final double LEARNING_RATE = 1e-3;
  public static final double WEIGHT_DECAY = 0.01;

  private final List<String> names = new ArrayList<>();
  private final List<int[]> shapes = new ArrayList<>();
  private final List<float[]> values = new ArrayList<>();
  private final int[] ids;
  private final int[] next;

  private TransformerData() {
    SplittableRandom random = new SplittableRandom(BenchData.SEED + 6);
    add(random, "e.table", 0.5, VOCABULARY, WIDTH);
    add(random, "e_2.table", 0.1, STEPS, WIDTH);
    for (int layer = 1; layer <= LAYERS; layer++) {
      String h = "h." + layer + ".";
      norm(random, h + "a");
      for (String p : new String[] {"q", "k", "v", "o"}) {
        add(random, h + "a_2.W" + p, 1 / Math.sqrt(WIDTH), WIDTH, WIDTH);
        add(random, h + "a_2.b" + p, 1 / Math.sqrt(WIDTH), WIDTH);
      }
      norm(random, h + "u");
      add(random, h + "u_2.W", 1 / Math.sqrt(WIDTH), WIDTH, 4 * WIDTH);
      add(random, h + "u_2.b", 1 / Math.sqrt(WIDTH), 4 * WIDTH);
      add(random, h + "W", 1 / Math.sqrt(4 * WIDTH), 4 * WIDTH, WIDTH);
      add(random, h + "b", 1 / Math.sqrt(4 * WIDTH), WIDTH);
    }
    norm(random, "probs");
    add(random, "probs_2.W", 1 / Math.sqrt(WIDTH), WIDTH, VOCABULARY);
    add(random, "probs_2.b", 1 / Math.sqrt(WIDTH), VOCABULARY);
    ids = new int[BATCH * STEPS];
    next = new int[BATCH * STEPS];
    for (int s = 0; s < BATCH; s++) {
      int[] text = BenchData.classes(random, STEPS + 1, VOCABULARY);
      System.arraycopy(text, 0, ids, s * STEPS, STEPS);
      System.arraycopy(text, 1, next, s * STEPS, STEPS);
    }
  }

  private void add(SplittableRandom random, String name, double bound, int... shape) {
    int size = 1;
    for (int d : shape) {
      size *= d;
    }
    names.add(name);
    shapes.add(shape);
    values.add(BenchData.uniform(random, size, bound));
  }

  /** A layer norm's gamma (1 ± 0.1) and beta (± 0.1). */
  private void norm(SplittableRandom random, String layer) {
    add(random, layer + ".gamma", 0.1, WIDTH);
    float[] gamma = values.get(values.size() - 1);
    for (int i = 0; i < gamma.length; i++) {
      gamma[i] += 1f;
    }
    add(random, layer + ".beta", 0.1, WIDTH);
  }

  /** The shared weights and batch; the same numbers on every call. */
  public static TransformerData create() {
    return new TransformerData();
  }

  /** The parameters' names, in the order of {@link #shape} and {@link #values}. */
  public List<String> names() {
    return names;
  }

  public int[] shape(int i) {
    return shapes.get(i);
  }

  public float[] values(int i) {
    return values.get(i);
  }

  /** The batch's ids, [32, 64] row-major. */
  public int[] ids() {
    return ids;
  }

  /** Each id's next id, [32, 64]: the classes. */
  public int[] next() {
    return next;
  }

  /** The .nn text of the network. */
  public static String text() {
    return ModelFiles.resource("transformer");
  }

  /** The network's .nn file (with its data beside it) in a new temporary folder. */
  public Path write() {
    return ModelFiles.writeIds("transformer", text(), ids, next, STEPS);
  }

  /** The network's .nn file compiled in process (from the class cache after the first time). */
  public ModelFactory compile() {
    return ModelFiles.compileAndDelete(write());
  }

  /** A training model with the shared weights and the batch in its buffers. */
  public CompiledModel trainer() {
    CompiledModel model = compile().newModel(BATCH);
    reset(model);
    System.arraycopy(ids, 0, model.input("ids").i32(), 0, ids.length);
    System.arraycopy(next, 0, model.input("next").i32(), 0, next.length);
    return model;
  }

  /** Optimizer state and step cleared, then the shared weights loaded over the drawn ones. */
  public void reset(CompiledModel model) {
    if (model.params().size() != names.size()) {
      throw new IllegalStateException("the transformer has parameters " + model.params().keySet() + ", the data "
          + names);
    }
    BenchData.loadWeights(model, names.toArray(new String[0]), values.toArray(new float[0][]));
  }
}
