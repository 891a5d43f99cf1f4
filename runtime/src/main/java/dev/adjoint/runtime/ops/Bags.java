package dev.adjoint.runtime.ops;

import java.util.Arrays;

/**
 * An embedding bag's forward and backward pass in one loop each, the work following the ids
 * present: a bag of {@code places} ids, padded with negative ids, costs one comparison per
 * padding place and one row of multiply-adds per present id. What a gather, a weighting and a
 * sum over the bag axis (and a scatter of the bag's gradient) compute, without the
 * {@code [bags, places, width]} rows between them.
 */
public final class Bags {
  private Bags() {}

  /**
   * out[b, :] = Σ_l weights[b, l] · table[ids[b, l], :] over the bag's non-negative ids (a
   * weight of 1 when {@code weights} is null), for {@code bags} bags of {@code places} ids.
   */
  public static void sum(float[] table, int rows, int width, int[] ids, float[] weights, int bags, int places,
      float[] out) {
    Arrays.fill(out, 0, bags * width, 0f);
    addRows(table, ids, weights, bags, places, rows, width, out, false);
  }

  /** The same in f64. */
  public static void sum(double[] table, int rows, int width, int[] ids, double[] weights, int bags, int places,
      double[] out) {
    Arrays.fill(out, 0, bags * width, 0.0);
    addRows(table, ids, weights, bags, places, rows, width, out, false);
  }

  /**
   * The table's gradient: out = zeros[rows, width]; out[ids[b, l], :] += weights[b, l] · dy[b, :]
   * over the non-negative ids, in the order a scatter of the gathered rows' gradient adds them.
   */
  public static void sumGradient(int[] ids, float[] weights, float[] dy, int bags, int places, int rows, int width,
      float[] out) {
    Arrays.fill(out, 0, rows * width, 0f);
    addRows(dy, ids, weights, bags, places, rows, width, out, true);
  }

  /** The same in f64. */
  public static void sumGradient(int[] ids, double[] weights, double[] dy, int bags, int places, int rows, int width,
      double[] out) {
    Arrays.fill(out, 0, rows * width, 0.0);
    addRows(dy, ids, weights, bags, places, rows, width, out, true);
  }

  /**
   * The one loop of both passes: for each non-negative id of bag b, in order, with its weight
   * w (1 without weights), row b of {@code to} += w · row id of {@code from} (the forward
   * gather), or, with {@code scatter}, row id of {@code to} += w · row b of {@code from} (the
   * gradient's scatter).
   */
  private static void addRows(float[] from, int[] ids, float[] weights, int bags, int places, int rows, int width,
      float[] to, boolean scatter) {
    for (int b = 0, bag = 0; b < bags; b++, bag += width) {
      for (int p = b * places, end = p + places; p < end; p++) {
        if (ids[p] < 0) {
          continue;
        }
        int id = checkId(ids[p], rows) * width;
        float w = weights == null ? 1f : weights[p];
        for (int j = 0, f = scatter ? bag : id, t = scatter ? id : bag; j < width; j++) {
          to[t + j] += from[f + j] * w;
        }
      }
    }
  }

  /** The same in f64. */
  private static void addRows(double[] from, int[] ids, double[] weights, int bags, int places, int rows, int width,
      double[] to, boolean scatter) {
    for (int b = 0, bag = 0; b < bags; b++, bag += width) {
      for (int p = b * places, end = p + places; p < end; p++) {
        if (ids[p] < 0) {
          continue;
        }
        int id = checkId(ids[p], rows) * width;
        double w = weights == null ? 1.0 : weights[p];
        for (int j = 0, f = scatter ? bag : id, t = scatter ? id : bag; j < width; j++) {
          to[t + j] += from[f + j] * w;
        }
      }
    }
  }

  /** {@code id}, checked to be a row of a table of {@code rows}. */
  private static int checkId(int id, int rows) {
    if (id >= rows) {
      throw new IllegalArgumentException("id " + id + " is out of range for a table of " + rows + " rows");
    }
    return id;
  }
}
