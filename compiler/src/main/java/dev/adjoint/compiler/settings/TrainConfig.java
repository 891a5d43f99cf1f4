package dev.adjoint.compiler.settings;

import dev.adjoint.compiler.source.SourceSpan;
import java.nio.file.Path;
import java.util.List;

/**
 * A checked train block: everything the training loop needs to know, typed, with defaults
 * filled in. The front end makes it from the block's text; the back end reads it.
 *
 * @param baseDirectory the folder relative data paths resolve against: the .nn file's
 * @param data the data source with its files as written: all the data, or the training set's
 *     when the block gives its sets ({@code data train = ..., val = ...})
 * @param split fractions {@code train}, {@code val} and {@code test} summing to 1
 * @param given the validation and test sources the block gives, or {@link GivenSets#NONE}
 * @param schedules zero, one, or a warm-up followed by one schedule
 * @param regularizers {@code l1} and/or {@code l2} penalties with the parameters they apply to
 * @param clips {@code global_norm} and/or {@code value}
 * @param earlyStopping null when not asked for
 * @param metrics the metrics resolved against the model's outputs and targets
 * @param standardize the inputs standardized with statistics of the training split
 * @param threads worker threads, 0 for all cores
 */
public record TrainConfig(
    SourceSpan span,
    Path baseDirectory,
    DataSource data,
    DataSplit split,
    GivenSets given,
    Optimizer optimizer,
    List<LearningRateSchedule> schedules,
    List<Regularizer> regularizers,
    List<Clipping> clips,
    int batch,
    int epochs,
    long seed,
    boolean shuffle,
    EarlyStoppingRule earlyStopping,
    List<TrainMetric> metrics,
    List<String> standardize,
    int threads) {

  public TrainConfig {
    schedules = List.copyOf(schedules);
    regularizers = List.copyOf(regularizers);
    clips = List.copyOf(clips);
    metrics = List.copyOf(metrics);
    standardize = List.copyOf(standardize);
  }

  /** A data path as written, resolved against the .nn file's folder. */
  public Path resolve(String path) {
    return baseDirectory.resolve(path).normalize();
  }

  /** One line per setting, deterministic: what `adjoint graph` prints under the model. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    if (given.given()) {
      out.append("  data train ").append(data).append('\n');
      if (given.val() != null) {
        out.append("  data val ").append(given.val()).append('\n');
      }
      if (given.test() != null) {
        out.append("  data test ").append(given.test()).append('\n');
      }
    } else {
      out.append("  data ").append(data).append('\n');
      out.append("  ").append(split).append('\n');
    }
    out.append("  optimizer ").append(optimizer).append('\n');
    schedules.forEach(s -> out.append("  schedule ").append(s).append('\n'));
    regularizers.forEach(r -> out.append("  regularize ").append(r).append('\n'));
    clips.forEach(c -> out.append("  clip ").append(c).append('\n'));
    out.append("  batch ").append(batch).append("; epochs ").append(epochs).append("; seed ").append(seed)
        .append("; shuffle ").append(shuffle).append("; threads ").append(threads == 0 ? "all" : threads)
        .append('\n');
    if (earlyStopping != null) {
      out.append("  early_stopping ").append(earlyStopping).append('\n');
    }
    metrics.forEach(m -> out.append("  metric ").append(m).append('\n'));
    if (!standardize.isEmpty()) {
      out.append("  standardize ").append(String.join(", ", standardize)).append('\n');
    }
    return out.toString();
  }
}
