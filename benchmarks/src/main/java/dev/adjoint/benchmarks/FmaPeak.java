package dev.adjoint.benchmarks;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fp32 peak of one core as the JVM reaches it: independent chains of Vector API fused
 * multiply-adds on the widest vectors the JIT uses natively, nothing loaded or stored in the
 * loop. It is the ceiling the layer rates of {@link CnnLayerRates} are read against (2 FLOP
 * per lane per FMA). {@link CnnLayerRates} loads it by name, after checking that the module is
 * present, so that nothing else compiled without the module refers to it.
 */
final class FmaPeak {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  /** Independent accumulators: enough to cover the FMA latency on two FMA ports. */
  private static final int CHAINS = 12;

  private FmaPeak() {}

  /** GFLOP/s of the best of {@code rounds} timed runs of about {@code millis} each, on the calling thread. */
  static double gflops(int rounds, long millis) {
    long steps = 1 << 16;
    double best = 0;
    float sink = 0;
    for (int round = 0; round < rounds + 2; round++) { // two rounds to warm up
      long start = System.nanoTime();
      long done = 0;
      while (System.nanoTime() - start < millis * 1_000_000L) {
        sink += run(steps);
        done += steps;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (round >= 2) {
        best = Math.max(best, 2.0 * S.length() * CHAINS * done / seconds / 1e9);
      }
    }
    if (sink == 42f) {
      System.out.print(""); // keeps the sums alive
    }
    return best;
  }

  /** Lanes of the vectors measured. */
  static int lanes() {
    return S.length();
  }

  private static float run(long steps) {
    FloatVector a = FloatVector.broadcast(S, 0.999f);
    FloatVector b = FloatVector.broadcast(S, 1e-3f);
    FloatVector c0 = FloatVector.broadcast(S, 1f);
    FloatVector c1 = c0;
    FloatVector c2 = c0;
    FloatVector c3 = c0;
    FloatVector c4 = c0;
    FloatVector c5 = c0;
    FloatVector c6 = c0;
    FloatVector c7 = c0;
    FloatVector c8 = c0;
    FloatVector c9 = c0;
    FloatVector c10 = c0;
    FloatVector c11 = c0;
    for (long i = 0; i < steps; i++) {
      c0 = c0.fma(a, b);
      c1 = c1.fma(a, b);
      c2 = c2.fma(a, b);
      c3 = c3.fma(a, b);
      c4 = c4.fma(a, b);
      c5 = c5.fma(a, b);
      c6 = c6.fma(a, b);
      c7 = c7.fma(a, b);
      c8 = c8.fma(a, b);
      c9 = c9.fma(a, b);
      c10 = c10.fma(a, b);
      c11 = c11.fma(a, b);
    }
    return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
        .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }
}
