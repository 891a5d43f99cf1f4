package dev.adjoint.benchmarks;

import dev.adjoint.runtime.model.CompiledModel;
import java.util.Arrays;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * W1-W7 on Adjoint: one compiled training step (forward, backward, optimizer update) per
 * operation, reported as steps/s ({@code ResultsTable} turns W1, W3 and W5 into samples/s
 * and W3 and W5 into GFLOP/s); W4 and W5i one {@code predict(1)} per operation, in µs. Each iteration starts
 * again from the shared initial weights, so both sides measure the same stretch of training
 * and neither runs into ever larger logits. With {@code -prof gc}, {@code gc.alloc.rate.norm}
 * is the bytes allocated per step. PyTorch's twin is {@code peer.PyTorchWorkloads}.
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.VECTOR, Jvm.XMS, Jvm.XMX})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AdjointWorkloads {

  /** A training model of one workload on a number of threads, reset before each iteration. */
  abstract static class Trainer {
    CompiledModel model;
    BenchData data;
    int batch;

    void setup(Workload workload, int threads) {
      AdjointSide.useThreads(threads);
      data = BenchData.of(workload);
      model = AdjointSide.trainer(data);
      batch = workload.batch();
    }

    @Setup(Level.Iteration)
    public void reset() {
      AdjointSide.reset(model, data);
    }
  }

  /** W1 mnist_mlp. */
  @State(Scope.Thread)
  public static class W1 extends Trainer {
    @Param({"1", "2"})
    public int threads;

    @Setup(Level.Trial)
    public void setup() {
      setup(Workload.MNIST_MLP, threads);
    }
  }

  /** W2 tiny. */
  @State(Scope.Thread)
  public static class W2 extends Trainer {
    @Param({"1"})
    public int threads;

    @Setup(Level.Trial)
    public void setup() {
      setup(Workload.TINY, threads);
    }
  }

  /** W3 wide. */
  @State(Scope.Thread)
  public static class W3 extends Trainer {
    @Param({"1", "2"})
    public int threads;

    @Setup(Level.Trial)
    public void setup() {
      setup(Workload.WIDE, threads);
    }
  }

  /** W4: W1's network at batch 1, one sample of W1's batch copied in before each call. */
  @State(Scope.Thread)
  public static class W4 {
    @Param({"1", "2"})
    public int threads;
    CompiledModel model;
    float[] sample;
    float[] x;
    float[] probs;

    @Setup(Level.Trial)
    public void setup() {
      AdjointSide.useThreads(threads);
      BenchData data = BenchData.of(Workload.MNIST_MLP);
      model = AdjointSide.compile(data).newModel(1);
      AdjointSide.reset(model, data);
      sample = Arrays.copyOf(data.inputs(), Workload.MNIST_MLP.inputs());
      x = model.input("x").f32();
      probs = model.output("probs").f32();
    }
  }

  /** W5: the convolutional network of {@link CnnData}, reset before each iteration. */
  @State(Scope.Thread)
  public static class W5 {
    @Param({"1", "2"})
    public int threads;
    CnnData data;
    CompiledModel model;

    @Setup(Level.Trial)
    public void setup() {
      AdjointSide.useThreads(threads);
      data = CnnData.create();
      model = data.trainer();
    }

    @Setup(Level.Iteration)
    public void reset() {
      data.reset(model);
    }
  }

  /** W5t: the upsampling network of {@link UpsampleData} (a transposed convolution), reset before each iteration. */
  @State(Scope.Thread)
  public static class W5t {
    @Param({"1", "2"})
    public int threads;
    UpsampleData data;
    CompiledModel model;

    @Setup(Level.Trial)
    public void setup() {
      AdjointSide.useThreads(threads);
      data = UpsampleData.create();
      model = data.trainer();
    }

    @Setup(Level.Iteration)
    public void reset() {
      data.reset(model);
    }
  }

  /** W5i: W5's network at batch 1, one image of W5's batch copied in before each call. */
  @State(Scope.Thread)
  public static class W5i {
    @Param({"1", "2"})
    public int threads;
    CompiledModel model;
    float[] sample;
    float[] x;
    float[] probs;

    @Setup(Level.Trial)
    public void setup() {
      AdjointSide.useThreads(threads);
      CnnData data = CnnData.create();
      model = data.compile().newModel(1);
      data.reset(model);
      sample = Arrays.copyOf(data.inputs(), CnnData.PIXELS);
      x = model.input("x").f32();
      probs = model.output("probs").f32();
    }
  }

  /** W7: the LSTM of {@link LstmData}, reset before each iteration. */
  @State(Scope.Thread)
  public static class W7 {
    @Param({"1", "2"})
    public int threads;
    LstmData data;
    CompiledModel model;

    @Setup(Level.Trial)
    public void setup() {
      AdjointSide.useThreads(threads);
      data = LstmData.create();
      model = data.trainer();
    }

    @Setup(Level.Iteration)
    public void reset() {
      data.reset(model);
    }
  }

  @Benchmark
  public double w1MnistMlp(W1 s) {
    return s.model.trainStep(s.batch);
  }

  @Benchmark
  public double w2Tiny(W2 s) {
    return s.model.trainStep(s.batch);
  }

  /** About half a second a step on one core: longer iterations, fewer of them. */
  @Benchmark
  @Warmup(iterations = 2, time = 5)
  @Measurement(iterations = 4, time = 5)
  public double w3Wide(W3 s) {
    return s.model.trainStep(s.batch);
  }

  /** Copy the input in, predict, read the class probabilities: what serving one request costs. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public float w4Infer(W4 s) {
    return inferOne(s.model, s.sample, s.x, s.probs);
  }

  @Benchmark
  public double w5Cnn(W5 s) {
    return s.model.trainStep(CnnData.BATCH);
  }

  @Benchmark
  public double w5tUpsample(W5t s) {
    return s.model.trainStep(UpsampleData.BATCH);
  }

  /** W4's measure on W5's network: copy an image in, predict, read the probabilities. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public float w5Infer(W5i s) {
    return inferOne(s.model, s.sample, s.x, s.probs);
  }

  @Benchmark
  public double w7Lstm(W7 s) {
    return s.model.trainStep(LstmData.BATCH);
  }

  /** W6: the transformer of {@link TransformerData}, reset before each iteration. */
  @State(Scope.Thread)
  public static class W6 {
    @Param({"1", "2"})
    public int threads;
    TransformerData data;
    CompiledModel model;

    @Setup(Level.Trial)
    public void setup() {
      AdjointSide.useThreads(threads);
      data = TransformerData.create();
      model = data.trainer();
    }

    @Setup(Level.Iteration)
    public void reset() {
      data.reset(model);
    }
  }

  @Benchmark
  public double w6Transformer(W6 s) {
    return s.model.trainStep(TransformerData.BATCH);
  }

  /** One request: the sample copied into the input, a batch-1 prediction, the probabilities read (summed, so JMH keeps them). */
  private static float inferOne(CompiledModel model, float[] sample, float[] x, float[] probs) {
    System.arraycopy(sample, 0, x, 0, sample.length);
    model.predict(1);
    float sum = 0;
    for (float p : probs) {
      sum += p;
    }
    return sum;
  }
}
