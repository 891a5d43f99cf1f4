package dev.adjoint.runtime.data;

import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Standardization of floating-point columns: each feature (each element of a sample) is
 * shifted by its mean and divided by its standard deviation, both computed on the training
 * rows only and then applied to every split and at inference. The deviation is the
 * population one (1/N); a constant feature's deviation of 0 becomes 1, so that it stays
 * finite. Immutable; {@link #toMap} and {@link #fromMap} carry it through checkpoint
 * metadata bit for bit.
 */
public final class Standardizer {
  /** The metadata key listing the standardized columns; each has {@code standardize.NAME.mean} and {@code .std}. */
  public static final String COLUMNS_KEY = "standardize.columns";
  private static final String PREFIX = "standardize.";

  private final Map<String, double[]> means;
  private final Map<String, double[]> stds;

  private Standardizer(Map<String, double[]> means, Map<String, double[]> stds) {
    this.means = Collections.unmodifiableMap(means);
    this.stds = Collections.unmodifiableMap(stds);
  }

  /** A standardizer of no column: {@link #apply} returns the data as it is. */
  public static Standardizer none() {
    return new Standardizer(new LinkedHashMap<>(), new LinkedHashMap<>());
  }

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
    return new Standardizer(means, stds);
  }

  /** The standardized columns, in the order they were fitted. */
  public List<String> columns() {
    return new ArrayList<>(means.keySet());
  }

  /** A copy of the per-feature means of a column. */
  public double[] mean(String column) {
    return find(means, column).clone();
  }

  /** A copy of the per-feature deviations of a column (1 where the feature was constant). */
  public double[] std(String column) {
    return find(stds, column).clone();
  }

  /** A new data set whose standardized columns hold {@code (x - mean) / std}; other columns are shared. */
  public Dataset apply(Dataset data) {
    List<Column> replaced = new ArrayList<>();
    for (String name : means.keySet()) {
      Column c = floating(data, name);
      double[] mean = means.get(name);
      double[] std = stds.get(name);
      checkWidth(name, c.sampleSize, mean.length);
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
   * Standardizes the first {@code batch} samples of a model's input buffer in place, as
   * for inference on raw features; allocates nothing. Tensors of unstandardized inputs are
   * left as they are.
   */
  public void applyInPlace(Tensor input, int batch) {
    double[] mean = means.get(input.name());
    if (mean == null) {
      return;
    }
    double[] std = stds.get(input.name());
    int k = mean.length;
    checkWidth(input.name(), input.spec().sampleSize(), k);
    int n = Math.multiplyExact(batch, k);
    if (n > input.capacity()) {
      throw new IllegalArgumentException("batch " + batch + " does not fit " + input.spec() + ", which holds "
          + input.capacity() / k + " samples");
    }
    if (input.spec().dtype() == DType.F32) {
      float[] x = input.f32();
      for (int i = 0; i < n; i++) {
        x[i] = (float) ((x[i] - mean[i % k]) / std[i % k]);
      }
    } else {
      double[] x = input.f64();
      for (int i = 0; i < n; i++) {
        x[i] = (x[i] - mean[i % k]) / std[i % k];
      }
    }
  }

  /**
   * The statistics as text entries for checkpoint metadata: {@value #COLUMNS_KEY} lists the
   * columns separated by commas, and {@code standardize.NAME.mean} and
   * {@code standardize.NAME.std} hold the values separated by commas, each written by
   * {@link Double#toString} so that reading it back gives the same bits.
   */
  public Map<String, String> toMap() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(COLUMNS_KEY, String.join(",", means.keySet()));
    for (String name : means.keySet()) {
      out.put(PREFIX + name + ".mean", join(means.get(name)));
      out.put(PREFIX + name + ".std", join(stds.get(name)));
    }
    return out;
  }

  /**
   * Reads what {@link #toMap} wrote, ignoring other entries; without {@value #COLUMNS_KEY}
   * (a model saved without standardization) it is {@link #none}.
   *
   * @throws DataException when an entry is missing or malformed, or a mean is not finite or a
   *     deviation not positive (as {@link #fit} never writes them)
   */
  public static Standardizer fromMap(Map<String, String> metadata) {
    String list = metadata.get(COLUMNS_KEY);
    Map<String, double[]> means = new LinkedHashMap<>();
    Map<String, double[]> stds = new LinkedHashMap<>();
    if (list == null || list.isEmpty()) {
      return new Standardizer(means, stds);
    }
    for (String name : list.split(",", -1)) {
      double[] mean = parse(metadata, PREFIX + name + ".mean");
      double[] std = parse(metadata, PREFIX + name + ".std");
      if (mean.length != std.length) {
        throw new DataException("standardization metadata: " + PREFIX + name + ".mean has " + mean.length
            + " values but " + PREFIX + name + ".std has " + std.length);
      }
      for (int i = 0; i < mean.length; i++) {
        if (!Double.isFinite(mean[i]) || !(std[i] > 0)) {
          throw new DataException("standardization metadata: " + PREFIX + name + " value " + i + " has mean "
              + mean[i] + " and standard deviation " + std[i] + "; expected a finite mean and a deviation > 0");
        }
      }
      means.put(name, mean);
      stds.put(name, std);
    }
    return new Standardizer(means, stds);
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

  private static void checkWidth(String name, int width, int fitted) {
    if (width != fitted) {
      throw new DataException("cannot standardize '" + name + "': it has " + width + " values per sample, but "
          + fitted + " were fitted");
    }
  }

  private static double[] find(Map<String, double[]> values, String column) {
    double[] v = values.get(column);
    if (v == null) {
      throw new IllegalArgumentException("'" + column + "' is not standardized; the standardized columns are: "
          + String.join(", ", values.keySet()));
    }
    return v;
  }

  private static String join(double[] values) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      out.append(i > 0 ? "," : "").append(values[i]);
    }
    return out.toString();
  }

  private static double[] parse(Map<String, String> metadata, String key) {
    String text = metadata.get(key);
    if (text == null) {
      throw new DataException("standardization metadata: " + key + " is missing");
    }
    String[] parts = text.split(",", -1);
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Double.parseDouble(parts[i]);
      } catch (NumberFormatException e) {
        throw new DataException("standardization metadata: " + key + ": '" + parts[i] + "' is not a number");
      }
    }
    return out;
  }
}
