package dev.adjoint.runtime.kernels;

/**
 * Chooses the micro-kernel: the Vector API one when the module {@code jdk.incubator.vector} is
 * in the boot layer, the hardware runs its vectors natively and {@code -Dadjoint.vector=false}
 * does not forbid it; the scalar one otherwise. The vector class is loaded reflectively and
 * only after those checks, so nothing touches the module when it is absent.
 */
final class Kernels {
  /** System property that forces the scalar fallback when set to {@code false}. */
  static final String VECTOR_PROPERTY = "adjoint.vector";

  private static final String VECTOR_MODULE = "jdk.incubator.vector";
  private static final String VECTOR_CLASS = "dev.adjoint.runtime.kernels.VectorKernel";

  private Kernels() {}

  /** Whether the Vector API module is present in this JVM. */
  static boolean vectorModulePresent() {
    return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
  }

  /** The kernel to use by default, honouring {@link #VECTOR_PROPERTY} (read on each call). */
  static MicroKernel preferred() {
    if (!"false".equalsIgnoreCase(System.getProperty(VECTOR_PROPERTY, "true"))) {
      MicroKernel vector = vector();
      if (vector != null) {
        return vector;
      }
    }
    return scalar();
  }

  /** The scalar fallback. */
  static MicroKernel scalar() {
    return new ScalarKernel();
  }

  /** The vector kernel, or null when the module is absent or the hardware lacks the width. */
  static MicroKernel vector() {
    if (!vectorModulePresent()) {
      return null;
    }
    try {
      Class<?> type = Class.forName(VECTOR_CLASS);
      if (!(Boolean) type.getDeclaredMethod("supported").invoke(null)) {
        return null;
      }
      return (MicroKernel) type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
      return null;
    }
  }
}
