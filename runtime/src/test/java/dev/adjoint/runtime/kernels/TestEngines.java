package dev.adjoint.runtime.kernels;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Engines shared by the tests (created once per JVM, daemon workers never closed): both
 * kernels when the Vector API is present, on 1 and 2 threads, the 2-thread ones splitting
 * even the smallest product so that the parallel path is exercised on every shape.
 */
final class TestEngines {
  private static final List<GemmEngine> ALL = create();

  private TestEngines() {}

  /** Every engine under test. */
  static List<GemmEngine> all() {
    return ALL;
  }

  private static List<GemmEngine> create() {
    List<MicroKernel> kernels = new ArrayList<>();
    MicroKernel vector = Kernels.vector();
    if (vector != null) {
      kernels.add(vector);
    }
    kernels.add(Kernels.scalar());
    List<GemmEngine> engines = new ArrayList<>();
    for (MicroKernel kernel : kernels) {
      engines.add(GemmEngine.create(1, kernel, 0L));
      engines.add(GemmEngine.create(2, kernel, 0L));
    }
    return Collections.unmodifiableList(engines);
  }
}
