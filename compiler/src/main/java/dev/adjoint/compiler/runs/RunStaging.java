package dev.adjoint.compiler.runs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Where a new run writes until its first checkpoint: a fresh hidden subfolder of the run
 * folder ({@code .new-<random>}), so that a previous run in the folder (replaced with
 * {@code --overwrite}) stays whole until the new run has a checkpoint of its own. Then
 * {@link #commit} moves the new files over the old ones, each in one atomic rename, the
 * checkpoint last, and deletes the old run's files the new run has no counterpart of. A
 * run that fails before (bad data, divergence in its first epoch) leaves the old run as it
 * was. Files of the folder that are no run's are never touched.
 */
final class RunStaging {
  /** The files of a run; nothing else in a run folder is touched. */
  static final List<String> RUN_FILES = List.of("history.csv", "best.safetensors", "curves.png",
      "confusion-train.csv", "confusion-train.png", "confusion-val.csv", "confusion-val.png", "confusion-test.csv",
      "confusion-test.png", "last.safetensors");
  private static final String PREFIX = ".new-";

  private final Path folder;
  private Path staging;

  private RunStaging(Path folder, Path staging) {
    this.folder = folder;
    this.staging = staging;
  }

  /** A run writing straight into its folder, as a resumed one does. */
  static RunStaging direct(Path folder) {
    return new RunStaging(folder, null);
  }

  /**
   * A new run in {@code folder}, which its caller has locked: staging subfolders left by
   * runs killed before their first checkpoint are deleted, and a fresh one made.
   */
  static RunStaging fresh(Path folder) {
    try {
      try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(folder, PREFIX + "*")) {
        for (Path leftover : leftovers) {
          deleteFolder(leftover);
        }
      }
      return new RunStaging(folder, Files.createTempDirectory(folder, PREFIX));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the run folder " + folder, e);
    }
  }

  /** The folder the run writes its files into now. */
  Path dir() {
    return staging == null ? folder : staging;
  }

  /** Makes the staged files the folder's run; afterwards the run writes into the folder. */
  void commit() {
    if (staging == null) {
      return;
    }
    try {
      for (String name : RUN_FILES) {
        Path staged = staging.resolve(name);
        Path target = folder.resolve(name);
        if (Files.exists(staged)) {
          Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } else {
          Files.deleteIfExists(target);
        }
      }
      deleteFolder(staging);
      staging = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the new run's first checkpoint from " + staging + " into " + folder,
          e);
    }
  }

  /** Deletes what a run that failed before its first checkpoint staged; the folder's run is untouched. */
  void abandon() {
    if (staging != null) {
      try {
        deleteFolder(staging);
      } catch (IOException ignored) {
        // the run's failure is what the user needs to hear; a leftover is deleted by the next run
      }
      staging = null;
    }
  }

  /** Deletes a staging folder: it holds only files. */
  private static void deleteFolder(Path dir) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
    }
    Files.deleteIfExists(dir);
  }
}
