package dev.adjoint.runtime.kernels;

/**
 * Cache-blocking sizes, chosen per kernel by measurement (see {@code GemmThroughput} in the
 * tests) and overridable for tuning with {@code -Dadjoint.gemm.kc=}, {@code .mc=} and
 * {@code .nc=}. The kernel passes its defaults; this class applies the overrides and rounds
 * mc and nc to whole tiles.
 */
final class Blocking {
  private Blocking() {}

  /** Depth of a k block. */
  static int kc(int preferred) {
    return property("adjoint.gemm.kc", preferred);
  }

  /** Rows of an A block, rounded down to a multiple of {@code mr} (at least one tile). */
  static int mc(int mr, int preferred) {
    int mc = property("adjoint.gemm.mc", preferred);
    return Math.max(mr, mc / mr * mr);
  }

  /** Columns of a B block, rounded down to a multiple of {@code nr} (at least one tile). */
  static int nc(int nr, int preferred) {
    int nc = property("adjoint.gemm.nc", preferred);
    return Math.max(nr, nc / nr * nr);
  }

  private static int property(String name, int fallback) {
    String value = System.getProperty(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      return parsed > 0 ? parsed : fallback;
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
