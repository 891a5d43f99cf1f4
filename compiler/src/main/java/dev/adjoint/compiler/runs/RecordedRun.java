package dev.adjoint.compiler.runs;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.checkpoint.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run folder of {@code adjoint train} as a report reads it: the model rebuilt from the .nn
 * text and {@code --set} values its checkpoint records (no .nn file or data needed), the
 * checkpoint's metadata, the history rows and the images beside them.
 */
public final class RecordedRun {
  private final Path folder;
  private final Path checkpoint;
  private final Map<String, String> metadata;
  private final ModelUnit unit;

  private RecordedRun(Path folder, Path checkpoint, Map<String, String> metadata, ModelUnit unit) {
    this.folder = folder;
    this.checkpoint = checkpoint;
    this.metadata = metadata;
    this.unit = unit;
  }

  /**
   * Reads the folder's {@code last.safetensors} (or {@code best.safetensors}).
   *
   * @throws RunFolderException when the folder holds no checkpoint, or one that records no source
   */
  public static RecordedRun read(Path folder) {
    Path checkpoint = folder.resolve("last.safetensors");
    if (!Files.isRegularFile(checkpoint)) {
      checkpoint = folder.resolve("best.safetensors");
    }
    if (!Files.isDirectory(folder) || !Files.isRegularFile(checkpoint)) {
      throw new RunFolderException(folder, "no last.safetensors or best.safetensors here; give the folder "
          + "adjoint train wrote (its --out, by default runs/MODEL)");
    }
    Map<String, String> metadata = Checkpoint.metadata(checkpoint);
    String text = metadata.get(PredictorMetadata.SOURCE_KEY);
    String model = metadata.get(Checkpoint.MODEL_KEY);
    if (text == null || model == null) {
      throw new RunFolderException(folder, checkpoint.getFileName() + " does not record its .nn source (a "
          + "checkpoint of an older adjoint, or of adjoint import): train again to report on it");
    }
    String name = metadata.getOrDefault(PredictorMetadata.SOURCE_NAME_KEY, model + ".nn");
    Optional<List<String>> sets = RecordedSets.of(checkpoint);
    Compilation c = Frontend.compile(SourceFile.of(name, text), sets.orElse(List.of()));
    Optional<ModelUnit> unit = c.models().stream().filter(m -> m.name().equals(model)).findFirst();
    if (!c.ok() || unit.isEmpty()) {
      throw new RunFolderException(folder, "the .nn text " + checkpoint.getFileName() + " records no longer "
          + "compiles as model " + model + ":\n" + c.diagnostics().format());
    }
    return new RecordedRun(folder, checkpoint, metadata, unit.get());
  }

  public Path folder() {
    return folder;
  }

  public Path checkpoint() {
    return checkpoint;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  /** The model as it was trained. */
  public ModelUnit unit() {
    return unit;
  }

  /** The best epoch the checkpoint records (one-based), or 0 when it records none. */
  public int bestEpoch() {
    String best = metadata.get(TrainingRun.BEST_EPOCH);
    try {
      return best == null ? 0 : Integer.parseInt(best.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** {@code history.csv} as rows of cells, its header first; empty when the folder has none. */
  public List<List<String>> history() {
    Path file = folder.resolve("history.csv");
    List<List<String>> rows = new ArrayList<>();
    if (!Files.isRegularFile(file)) {
      return rows;
    }
    try {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          rows.add(List.of(line.split(",", -1)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** An image of the folder ({@code curves.png}, {@code confusion-val.png}), or empty. */
  public Optional<byte[]> image(String fileName) {
    Path file = folder.resolve(fileName);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
