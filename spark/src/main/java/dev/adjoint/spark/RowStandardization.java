package dev.adjoint.spark;

import dev.adjoint.runtime.predict.Standardizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;

/**
 * The train block's {@code standardize} over rows spread across a cluster: fitted on the
 * training rows as {@code adjoint train} fits it (each feature's mean, then the root of its
 * mean squared deviation, 1 for a constant feature), applied to every row before training and
 * validation, and recorded in the checkpoints (the {@link Standardizer}'s metadata), so that
 * {@code Predictor}, {@code adjoint predict} and {@link AdjointScorer} standardize raw rows
 * the same way. The sums are collected per partition and added on the driver in partition
 * order, so the figures do not depend on which task finishes first.
 */
final class RowStandardization {
  private RowStandardization() {}

  /** The means and deviations of the named input columns over {@code rows}. */
  static Standardizer fit(JavaRDD<float[][]> rows, RowLayout layout, List<String> names) {
    int[] indices = indices(layout, names);
    if (indices.length == 0) {
      return Standardizer.none();
    }
    double[][] means = sums(rows, layout, indices, null);
    double count = means[indices.length][0];
    if (count == 0) {
      throw new IllegalArgumentException("cannot standardize " + String.join(", ", names)
          + ": the training data has no rows to compute means from");
    }
    for (int c = 0; c < indices.length; c++) {
      for (int e = 0; e < means[c].length; e++) {
        means[c][e] /= count;
      }
    }
    double[][] stds = sums(rows, layout, indices, means);
    Map<String, double[]> meanOf = new LinkedHashMap<>();
    Map<String, double[]> stdOf = new LinkedHashMap<>();
    for (int c = 0; c < indices.length; c++) {
      for (int e = 0; e < stds[c].length; e++) {
        double s = Math.sqrt(stds[c][e] / count);
        stds[c][e] = s == 0 ? 1 : s;
      }
      String name = layout.columns().get(indices[c]).name();
      meanOf.put(name, means[c]);
      stdOf.put(name, stds[c]);
    }
    return Standardizer.of(meanOf, stdOf);
  }

  /** The rows with the standardizer's columns replaced by {@code (x - mean) / std}, as floats. */
  static JavaRDD<float[][]> apply(JavaRDD<float[][]> rows, RowLayout layout, Standardizer standardizer) {
    List<String> names = standardizer.columns();
    if (names.isEmpty()) {
      return rows;
    }
    int[] indices = indices(layout, names);
    double[][] means = new double[names.size()][];
    double[][] stds = new double[names.size()][];
    for (int c = 0; c < names.size(); c++) {
      means[c] = standardizer.mean(names.get(c));
      stds[c] = standardizer.std(names.get(c));
      int width = layout.columns().get(indices[c]).width();
      if (means[c].length != width) {
        throw new IllegalArgumentException("cannot standardize '" + names.get(c) + "': it has " + width
            + " values per sample, but " + means[c].length + " were fitted");
      }
    }
    return rows.map(row -> {
      float[][] out = row.clone();
      for (int c = 0; c < indices.length; c++) {
        float[] values = new float[means[c].length];
        for (int e = 0; e < values.length; e++) {
          values[e] = (float) ((row[indices[c]][e] - means[c][e]) / stds[c][e]);
        }
        out[indices[c]] = values;
      }
      return out;
    });
  }

  private static int[] indices(RowLayout layout, List<String> names) {
    List<Integer> found = new ArrayList<>();
    for (String name : names) {
      int index = -1;
      for (int c = 0; c < layout.columns().size(); c++) {
        index = layout.columns().get(c).name().equals(name) ? c : index;
      }
      if (index < 0) {
        throw new IllegalArgumentException("cannot standardize '" + name + "': the model reads no such column");
      }
      found.add(index);
    }
    return found.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Per selected column and feature, the sum over the rows of the value ({@code center} null)
   * or of its squared deviation from {@code center}; then the row count. Each partition sums
   * its rows, and the driver adds the partitions' sums in partition order.
   */
  private static double[][] sums(JavaRDD<float[][]> rows, RowLayout layout, int[] indices, double[][] center) {
    List<double[][]> parts = rows.mapPartitions(part -> {
      double[][] s = zeros(layout, indices);
      while (part.hasNext()) {
        float[][] row = part.next();
        for (int c = 0; c < indices.length; c++) {
          for (int e = 0; e < s[c].length; e++) {
            double d = center == null ? row[indices[c]][e] : row[indices[c]][e] - center[c][e];
            s[c][e] += center == null ? d : d * d;
          }
        }
        s[indices.length][0]++;
      }
      return java.util.Collections.singletonList(s).iterator();
    }).collect();
    double[][] sum = zeros(layout, indices);
    for (double[][] part : parts) {
      for (int c = 0; c < part.length; c++) {
        for (int e = 0; e < part[c].length; e++) {
          sum[c][e] += part[c][e];
        }
      }
    }
    return sum;
  }

  /** One array per selected column (its width), then one for the row count. */
  private static double[][] zeros(RowLayout layout, int[] indices) {
    double[][] s = new double[indices.length + 1][];
    for (int c = 0; c < indices.length; c++) {
      s[c] = new double[layout.columns().get(indices[c]).width()];
    }
    s[indices.length] = new double[1];
    return s;
  }
}
