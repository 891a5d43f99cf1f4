package dev.adjoint.benchmarks.peer;

import dev.adjoint.benchmarks.AdjointSide;
import dev.adjoint.benchmarks.BenchData;
import dev.adjoint.benchmarks.CnnData;
import dev.adjoint.benchmarks.UpsampleData;
import dev.adjoint.benchmarks.LstmData;
import dev.adjoint.benchmarks.TransformerData;
import dev.adjoint.benchmarks.Jvm;
import dev.adjoint.benchmarks.Workload;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * W1-W7 on PyTorch through DJL, the twin of {@code AdjointWorkloads}: the same methods,
 * shapes, iteration settings, weights and batch. Before measuring, each fork checks that
 * both sides compute the same losses ({@link FirstLoss}) or, for W4 and W5i, the same
 * probabilities.
 * libtorch runs with {@code threads} intra-op threads and one inter-op thread.
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.VECTOR, Jvm.XMS, Jvm.XMX, "-Dai.djl.offline=true"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PyTorchWorkloads {

  /** A network of one workload on a number of threads, checked against Adjoint, reset before each iteration. */
  abstract static class Trainer {
    DjlNetwork network;

    void setup(Workload workload, int threads) {
      DjlNetwork.engine(threads);
      AdjointSide.useThreads(threads);
      FirstLoss.check(workload);
      network = new DjlNetwork(BenchData.of(workload), workload.batch());
    }

    @Setup(Level.Iteration)
    public void reset() {
      network.reset();
    }

    @TearDown(Level.Trial)
    public void close() {
      network.close();
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

  /** W4: W1's network at batch 1; its probabilities checked against Adjoint's for the same sample. */
  @State(Scope.Thread)
  public static class W4 {
    @Param({"1", "2"})
    public int threads;
    DjlNetwork network;
    float[] sample;

    @Setup(Level.Trial)
    public void setup() {
      DjlNetwork.engine(threads);
      AdjointSide.useThreads(threads);
      BenchData data = BenchData.of(Workload.MNIST_MLP);
      sample = Arrays.copyOf(data.inputs(), Workload.MNIST_MLP.inputs());
      network = new DjlNetwork(data, 1);
      CompiledModel adjoint = AdjointSide.compile(data).newModel(1);
      AdjointSide.reset(adjoint, data);
      AdjointSide.fillBatch(adjoint, data);
      adjoint.predict(1);
      float[] expected = adjoint.output("probs").f32();
      float[] actual = network.predict(sample);
      for (int i = 0; i < expected.length; i++) {
        if (Math.abs(expected[i] - actual[i]) > 1e-5) {
          throw new IllegalStateException("W4: Adjoint and PyTorch predict different probabilities: "
              + Arrays.toString(expected) + " vs " + Arrays.toString(actual));
        }
      }
      System.out.println("W4 probabilities agree: " + Arrays.toString(actual));
    }

    @TearDown(Level.Trial)
    public void close() {
      network.close();
    }
  }

  /** W5: the convolutional network, checked against Adjoint's first losses. */
  @State(Scope.Thread)
  public static class W5 {
    @Param({"1", "2"})
    public int threads;
    DjlCnn network;

    @Setup(Level.Trial)
    public void setup() {
      DjlNetwork.engine(threads);
      AdjointSide.useThreads(threads);
      FirstLoss.checkCnn();
      network = new DjlCnn(CnnData.create(), CnnData.BATCH);
    }

    @Setup(Level.Iteration)
    public void reset() {
      network.reset();
    }

    @TearDown(Level.Trial)
    public void close() {
      network.close();
    }
  }

  /** W6: the transformer, checked against Adjoint's first losses. */
  @State(Scope.Thread)
  public static class W6 {
    @Param({"1", "2"})
    public int threads;
    DjlTransformer network;

    @Setup(Level.Trial)
    public void setup() {
      DjlNetwork.engine(threads);
      AdjointSide.useThreads(threads);
      FirstLoss.checkTransformer();
      network = new DjlTransformer(TransformerData.create());
    }

    @Setup(Level.Iteration)
    public void reset() {
      network.reset();
    }

    @TearDown(Level.Trial)
    public void close() {
      network.close();
    }
  }

  /** W7: the LSTM, checked against Adjoint's first losses. */
  @State(Scope.Thread)
  public static class W7 {
    @Param({"1", "2"})
    public int threads;
    DjlLstm network;

    @Setup(Level.Trial)
    public void setup() {
      DjlNetwork.engine(threads);
      AdjointSide.useThreads(threads);
      FirstLoss.checkLstm();
      network = new DjlLstm(LstmData.create(), LstmData.BATCH);
    }

    @Setup(Level.Iteration)
    public void reset() {
      network.reset();
    }

    @TearDown(Level.Trial)
    public void close() {
      network.close();
    }
  }

  /** W5t: the upsampling network, checked against Adjoint's first losses. */
  @State(Scope.Thread)
  public static class W5t {
    @Param({"1", "2"})
    public int threads;
    DjlUpsample network;

    @Setup(Level.Trial)
    public void setup() {
      DjlNetwork.engine(threads);
      AdjointSide.useThreads(threads);
      FirstLoss.checkUpsample();
      network = new DjlUpsample(UpsampleData.create(), UpsampleData.BATCH);
    }

    @Setup(Level.Iteration)
    public void reset() {
      network.reset();
    }

    @TearDown(Level.Trial)
    public void close() {
      network.close();
    }
  }

  /** W5i: W5's network at batch 1; its probabilities checked against Adjoint's for the same image. */
  @State(Scope.Thread)
  public static class W5i {
    @Param({"1", "2"})
    public int threads;
    DjlCnn network;
    float[] sample;

    @Setup(Level.Trial)
    public void setup() {
      DjlNetwork.engine(threads);
      AdjointSide.useThreads(threads);
      CnnData data = CnnData.create();
      sample = Arrays.copyOf(data.inputs(), CnnData.PIXELS);
      network = new DjlCnn(data, 1);
      CompiledModel adjoint = data.compile().newModel(1);
      data.reset(adjoint);
      data.fillBatch(adjoint);
      adjoint.predict(1);
      float[] expected = adjoint.output("probs").f32();
      float[] actual = network.predict(sample);
      for (int i = 0; i < expected.length; i++) {
        if (Math.abs(expected[i] - actual[i]) > 1e-5) {
          throw new IllegalStateException("W5i: Adjoint and PyTorch predict different probabilities: "
              + Arrays.toString(expected) + " vs " + Arrays.toString(actual));
        }
      }
      System.out.println("W5i probabilities agree: " + Arrays.toString(actual));
    }

    @TearDown(Level.Trial)
    public void close() {
      network.close();
    }
  }

  @Benchmark
  public float w1MnistMlp(W1 s) {
    return s.network.trainStep();
  }

  @Benchmark
  public float w2Tiny(W2 s) {
    return s.network.trainStep();
  }

  @Benchmark
  @Warmup(iterations = 2, time = 5)
  @Measurement(iterations = 4, time = 5)
  public float w3Wide(W3 s) {
    return s.network.trainStep();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public float[] w4Infer(W4 s) {
    return s.network.predict(s.sample);
  }

  @Benchmark
  public float w5Cnn(W5 s) {
    return s.network.trainStep();
  }

  @Benchmark
  public float w5tUpsample(W5t s) {
    return s.network.trainStep();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public float[] w5Infer(W5i s) {
    return s.network.predict(s.sample);
  }

  @Benchmark
  public float w7Lstm(W7 s) {
    return s.network.trainStep();
  }

  @Benchmark
  public float w6Transformer(W6 s) {
    return s.network.trainStep();
  }
}
