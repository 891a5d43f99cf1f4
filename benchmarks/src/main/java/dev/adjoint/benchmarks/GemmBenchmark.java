package dev.adjoint.benchmarks;

import dev.adjoint.runtime.kernels.GemmEngine;
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
 * Adjoint's matrix product alone: C = A·B for square float32 matrices on an engine with an
 * explicit thread count. One operation is one product of 2·n³ flops; {@code ResultsTable}
 * reports GFLOP/s = products/s · 2n³ / 10⁹, to hold against the machine's fp32 peak.
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.VECTOR, Jvm.XMS, Jvm.XMX})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class GemmBenchmark {
  @Param({"512", "1024", "2048"})
  public int size;

  @Param({"1", "2"})
  public int threads;

  private GemmEngine engine;
  private float[] a;
  private float[] b;
  private float[] c;

  @Setup(Level.Trial)
  public void setup() {
    engine = GemmEngine.create(threads);
    if (!engine.vectorized()) {
      throw new IllegalStateException("the Vector API kernel is not in use (" + engine + "): run the fork with "
          + Jvm.VECTOR);
    }
    SplittableRandom random = new SplittableRandom(BenchData.SEED);
    a = BenchData.uniform(random, size * size, 1);
    b = BenchData.uniform(random, size * size, 1);
    c = new float[size * size];
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    engine.close();
  }

  @Benchmark
  public float multiply() {
    engine.multiply(false, false, size, size, size, a, 0, b, 0, c, 0, false);
    return c[0];
  }
}
