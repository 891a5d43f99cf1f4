package dev.adjoint.data;

import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.predict.Standardizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Standardizer} over whole data sets: fitted on the training rows, applied to every
 * split, and read back from a checkpoint's metadata with a data error for a malformed entry.
 * The runtime's {@code Standardizer} itself only standardizes a model's input buffer, so that
 * an application predicting needs no data module.
 */
public final class Standardization {
  private Standardization() {}

  /** Computes the mean and deviation of every feature of the columns over the rows of {@code train}. */
  public static Standardizer fit(Dataset train, List<String> columns) {
    if (!columns.isEmpty() && train.size() == 0) {
      throw new DataException("cannot standardize " + String.join(", ", columns)
          + ": the training data has no rows to compute means from");
    }
    Map<String, double[]> means = new LinkedHashMap<>();
    Map<String, double[]> stds = new LinkedHashMap<>();
    for (String name : columns) {
      Column c = floating(train, name);
      int n = train.size();
      int k = c.sampleSize;
      double[] mean = new double[k];
      double[] std = new double[k];
      for (int row = 0; row < n; row++) {
        for (int e = 0; e < k; e++) {
          mean[e] += c.get(row, e);
        }
      }
      for (int e = 0; e < k; e++) {
        mean[e] /= n;
      }
      for (int row = 0; row < n; row++) {
        for (int e = 0; e < k; e++) {
          double d = c.get(row, e) - mean[e];
          std[e] += d * d;
        }
      }
      for (int e = 0; e < k; e++) {
        double s = Math.sqrt(std[e] / n);
        std[e] = s == 0 ? 1 : s;
      }
      means.put(name, mean);
      stds.put(name, std);
    }
    return Standardizer.of(means, stds);
  }

  /** A new data set whose standardized columns hold {@code (x - mean) / std}; other columns are shared. */
  public static Dataset apply(Standardizer standardizer, Dataset data) {
    List<Column> replaced = new ArrayList<>();
    for (String name : standardizer.columns()) {
      Column c = floating(data, name);
      double[] mean = standardizer.mean(name);
      double[] std = standardizer.std(name);
      if (c.sampleSize != mean.length) {
        throw new DataException("cannot standardize '" + name + "': it has " + c.sampleSize
            + " values per sample, but " + mean.length + " were fitted");
      }
      Object out = Column.allocate(c.spec, data.size());
      int k = c.sampleSize;
      for (int i = 0; i < data.size() * k; i++) {
        double z = (c.get(i / k, i % k) - mean[i % k]) / std[i % k];
        if (out instanceof float[]) {
          ((float[]) out)[i] = (float) z;
        } else {
          ((double[]) out)[i] = z;
        }
      }
      replaced.add(new Column(c.spec, out, data.size()));
    }
    return replaced.isEmpty() ? data : data.with(replaced);
  }

  /**
   * {@link Standardizer#fromMap}, with a malformed or missing entry reported as a data error.
   *
   * @throws DataException when an entry is missing or malformed, or a mean is not finite or a
   *     deviation not positive (as {@link #fit} never writes them)
   */
  public static Standardizer fromMetadata(Map<String, String> metadata) {
    try {
      return Standardizer.fromMap(metadata);
    } catch (IllegalArgumentException e) {
      throw new DataException(e.getMessage());
    }
  }

  private static Column floating(Dataset data, String name) {
    if (!data.has(name)) {
      throw new DataException("cannot standardize '" + name + "': the data has no such column; it has: "
          + String.join(", ", data.columns()));
    }
    Column c = data.column(name);
    if (c.spec.dtype() == DType.I32) {
      throw new DataException("cannot standardize " + c.spec + ": only f32 and f64 columns are standardized");
    }
    return c;
  }
}
