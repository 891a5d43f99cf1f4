package dev.adjoint.benchmarks.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
 * libtorch's matrix product through DJL ({@code NDArray.matMul}), the reference for {@code
 * GemmBenchmark}: the same square sizes and thread counts, in practice the machine's fp32
 * peak as an optimized BLAS reaches it. DJL has no {@code out=} form, so each product also
 * allocates its result, as every DJL user's does.
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.VECTOR, Jvm.XMS, Jvm.XMX, "-Dai.djl.offline=true"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class PyTorchGemm {
  @Param({"512", "1024", "2048"})
  public int size;

  @Param({"1", "2"})
  public int threads;

  private NDManager manager;
  private NDArray a;
  private NDArray b;

  @Setup(Level.Trial)
  public void setup() {
    DjlNetwork.engine(threads);
    manager = NDManager.newBaseManager();
    SplittableRandom random = new SplittableRandom(BenchData.SEED);
    a = manager.create(BenchData.uniform(random, size * size, 1), new Shape(size, size));
    b = manager.create(BenchData.uniform(random, size * size, 1), new Shape(size, size));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
  }

  @Benchmark
  public NDArray multiply() {
    try (NDArray c = a.matMul(b)) {
      return c;
    }
  }
}
