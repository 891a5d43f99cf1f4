package dev.adjoint.compiler.runs;

import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.settings.TrainConfig;
import dev.adjoint.data.Dataset;
import dev.adjoint.data.Splits;
import dev.adjoint.data.Standardization;
import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.predict.Standardizer;
import dev.adjoint.train.EpochRecord;
import dev.adjoint.train.Snapshot;
import dev.adjoint.train.Trainer;
import dev.adjoint.train.TrainerState;
import dev.adjoint.train.TrainingDivergedException;
import dev.adjoint.train.TrainingListener;
import dev.adjoint.train.TrainingOptions;
import dev.adjoint.train.TrainingResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One training run of a model with a train block, as {@code adjoint train} does it: load
 * the data, split it with the seed, standardize with statistics of the training split only,
 * compile the model, train with a checkpoint after every epoch (and of the best epoch), and
 * evaluate every split at the end. A run resumed from its folder continues exactly.
 *
 * <p>The run folder holds {@code last.safetensors}, {@code best.safetensors} (with early
 * stopping), {@code history.csv} and {@code curves.png}.
 */
public final class TrainingRun {
  static final String NEXT_EPOCH = "adjoint.next_epoch";
  static final String BEST_VALUE = "adjoint.best_value";
  static final String BEST_EPOCH = "adjoint.best_epoch";
  static final String WITHOUT_IMPROVEMENT = "adjoint.epochs_without_improvement";

  /** What a run measured: the loop's result and the final metrics of each split (train, val, test). */
  public record Result(TrainingResult training, Map<String, Map<String, Double>> metrics, Path folder) {

    /** A final metric of a split, NaN when there is none. */
    public double metric(String split, String name) {
      Map<String, Double> values = metrics.get(split);
      Double v = values == null ? null : values.get(name);
      return v == null ? Double.NaN : v;
    }
  }

  private final ModelUnit unit;
  private final TrainConfig config;
  private final Path folder;
  private final PrintWriter console;
  private final TrainingListener progress;

  /** A run of {@code unit} into {@code folder}, reporting a line per epoch to {@code console}. */
  public TrainingRun(ModelUnit unit, Path folder, PrintWriter console) {
    this(unit, folder, console, null);
  }

  /**
   * As {@link #TrainingRun(ModelUnit, Path, PrintWriter)}, with {@code progress} (when not
   * null) told of every batch and epoch first, such as the command line's progress bar,
   * which must end before the epoch's line is printed.
   */
  public TrainingRun(ModelUnit unit, Path folder, PrintWriter console, TrainingListener progress) {
    if (!unit.hasTrain()) {
      throw new IllegalArgumentException("model " + unit.name() + " has no train block");
    }
    this.unit = unit;
    this.config = unit.train();
    this.folder = folder;
    this.console = console;
    this.progress = progress;
  }

  /**
   * Trains for the block's epochs (or {@code epochs} when positive), resuming from the folder if
   * asked; a previous run in the folder is replaced.
   */
  public Result run(int epochs, boolean resume) {
    return run(epochs, resume, true);
  }

  /**
   * Trains for the block's epochs (or {@code epochs} when positive). With {@code resume}, the
   * run continues from the folder's last checkpoint (a notice says so when there is none, and
   * the run starts at epoch 1); a run that already did its epochs is refused. Without it, a
   * folder holding a previous run's checkpoint is refused unless {@code overwrite}. The folder
   * is locked for the run ({@link RunLock}); a new run checks the model, the data and the
   * options first and writes its first epoch aside ({@link RunStaging}), so that a previous run
   * is replaced only by a new run that has a checkpoint.
   */
  public Result run(int epochs, boolean resume, boolean overwrite) {
    return run(epochs, resume, overwrite, false);
  }

