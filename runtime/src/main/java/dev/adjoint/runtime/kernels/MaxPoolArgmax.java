package dev.adjoint.runtime.kernels;

/**
 * The argmax of channels-last max pooling on the Vector API, for {@code ops.MaxPool}: a vector
 * of channels per window compared tap by tap with selects instead of branches, the indices
 * carried beside the values. With real data, whether a tap beats the best so far is a coin
 * toss that a branch predictor loses, and the scalar loop ran at about 5 ns per output (W5's
 * first pooling: 7.3 ms of a 29 ms training step at batch 64).
 *
 * <p>The vector class is loaded by name only when the shared GEMM engine is vectorized, as
 * {@link OneChannelKernel} is; otherwise {@link #argmax} returns false and the caller runs its
 * scalar loops. The result is the same either way: the first maximum of each window and
 * channel, a NaN winning over numbers.
 */
public final class MaxPoolArgmax {
  /** The implementation: {@link #argmax}'s contract. */
  interface Impl {
    void argmax(float[] x, int h, int w, int c, int kh, int kw, int sh, int sw, int ph, int pw, int ho, int wo,
        int n, int[] out);
  }

  private static final Impl VECTOR = load();

  private MaxPoolArgmax() {}

  /**
   * Writes {@code ops.MaxPool.argmax}'s result (same arguments) with the vector kernel and
   * returns true, or returns false without writing when there is none.
   */
  public static boolean argmax(float[] x, int h, int w, int c, int kh, int kw, int sh, int sw, int ph, int pw,
      int ho, int wo, int n, int[] out) {
    if (VECTOR == null) {
      return false;
    }
    VECTOR.argmax(x, h, w, c, kh, kw, sh, sw, ph, pw, ho, wo, n, out);
    return true;
  }

  private static Impl load() {
    if (!Gemm.engine().vectorized()) {
      return null;
    }
    try {
      return (Impl) Class.forName("dev.adjoint.runtime.kernels.VectorMaxPool").getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
      return null;
    }
  }
}
