package dev.adjoint.runtime.ops;

/**
 * Row kernels of the fused softmax ops, over a [outer, classes, inner] view of the data
 * (inner is 1 when the class axis is last). Shifted by the row maximum: finite for any
 * logits.
 */
public final class Softmax {
  private Softmax() {}

  /**
   * out = x - max - log Σ e^(x - max) along the middle axis; rows shared between the
   * engine's threads, each computed alone (see {@link SoftmaxRows}).
   */
  public static void logSoftmax(float[] x, int outer, int classes, int inner, float[] out) {
    SoftmaxRows.run(x, outer * inner, classes, inner, null, 0, out);
  }

  /** Log-softmax of rows [from, to) of the [outer, classes, inner] view, row o·inner + j. */
  static void logSoftmaxRows(float[] x, int from, int to, int classes, int inner, float[] out) {
    for (int r = from; r < to; r++) {
      int base = (r / inner) * classes * inner + r % inner;
      double shift = logSumExp(x, base, classes, inner);
      for (int c = 0; c < classes; c++) {
        out[base + c * inner] = (float) (x[base + c * inner] - shift);
      }
    }
  }

  public static void logSoftmax(double[] x, int outer, int classes, int inner, double[] out) {
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        int base = o * classes * inner + j;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
          max = Math.max(max, x[base + c * inner]);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
          sum += Math.exp(x[base + c * inner] - max);
        }
        double shift = max + Math.log(sum);
        for (int c = 0; c < classes; c++) {
          out[base + c * inner] = x[base + c * inner] - shift;
        }
      }
    }
  }

  /**
   * Per-row cross-entropy of softmax(logits[rows, classes]) against class indices with
   * label smoothing: -Σ t·log_softmax with t = (1 - ε)·onehot + ε/C; an index outside
   * [0, C) has a zero one-hot row.
   */
  public static void crossEntropy(float[] logits, int rows, int classes, int[] target, double smoothing,
      float[] out) {
    SoftmaxRows.run(logits, rows, classes, 1, target, smoothing, out);
  }

  /** Cross-entropy of rows [from, to). */
  static void crossEntropyRows(float[] logits, int from, int to, int classes, int[] target, double smoothing,
      float[] out) {
    for (int r = from; r < to; r++) {
      int base = r * classes;
      double max = max(logits, base, classes, 1);
      double sumExp = 0;
      double sumShifted = 0;
      for (int c = 0; c < classes; c++) {
        double s = logits[base + c] - max;
        sumExp += ExpTable.exp(s);
        sumShifted += s;
      }
      double logSumExp = Math.log(sumExp);
      int y = target[r];
      boolean valid = y >= 0 && y < classes;
      double picked = valid ? logits[base + y] - max - logSumExp : 0;
      double mean = sumShifted / classes - logSumExp;
      out[r] = (float) -((1 - smoothing) * picked + (smoothing > 0 ? smoothing * mean : 0));
    }
  }

  public static void crossEntropy(double[] logits, int rows, int classes, int[] target, double smoothing,
      double[] out) {
    for (int r = 0; r < rows; r++) {
      int base = r * classes;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, logits[base + c]);
      }
      double sumExp = 0;
      double sumShifted = 0;
      for (int c = 0; c < classes; c++) {
        double s = logits[base + c] - max;
        sumExp += Math.exp(s);
        sumShifted += s;
      }
      double logSumExp = Math.log(sumExp);
      int y = target[r];
      boolean valid = y >= 0 && y < classes;
      double picked = valid ? logits[base + y] - max - logSumExp : 0;
      double mean = sumShifted / classes - logSumExp;
      out[r] = -((1 - smoothing) * picked + (smoothing > 0 ? smoothing * mean : 0));
    }
  }

  /** Per-row cross-entropy of softmax(logits[rows, classes]) against a distribution: -Σ t·log_softmax. */
  public static void crossEntropy(float[] logits, int rows, int classes, float[] target, float[] out) {
    for (int r = 0; r < rows; r++) {
      int base = r * classes;
      double shift = logSumExp(logits, base, classes, 1);
      double loss = 0;
      for (int c = 0; c < classes; c++) {
        loss -= target[base + c] * (logits[base + c] - shift);
      }
      out[r] = (float) loss;
    }
  }

  public static void crossEntropy(double[] logits, int rows, int classes, double[] target, double[] out) {
    for (int r = 0; r < rows; r++) {
      int base = r * classes;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, logits[base + c]);
      }
      double sumExp = 0;
      for (int c = 0; c < classes; c++) {
        sumExp += Math.exp(logits[base + c] - max);
      }
      double shift = max + Math.log(sumExp);
      double loss = 0;
      for (int c = 0; c < classes; c++) {
        loss -= target[base + c] * (logits[base + c] - shift);
      }
      out[r] = loss;
    }
  }

  /** max + log Σ e^(x - max) over a float row, in double. */
  private static double logSumExp(float[] x, int base, int n, int stride) {
    double max = max(x, base, n, stride);
    double sum = 0;
    for (int c = 0; c < n; c++) {
      sum += ExpTable.exp(x[base + c * stride] - max);
    }
    return max + Math.log(sum);
  }

  /**
   * The largest of a float row, by comparison: HotSpot 17's {@code Math.max} costs several
   * times a compare and select. A NaN is passed over, but it reaches the row's sum of
   * exponentials, so the row's results are NaN all the same.
   */
  private static float max(float[] x, int base, int n, int stride) {
    float max = Float.NEGATIVE_INFINITY;
    for (int c = 0; c < n; c++) {
      float v = x[base + c * stride];
      max = v > max ? v : max;
    }
    return max;
  }
}
