package dev.adjoint.train;

import dev.adjoint.runtime.model.CompiledModel;

/** What a training run reports as it goes: for progress bars, logs and checkpoints. */
public interface TrainingListener {

  /** Before the first epoch that runs, numbered from 1 (later than 1 when resuming). */
  default void started(int firstEpoch, int epochs, int batchesPerEpoch) {}

  /** After each training step of epoch {@code epoch} (from 1). */
  default void batch(int epoch, int batchIndex, int batches, double loss) {}

  /** After an epoch, with the trainer's state from which a run could resume. */
  default void epoch(EpochRecord record, TrainerState state, CompiledModel model) {}

  /** When the monitored value improved: the model holds the best weights so far. */
  default void improved(EpochRecord record, CompiledModel model) {}

  /** After the last epoch (and restoring the best weights, if asked). */
  default void finished(TrainingResult result) {}

  TrainingListener NONE = new TrainingListener() {};
}
