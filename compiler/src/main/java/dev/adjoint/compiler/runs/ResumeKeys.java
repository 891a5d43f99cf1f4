package dev.adjoint.compiler.runs;

import dev.adjoint.runtime.checkpoint.CheckpointException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The training loop's place as a last checkpoint records it, every key checked before a run
 * resumes from it: a checkpoint edited or corrupted by hand is named with the key and value
 * that are wrong, never a NumberFormatException.
 *
 * @param nextEpoch the epoch to train next (0-based), from {@value TrainingRun#NEXT_EPOCH}
 * @param bestValue the best monitored value so far (NaN for none), from {@value TrainingRun#BEST_VALUE}
 * @param bestEpoch the number (from 1) of the epoch of that value, 0 for none, from {@value TrainingRun#BEST_EPOCH}
 * @param withoutImprovement epochs since it, from {@value TrainingRun#WITHOUT_IMPROVEMENT}
 */
record ResumeKeys(int nextEpoch, double bestValue, int bestEpoch, int withoutImprovement) {

  /** The keys of {@code checkpoint}'s metadata; a key that is absent takes the value of a run that has not started. */
  static ResumeKeys read(Path checkpoint, Map<String, String> metadata) {
    int next = whole(checkpoint, metadata, TrainingRun.NEXT_EPOCH, 0, 0, Integer.MAX_VALUE);
    double best = number(checkpoint, metadata, TrainingRun.BEST_VALUE);
    int bestEpoch = whole(checkpoint, metadata, TrainingRun.BEST_EPOCH, 0, 0, next);
    int without = whole(checkpoint, metadata, TrainingRun.WITHOUT_IMPROVEMENT, 0, 0, next);
    return new ResumeKeys(next, best, bestEpoch, without);
  }

  /** A whole number from {@code min} to {@code max}, or {@code absent} when the key is not there. */
  private static int whole(Path file, Map<String, String> metadata, String key, int absent, int min, int max) {
    String text = metadata.get(key);
    if (text == null) {
      return absent;
    }
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      value = Long.MIN_VALUE;
    }
    if (value < min || value > max) {
      throw new CheckpointException(file, "has metadata " + key + " = \"" + text + "\", which is not a whole number "
          + "from " + min + " to " + max + "; the checkpoint was changed after adjoint train wrote it");
    }
    return (int) value;
  }

  /** A number, NaN for none (as written when no epoch was best yet), or NaN when the key is not there. */
  private static double number(Path file, Map<String, String> metadata, String key) {
    String text = metadata.get(key);
    if (text == null) {
      return Double.NaN;
    }
    try {
      if (text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity")
          || text.matches("-?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
        return Double.parseDouble(text);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CheckpointException(file, "has metadata " + key + " = \"" + text + "\", which is not a number; "
        + "the checkpoint was changed after adjoint train wrote it");
  }
}
