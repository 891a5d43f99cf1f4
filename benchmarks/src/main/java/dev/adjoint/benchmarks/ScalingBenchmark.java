package dev.adjoint.benchmarks;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.runtime.model.CompiledModel;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How compile time and step time grow with the model: {@code depthD} is D hidden relu layers
 * of width 256, {@code widthW} one hidden relu layer of width W, {@code towerD} the tower of
 * docs/language.md section 13 (D blocks of a gelu {@code dense} and {@code layer_norm}, width
 * 32; at 1,000 and 10,000 blocks, the depths where compilation must stay near-linear in the
 * nodes); all take 256 features to 10 classes (softmax cross-entropy, SGD, batch 64, one
 * thread). The .nn text is generated, one statement per layer. The fork's heap is 8 GB: the
 * deepest tower's generated source and class files are large.
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.VECTOR, Jvm.XMS, Jvm.XMX, "-Xmx8g"})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScalingBenchmark {
  static final int FEATURES = 256;
  static final int CLASSES = 10;
  static final int BATCH = 64;

  /** The generated model on disk, beside its batch. */
  @State(Scope.Thread)
  public static class Source {
    @Param({"depth2", "depth10", "depth50", "depth100", "width64", "width256", "width1024", "width4096", "tower1000",
        "tower10000"})
    public String model;
    Path file;

    @Setup(Level.Trial)
    public void write() {
      SplittableRandom random = new SplittableRandom(BenchData.SEED);
      float[] x = BenchData.uniform(random, BATCH * FEATURES, 1);
      int[] y = BenchData.classes(random, BATCH, CLASSES);
      file = ModelFiles.write("scaling", text(model), x, FEATURES, y);
    }

    @TearDown(Level.Trial)
    public void delete() {
      ModelFiles.deleteFolder(file.getParent());
    }
  }

  /** The generated model compiled, its buffers holding the batch, on one thread. */
  @State(Scope.Thread)
  public static class Trainer {
    CompiledModel model;

    @Setup(Level.Trial)
    public void compile(Source source) {
      AdjointSide.useThreads(1);
      model = Adjoint.compile(source.file).newModel(BATCH);
      model.initialize(BenchData.SEED);
      SplittableRandom random = new SplittableRandom(BenchData.SEED);
      System.arraycopy(BenchData.uniform(random, BATCH * FEATURES, 1), 0, model.input("x").f32(), 0,
          BATCH * FEATURES);
      System.arraycopy(BenchData.classes(random, BATCH, CLASSES), 0, model.input("y").i32(), 0, BATCH);
    }

    @Setup(Level.Iteration)
    public void reset() {
      model.initialize(BenchData.SEED);
    }
  }

  /** Parse, check, optimize, generate and load the class, make a model: in process, warm. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 3)
  @Measurement(iterations = 5)
  public CompiledModel compile(Source source) {
    return ModelCompiler.compileUncached(Adjoint.check(source.file, null, List.of())).newModel(BATCH);
  }

  /**
   * One training step. A deep model calls each of its many generated methods once a step,
   * so the JIT needs several seconds of warm-up to compile them all (depth 50 takes about 6 s).
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Warmup(iterations = 5, time = 2)
  @Measurement(iterations = 4, time = 2)
  public double trainStep(Trainer trainer) {
    return trainer.model.trainStep(BATCH);
  }

  /** The .nn text of {@code depthD}, {@code widthW} or {@code towerD}. */
  static String text(String model) {
    if (model.startsWith("tower")) {
      return tower(Integer.parseInt(model.substring("tower".length())));
    }
    boolean depth = model.startsWith("depth");
    if (!depth && !model.startsWith("width")) {
      throw new IllegalArgumentException("model is depthD, widthW or towerD, got " + model);
    }
    int size = Integer.parseInt(model.substring("depth".length()));
    int hidden = depth ? size : 1;
    int width = depth ? 256 : size;
    StringBuilder s = new StringBuilder("model scaling {\n")
        .append("  input  x: f32[B, ").append(FEATURES).append("]\n")
        .append("  target y: class[B] of ").append(CLASSES).append("\n");
    String previous = "x";
    for (int i = 1; i <= hidden; i++) {
      s.append("  l").append(i).append(" = dense(").append(previous).append(", ").append(width)
          .append(", act = relu)\n");
      previous = "l" + i;
    }
    return end(s.append("  logits = dense(").append(previous).append(", ").append(CLASSES).append(")\n"));
  }

  /** The tower of docs/language.md section 13 with {@code depth} blocks, unrolled by {@code repeat}. */
  private static String tower(int depth) {
    StringBuilder s = new StringBuilder("def block(x, width) {\n")
        .append("  h = dense(x, width, act = gelu)\n")
        .append("  return layer_norm(h)\n")
        .append("}\n\n")
        .append("model scaling(hidden = 32, depth = ").append(depth).append(") {\n")
        .append("  input  x: f32[B, ").append(FEATURES).append("]\n")
        .append("  target y: class[B] of ").append(CLASSES).append("\n")
        .append("  h = dense(x, hidden)\n")
        .append("  repeat depth {\n")
        .append("    h = block(h, hidden)\n")
        .append("  }\n")
        .append("  logits = dense(h, ").append(CLASSES).append(")\n");
    return end(s);
  }

  /** The output, loss and train block every scaling model ends with. */
  private static String end(StringBuilder s) {
    s.append("  output probs = softmax(logits)\n")
        .append("  loss = cross_entropy(probs, y)\n")
        .append("}\n\n")
        .append("train scaling {\n")
        .append("  data      npy(\"x.npy\", \"y.npy\")\n")
        .append("  optimizer sgd(lr = 0.01)\n")
        .append("  batch ").append(BATCH).append("\n")
        .append("}\n");
    return s.toString();
  }
}