  /**
   * As {@link #run(int, boolean, boolean)}; with {@code allowNonFiniteWeights}, a run resumes
   * even from checkpoints holding NaN or infinite values, which are refused otherwise.
   */
  public Result run(int epochs, boolean resume, boolean overwrite, boolean allowNonFiniteWeights) {
    Path existing = folder.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null && !Files.isDirectory(existing)) {
      throw new RunFolderException(folder, "cannot be the run folder: "
          + (existing.equals(folder.toAbsolutePath()) ? "it is a file" : existing + " is a file"));
    }
    if (!resume && !overwrite && Files.exists(folder.resolve("last.safetensors"))) {
      throw new RunFolderException(folder, "holds a previous run (last.safetensors); pass --resume to continue it "
          + "or --overwrite to replace it");
    }
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the run folder " + folder, e);
    }
    RunLock lock = RunLock.acquire(folder);
    try (lock) {
      return runLocked(epochs, resume, overwrite, allowNonFiniteWeights);
    }
  }

  private Result runLocked(int epochs, boolean resume, boolean overwrite, boolean allowNonFiniteWeights) {
    Path last = folder.resolve("last.safetensors");
    Path best = folder.resolve("best.safetensors");
    boolean resuming = resume && Files.exists(last);
    if (!resume && !overwrite && Files.exists(last)) {
      throw new RunFolderException(folder, "holds a previous run (last.safetensors); pass --resume to continue it "
          + "or --overwrite to replace it");
    }
    // the data first: a bad row fails the run before the model's compilation is paid for; a
    // resumed run reads its labels by the class names its checkpoint records (and words by its vocabulary)
    Map<String, String> recorded = resuming ? Checkpoint.metadata(last) : Map.of();
    TargetClasses classes = resuming ? TargetClasses.recorded(unit.graph(), recorded) : TargetClasses.of(unit.graph());
    TrainedVocabulary vocabulary = resuming ? TrainedVocabulary.recorded(recorded) : TrainedVocabulary.fresh();
    Splits parts = DataSources.splits(config, unit.graph(), classes, vocabulary);
    ModelFactory factory = ModelCompiler.compile(unit);
    TrainingOptions options = TrainingPlan.options(unit, epochs);
    CompiledModel model = factory.newModel(bufferBatch(config.batch(), parts));
    model.initialize(config.seed());
    TrainerState state = TrainerState.fresh();
    Standardizer standardizer;
    if (resuming) {
      Map<String, String> metadata = Checkpoint.load(last, model, factory.key(), allowNonFiniteWeights);
      standardizer = Standardization.fromMetadata(metadata);
      state = resumedState(metadata, factory, best, allowNonFiniteWeights);
      if (state.nextEpoch() >= options.epochs()) {
        throw new RunFolderException(folder, "the run is complete: it already did " + state.nextEpoch() + " epochs ("
            + options.epochs() + " asked for); to train longer, ask for more, e.g. --epochs "
            + (state.nextEpoch() + 10));
      }
    } else {
      if (resume) {
        console.println("no checkpoint in " + folder + " to resume from: starting a new run at epoch 1");
      }
      standardizer = config.standardize().isEmpty() ? Standardizer.none()
          : Standardization.fit(parts.train(), config.standardize());
    }
    Dataset train = Standardization.apply(standardizer, parts.train());
    Dataset val = Standardization.apply(standardizer, parts.val());
    Dataset test = Standardization.apply(standardizer, parts.test());
    console.printf("training %s on %d samples (%d validation, %d test), batch %d, %d epochs%n", unit.name(),
        train.size(), val.size(), test.size(), options.batch(), options.epochs());
    Map<String, String> extra = new HashMap<>(standardizer.toMap());
    extra.put(Checkpoint.MODEL_HASH_KEY, factory.key());
    extra.put(RecordedSets.KEY, RecordedSets.text(unit.sets()));
    extra.putAll(PredictorMetadata.of(unit, classes.names()));
    extra.putAll(vocabulary.metadata());
    RunStaging staging = resuming ? RunStaging.direct(folder) : RunStaging.fresh(folder);
    Saver saver = new Saver(extra, staging, resuming ? historyHeader() : null);
    TrainingListener report = new Both(new ConsoleReport(console), saver);
    // Both tells its second listener of an epoch first: the bar ends before the epoch's line
    TrainingListener listener = progress == null ? report : new Both(report, progress);
    DatasetRows trainRows = new DatasetRows(train);
    DatasetRows valRows = val.size() == 0 ? null : new DatasetRows(val);
    TrainingResult result;
    try {
      result = state.nextEpoch() == 0
          ? Trainer.train(model, trainRows, valRows, options, listener)
          : Trainer.resume(model, trainRows, valRows, options, listener, state);
    } catch (TrainingDivergedException e) {
      throw DivergenceReplay.explain(e, unit, factory, options, model.maxBatch(), trainRows,
          resuming || e.epoch() > 1
          ? staging.dir().resolve("last.safetensors") : null);
    } finally {
      staging.abandon();
    }
    Map<String, Map<String, Double>> ordered = new LinkedHashMap<>();
    Map<String, ClassReport> reports = new LinkedHashMap<>();
    Map<String, Dataset> sets = new LinkedHashMap<>();
    sets.put("train", train);
    sets.put("val", val);
    sets.put("test", test);
    for (Map.Entry<String, Dataset> e : sets.entrySet()) {
      if (e.getValue().size() > 0) {
        SplitEvaluation measured = SplitEvaluation.of(unit, model, e.getValue(), options.metrics().get(),
            options.lossReduction(), options.batch(), classes.names());
        ordered.put(e.getKey(), measured.values());
        if (measured.report() != null) {
          reports.put(e.getKey(), measured.report());
        }
      }
    }
    console.print(ConsoleReport.table(ordered));
    if (ordered.containsKey("test")) {
      StringBuilder line = new StringBuilder("held-out test set:");
      ordered.get("test").forEach((k, v) -> line.append(String.format(java.util.Locale.ROOT, " %s %.4f", k, v)));
      console.println(line);
    }
    try {
      CurvesImage.write(folder.resolve("curves.png"), unit.name(), result.history(), result.bestEpoch());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + folder.resolve("curves.png"), e);
    }
    for (Map.Entry<String, ClassReport> e : reports.entrySet()) {
      try {
        ConfusionImage.write(folder, e.getKey(), e.getValue().classNames(), e.getValue().matrix());
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot write the confusion matrix of the " + e.getKey() + " split into "
            + folder, ex);
      }
    }
    console.println("checkpoints, history.csv and curves.png" + (reports.isEmpty() ? ""
        : ", confusion-" + String.join("/", reports.keySet()) + ".csv and .png") + " in " + folder);
    console.flush();
    return new Result(result, ordered, folder);
  }

  /**
   * The batch the model's buffers are sized for: the declared batch, or the largest split when
   * every split is smaller (200 rows need no buffers of 100,000), which batches every split
   * exactly as the declared batch would.
   */
  static int bufferBatch(int declared, Splits parts) {
    int largest = Math.max(parts.train().size(), Math.max(parts.val().size(), parts.test().size()));
    return Math.max(1, Math.min(declared, largest));
  }

  /** The columns of the folder's history, which a resumed run appends to. */
  private List<String> historyHeader() {
    try {
      return History.header(folder.resolve("history.csv"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the history of " + folder, e);
    }
  }

  /** The loop's state after the epoch the last checkpoint was written at. */
  private TrainerState resumedState(Map<String, String> metadata, ModelFactory factory, Path best,
      boolean allowNonFiniteWeights) {
    ResumeKeys keys = ResumeKeys.read(folder.resolve("last.safetensors"), metadata);
    int next = keys.nextEpoch();
    List<EpochRecord> history;
    try {
      Path file = folder.resolve("history.csv");
      history = Files.exists(file) ? History.read(file, next) : List.of();
      // rows of epochs after the checkpoint (a run killed between the two writes) go; an empty
      // history starts afresh with the next row's columns
      if (history.isEmpty()) {
        Files.deleteIfExists(file);
      } else {
        History.write(file, history);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the history of " + folder, e);
    }
    Snapshot bestWeights = null;
    if (Files.exists(best)) {
      CompiledModel copy = factory.newModel(1);
      Checkpoint.load(best, copy, factory.key(), allowNonFiniteWeights);
      bestWeights = Snapshot.take(copy);
    }
    return new TrainerState(next, history, keys.bestValue(), keys.bestEpoch(), keys.withoutImprovement(), bestWeights);
  }

  /**
   * Writes the checkpoints and the history as the loop goes: a row appended to the history
   * per epoch, then the checkpoint; a new run's first checkpoint commits its staged files.
   */
  private static final class Saver implements TrainingListener {
    private final Map<String, String> extra;
    private final RunStaging staging;
    private List<String> columns;

    Saver(Map<String, String> extra, RunStaging staging, List<String> columns) {
      this.extra = extra;
      this.staging = staging;
      this.columns = columns;
    }

    @Override
    public void improved(EpochRecord record, CompiledModel model) {
      Checkpoint.save(staging.dir().resolve("best.safetensors"), model, extra);
    }

    @Override
    public void epoch(EpochRecord record, TrainerState state, CompiledModel model) {
      Map<String, String> metadata = new HashMap<>(extra);
      metadata.put(NEXT_EPOCH, Integer.toString(state.nextEpoch()));
      metadata.put(BEST_VALUE, Double.toString(state.bestValue()));
      metadata.put(BEST_EPOCH, Integer.toString(state.bestEpoch()));
      metadata.put(WITHOUT_IMPROVEMENT, Integer.toString(state.epochsWithoutImprovement()));
      Path history = staging.dir().resolve("history.csv");
      try {
        columns = History.append(history, record, columns);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the history to " + history, e);
      }
      Checkpoint.save(staging.dir().resolve("last.safetensors"), model, metadata);
      staging.commit();
    }
  }

  /** Two listeners in turn. */
  private record Both(TrainingListener first, TrainingListener second) implements TrainingListener {
    @Override
    public void started(int firstEpoch, int epochs, int batches) {
      first.started(firstEpoch, epochs, batches);
      second.started(firstEpoch, epochs, batches);
    }

    @Override
    public void batch(int epoch, int batchIndex, int batches, double loss) {
      first.batch(epoch, batchIndex, batches, loss);
      second.batch(epoch, batchIndex, batches, loss);
    }

    @Override
    public void epoch(EpochRecord record, TrainerState state, CompiledModel model) {
      second.epoch(record, state, model);
      first.epoch(record, state, model);
    }

    @Override
    public void improved(EpochRecord record, CompiledModel model) {
      first.improved(record, model);
      second.improved(record, model);
    }

    @Override
    public void finished(TrainingResult result) {
      first.finished(result);
      second.finished(result);
    }
  }
}
