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
 * The batched product {@code [B, T, d] @ [B, d, T]} (attention's scores) as compiled models
 * compute it: generated code makes one {@code Gemm.multiplyBatched} call per BATCH_MATMUL
 * node, here on an engine with an explicit thread count. {@code bmmForward} is C = A·B;
 * {@code bmmTraining} adds the backward pass's two products from a cotangent G, dA = G·Bᵀ and
 * dB = Aᵀ·G, read transposed in place as the derivative rule has them (3 products in all).
 * {@code ResultsTable} reports GFLOP/s beside {@code peer.PyTorchBatchedMatmul}.
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.VECTOR, Jvm.XMS, Jvm.XMX})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class BatchedMatmulBenchmark {
  /** B x T x d. */
  @Param({"32x64x64", "8x256x64"})
  public String shape;

  @Param({"1", "2"})
  public int threads;

  private GemmEngine engine;
  private int batches;
  private int t;
  private int d;
  private float[] a;
  private float[] b;
  private float[] c;
  private float[] g;
  private float[] da;
  private float[] db;

  /** The sizes of a {@code shape} parameter: B, T, d. */
  public static int[] sizes(String shape) {
    String[] parts = shape.split("x");
    return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
  }

  /** Flops of the forward product: 2·B·T·T·d. */
  public static double forwardFlops(String shape) {
    int[] s = sizes(shape);
    return 2.0 * s[0] * s[1] * s[1] * s[2];
  }

  @Setup(Level.Trial)
  public void setup() {
    engine = GemmEngine.create(threads);
    if (!engine.vectorized()) {
      throw new IllegalStateException("the Vector API kernel is not in use (" + engine + "): run the fork with "
          + Jvm.VECTOR);
    }
    int[] s = sizes(shape);
    batches = s[0];
    t = s[1];
    d = s[2];
    SplittableRandom random = new SplittableRandom(BenchData.SEED);
    a = BenchData.uniform(random, batches * t * d, 1);
    b = BenchData.uniform(random, batches * d * t, 1);
    g = BenchData.uniform(random, batches * t * t, 1);
    c = new float[batches * t * t];
    da = new float[batches * t * d];
    db = new float[batches * d * t];
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    engine.close();
  }

  @Benchmark
  public float bmmForward() {
    engine.multiplyBatched(false, false, batches, t, t, d, a, 0, t * d, b, 0, d * t, c, 0, t * t, false);
    return c[0];
  }

  @Benchmark
  public float bmmTraining() {
    engine.multiplyBatched(false, false, batches, t, t, d, a, 0, t * d, b, 0, d * t, c, 0, t * t, false);
    // dA[T, d] = G[T, T]·Bᵀ, B stored [d, T]; dB[d, T] = Aᵀ·G, A stored [T, d]
    engine.multiplyBatched(false, true, batches, t, d, t, g, 0, t * t, b, 0, d * t, da, 0, t * d, false);
    engine.multiplyBatched(true, false, batches, d, t, t, a, 0, t * d, g, 0, t * t, db, 0, d * t, false);
    return c[0] + da[0] + db[0];
  }
}
