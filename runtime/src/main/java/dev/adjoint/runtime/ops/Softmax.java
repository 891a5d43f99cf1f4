package dev.adjoint.runtime.ops;

/**
 * Row kernels of the fused softmax ops, over a [outer, classes, inner] view of the data
 * (inner is 1 when the class axis is last). Shifted by the row maximum: finite for any
 * logits.
 */
public final class Softmax {
  private Softmax() {}

  /** out = x - max - log Σ e^(x - max) along the middle axis. */
  public static void logSoftmax(float[] x, int outer, int classes, int inner, float[] out) {
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        int base = o * classes * inner + j;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
          max = Math.max(max, x[base + c * inner]);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
          sum += ExpTable.exp(x[base + c * inner] - max);
        }
        double shift = max + Math.log(sum);
        for (int c = 0; c < classes; c++) {
          out[base + c * inner] = (float) (x[base + c * inner] - shift);
        }
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
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, logits[base + c]);
      }
      double sumExp = 0;
      for (int c = 0; c < classes; c++) {
        sumExp += ExpTable.exp(logits[base + c] - max);
      }
      double shift = max + Math.log(sumExp);
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
}
