package dev.adjoint.runtime.kernels;

/**
 * Chooses the micro-kernel: the Vector API one when the module {@code jdk.incubator.vector} is
 * in the boot layer, the hardware runs its vectors natively and {@code -Dadjoint.vector=false}
 * does not forbid it; the scalar one otherwise. The vector class is loaded reflectively and
 * only after those checks, so nothing touches the module when it is absent. When the module
 * is absent (and the scalar kernel was not asked for), a note says so once per JVM, on the
 * {@link System.Logger} of this package, with the flag that enables it.
 */
final class Kernels {
  /** The note about a missing Vector API, logged once. */
  static final String MISSING_MODULE_NOTE = "Adjoint: this JVM runs without the JDK's Vector API, so matrix "
      + "products and convolutions use the scalar fallback kernel, several times slower; start Java with "
      + "--add-modules jdk.incubator.vector (the JDK then prints \"WARNING: Using incubator modules: "
      + "jdk.incubator.vector\", which is expected), or set -Dadjoint.vector=false to choose the scalar kernel "
      + "and silence this note";
  private static final java.util.concurrent.atomic.AtomicBoolean NOTED = new java.util.concurrent.atomic.AtomicBoolean();

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
      if (!vectorModulePresent()) {
        noteOnce(NOTED, System.getLogger(Kernels.class.getPackageName()));
      }
    }
    return scalar();
  }

  /** Whether the missing module was noted in this JVM. */
  static boolean noted() {
    return NOTED.get();
  }

  /** Logs {@link #MISSING_MODULE_NOTE} as a warning unless {@code flag} says it was; returns whether it did. */
  static boolean noteOnce(java.util.concurrent.atomic.AtomicBoolean flag, System.Logger logger) {
    if (!flag.compareAndSet(false, true)) {
      return false;
    }
    logger.log(System.Logger.Level.WARNING, MISSING_MODULE_NOTE);
    return true;
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
