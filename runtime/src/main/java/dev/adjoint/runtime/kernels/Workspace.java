package dev.adjoint.runtime.kernels;

/**
 * One thread's packing buffers and task record, grown on first need and then reused, so
 * that a steady-state product allocates nothing. Each thread owns its workspace: the
 * calling threads through {@link #current()}, the engine's workers through a field.
 */
final class Workspace {
  private static final ThreadLocal<Workspace> CURRENT = ThreadLocal.withInitial(() -> new Workspace(0));

  /** Big enough for any kernel's mr x nr tile. */
  private static final int SCRATCH = 1024;

  /**
   * Which thread of an engine this is: 0 for a calling thread, {@code w} for the pool's
   * worker {@code w} (1-based). Pinned jobs give block {@code index} to this thread first.
   */
  final int index;
  /** The product being computed by this thread: a caller's, or one of a batch on any thread. */
  final GemmTask task = new GemmTask();
  /** Edge tiles of the micro-kernel. */
  final float[] scratch = new float[SCRATCH];
  private float[] packedA = new float[0];
  private float[] packedB = new float[0];

  Workspace(int index) {
    this.index = index;
  }

  /** The calling thread's workspace. */
  static Workspace current() {
    return CURRENT.get();
  }

  /** A buffer of at least {@code size} floats for packed A blocks. */
  float[] packedA(int size) {
    if (packedA.length < size) {
      packedA = new float[size];
    }
    return packedA;
  }

  /** A buffer of at least {@code size} floats for packed B blocks. */
  float[] packedB(int size) {
    if (packedB.length < size) {
      packedB = new float[size];
    }
    return packedB;
  }
}
