package dev.adjoint.spark;

import java.util.Map;
import java.util.Objects;

/**
 * How {@link AdjointSparkTrainer} runs, beyond the train block (which gives the batch per
 * worker, epochs, seed, optimizer, schedule, validation split and early stopping).
 *
 * @param localSteps k: the steps each worker takes between two averagings (1: synchronous SGD)
 * @param epochs the number of epochs, or 0 for the train block's
 * @param checkpoints a directory on any Hadoop filesystem for {@code last.safetensors} and
 *     {@code best.safetensors}, written after every epoch; null for none
 * @param resume whether to continue from {@code checkpoints/last.safetensors} when it exists
 * @param metadata more checkpoint metadata (e.g. {@code adjoint.input_scale} when the rows were scaled)
 * @param listener what hears of each round and epoch on the driver
 */
public record SparkTrainingOptions(int localSteps, int epochs, String checkpoints, boolean resume,
    Map<String, String> metadata, SparkTrainingListener listener) {
  public SparkTrainingOptions {
    if (localSteps < 1) {
      throw new IllegalArgumentException("the local steps per round (k) must be at least 1, got " + localSteps);
    }
    if (epochs < 0) {
      throw new IllegalArgumentException("epochs must be 0 (the train block's) or more, got " + epochs);
    }
    metadata = Map.copyOf(metadata);
    Objects.requireNonNull(listener, "listener");
  }

  /** k local steps per round, the train block's epochs, no checkpoints, silent. */
  public static SparkTrainingOptions localSteps(int k) {
    return new SparkTrainingOptions(k, 0, null, false, Map.of(), SparkTrainingListener.NONE);
  }

  public SparkTrainingOptions withEpochs(int n) {
    return new SparkTrainingOptions(localSteps, n, checkpoints, resume, metadata, listener);
  }

  public SparkTrainingOptions withCheckpoints(String directory, boolean resumeFromLast) {
    return new SparkTrainingOptions(localSteps, epochs, directory, resumeFromLast, metadata, listener);
  }

  public SparkTrainingOptions withMetadata(Map<String, String> more) {
    return new SparkTrainingOptions(localSteps, epochs, checkpoints, resume, more, listener);
  }

  public SparkTrainingOptions withListener(SparkTrainingListener l) {
    return new SparkTrainingOptions(localSteps, epochs, checkpoints, resume, metadata, l);
  }
}
