package dev.adjoint.benchmarks.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.adjoint.benchmarks.BatchedMatmulBenchmark;
import dev.adjoint.benchmarks.BenchData;
import dev.adjoint.benchmarks.Jvm;
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
 * libtorch's batched {@code matmul} through DJL ({@code NDArray.matMul} on [B, T, d] and
 * [B, d, T]), the reference for {@code BatchedMatmulBenchmark}: the same shapes and thread
 * counts. {@code bmmTraining} records the product with a {@code GradientCollector} and runs
 * its backward pass (libtorch's two transposed batched products into A's and B's gradients,
 * which accumulate as in a loop without zero_grad: one elementwise add each, small beside the
 * products). DJL has no {@code out=} form, so each product allocates its result.
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.VECTOR, Jvm.XMS, Jvm.XMX, "-Dai.djl.offline=true"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class PyTorchBatchedMatmul {
  @Param({"32x64x64", "8x256x64"})
  public String shape;

  @Param({"1", "2"})
  public int threads;

  private NDManager manager;
  private NDArray a;
  private NDArray b;

  @Setup(Level.Trial)
  public void setup() {
    DjlNetwork.engine(threads);
    manager = NDManager.newBaseManager();
    int[] s = BatchedMatmulBenchmark.sizes(shape);
    SplittableRandom random = new SplittableRandom(BenchData.SEED);
    a = manager.create(BenchData.uniform(random, s[0] * s[1] * s[2], 1), new Shape(s[0], s[1], s[2]));
    b = manager.create(BenchData.uniform(random, s[0] * s[2] * s[1], 1), new Shape(s[0], s[2], s[1]));
    // Recorded products of bmmTraining; bmmForward runs outside any collector, so records nothing.
    a.setRequiresGradient(true);
    b.setRequiresGradient(true);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
  }

  @Benchmark
  public NDArray bmmForward() {
    try (NDArray c = a.matMul(b)) {
      return c;
    }
  }

  @Benchmark
  public NDArray bmmTraining() {
    try (NDManager step = manager.newSubManager();
        GradientCollector collector = manager.getEngine().newGradientCollector()) {
      NDArray c = a.matMul(b);
      c.attach(step);
      collector.backward(c);
      return c;
    }
  }
}
