package dev.adjoint.spark;

import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.model.CompiledModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * A data-parallel run's checkpoints in a directory on any Hadoop filesystem, in the project's
 * safetensors format ({@link Checkpoint}): {@code last.safetensors} after every epoch and
 * {@code best.safetensors} at each best epoch, each written locally, copied beside its place
 * and renamed into it. Their metadata adds where the run stands, so that it resumes exactly.
 */
final class SparkCheckpoints {
  /** Metadata: epochs done. */
  static final String EPOCH_KEY = "adjoint.spark.epochs_done";
  /** Metadata: the best monitored value so far (early stopping), "NaN" for none. */
  static final String BEST_KEY = "adjoint.spark.best";
  /** Metadata: epochs since the best. */
  static final String WAITED_KEY = "adjoint.spark.epochs_without_improvement";
  /** Metadata: the local steps per round the run used. */
  static final String LOCAL_STEPS_KEY = "adjoint.spark.local_steps";

  private final String directory;
  private final Configuration conf;
  private final Map<String, String> metadata;
  private final String hash;

  SparkCheckpoints(String directory, Configuration conf, Map<String, String> metadata, String hash) {
    this.directory = directory;
    this.conf = conf;
    this.metadata = metadata;
    this.hash = hash;
  }

  String path(String name) {
    return directory + "/" + name + ".safetensors";
  }

  /** Writes the model as {@code name} ("last" or "best"), with where the run stands. */
  void save(String name, CompiledModel model, int epochsDone, double best, int waited, int localSteps) {
    Map<String, String> all = new LinkedHashMap<>(metadata);
    all.put(Checkpoint.MODEL_HASH_KEY, hash);
    all.put(EPOCH_KEY, Integer.toString(epochsDone));
    all.put(BEST_KEY, Double.toString(best));
    all.put(WAITED_KEY, Integer.toString(waited));
    all.put(LOCAL_STEPS_KEY, Integer.toString(localSteps));
    Path local = CheckpointFiles.stage(new byte[0]);
    try {
      Checkpoint.save(local, model, all);
      HadoopFiles.publish(local, path(name), conf);
    } finally {
      CheckpointFiles.delete(local);
    }
  }

  /** Whether checkpoint {@code name} exists. */
  boolean exists(String name) {
    return HadoopFiles.exists(path(name), conf);
  }

  /** Loads checkpoint {@code name} into the model (checked against its hash) and returns its metadata. */
  Map<String, String> load(String name, CompiledModel model) {
    Path local = CheckpointFiles.stage(HadoopFiles.read(path(name), conf));
    try {
      return Checkpoint.load(local, model, hash);
    } finally {
      CheckpointFiles.delete(local);
    }
  }
}
