package dev.adjoint.cli;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.train.EpochRecord;
import dev.adjoint.train.TrainerState;
import dev.adjoint.train.TrainingListener;
import java.util.Locale;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar per epoch on a terminal, with the running loss; it ends when the epoch does,
 * before the compiler's {@code ConsoleReport} prints the epoch's line. The command line's
 * alone, so that the compiler API does not bring the progress bar library.
 */
final class ProgressBars implements TrainingListener {
  private final Supplier<ProgressBarConsumer> output;
  private int epochs;
  private ProgressBar bar;

  /** Bars drawn on the console. */
  ProgressBars() {
    this(null);
  }

  /** With the bars drawn to a consumer of each rendering (a fresh one per epoch) instead of the console; for tests. */
  ProgressBars(Supplier<ProgressBarConsumer> output) {
    this.output = output;
  }

  @Override
  public void started(int firstEpoch, int totalEpochs, int batches) {
    epochs = totalEpochs;
  }

  @Override
  public void batch(int epoch, int batchIndex, int batches, double loss) {
    if (bar == null) {
      ProgressBarBuilder builder = new ProgressBarBuilder()
          .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
          .setInitialMax(batches).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).continuousUpdate();
      if (output != null) {
        builder.setConsumer(output.get());
      }
      bar = builder.build();
    }
    bar.stepTo(batchIndex + 1);
    bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", loss));
  }

  @Override
  public void epoch(EpochRecord record, TrainerState state, CompiledModel model) {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
