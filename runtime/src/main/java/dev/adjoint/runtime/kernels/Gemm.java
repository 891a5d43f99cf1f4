package dev.adjoint.runtime.kernels;

/**
 * Matrix products for generated code, on a shared {@link GemmEngine} with one thread per
 * available processor ({@code -Dadjoint.threads=N} to change it). They mirror the
 * compiler's MATMUL op on row-major {@code float[]} slices:
 *
 * <ul>
 *   <li>plain: C[m,n] = A[m,k] · B[k,n]
 *   <li>{@code transposeB}: C = A · Bᵀ with B stored [n,k] (the backward pass's dX = dY·Wᵀ)
 *   <li>{@code transposeA}: C = Aᵀ · B with A stored [k,m] (dW = Xᵀ·dY)
 * </ul>
 *
 * {@code multiplyBatched} runs a batch of such products at fixed strides (batched matrix
 * products: one per sample and head). With {@code accumulate}, C += the product (gradient accumulation). See {@link GemmEngine}
 * for the details and for an engine with an explicit thread count.
 */
public final class Gemm {
  private Gemm() {}

  /** The shared engine, created on first use. */
  public static GemmEngine engine() {
    return Shared.ENGINE;
  }

  /** C = A·B (or C += A·B when {@code accumulate}) on the shared engine. */
  public static void multiply(boolean transposeA, boolean transposeB, int m, int n, int k,
      float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset,
      boolean accumulate) {
    Shared.ENGINE.multiply(transposeA, transposeB, m, n, k, a, aOffset, b, bOffset, c, cOffset,
        accumulate);
  }

  /**
   * A batch of products C_i = A_i·B_i (or += when {@code accumulate}), operand i starting at
   * its offset plus i times its stride, on the shared engine; see
   * {@link GemmEngine#multiplyBatched}.
   */
  public static void multiplyBatched(boolean transposeA, boolean transposeB, int batches, int m,
      int n, int k, float[] a, int aOffset, int aStride, float[] b, int bOffset, int bStride,
      float[] c, int cOffset, int cStride, boolean accumulate) {
    Shared.ENGINE.multiplyBatched(transposeA, transposeB, batches, m, n, k, a, aOffset, aStride,
        b, bOffset, bStride, c, cOffset, cStride, accumulate);
  }

  /** C = A·B + bias (broadcast over rows), then ReLU when {@code relu}, on the shared engine. */
  public static void multiplyBias(boolean transposeA, boolean transposeB, int m, int n, int k,
      float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset,
      float[] bias, int biasOffset, boolean relu) {
    Shared.ENGINE.multiplyBias(transposeA, transposeB, m, n, k, a, aOffset, b, bOffset, c,
        cOffset, bias, biasOffset, relu);
  }

  /** A buffer for a packed k × n B operand on the shared engine; see {@link GemmEngine#packed}. */
  public static PackedMatrix packed(int k, int n) {
    return Shared.ENGINE.packed(k, n);
  }

  /** Packs B into {@code into} on the shared engine; see {@link GemmEngine#pack}. */
  public static void pack(PackedMatrix into, boolean transposeB, float[] b, int bOffset) {
    Shared.ENGINE.pack(into, transposeB, b, bOffset);
  }

  /** C = A·B (or +=) with B packed before, on the shared engine; see {@link GemmEngine#multiplyPacked}. */
  public static void multiplyPacked(boolean transposeA, int m, float[] a, int aOffset, PackedMatrix b, float[] c,
      int cOffset, boolean accumulate) {
    Shared.ENGINE.multiplyPacked(transposeA, m, a, aOffset, b, c, cOffset, accumulate);
  }

  /** Holder: the engine and its threads exist only once a product is asked for. */
  private static final class Shared {
    static final GemmEngine ENGINE = GemmEngine.shared(threads());

    private static int threads() {
      int available = Runtime.getRuntime().availableProcessors();
      String value = System.getProperty("adjoint.threads");
      if (value != null) {
        try {
          int parsed = Integer.parseInt(value.trim());
          if (parsed >= 1) {
            return parsed;
          }
        } catch (NumberFormatException e) {
          return available;
        }
      }
      return available;
    }
  }
}
