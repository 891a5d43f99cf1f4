package dev.adjoint.spark;

import dev.adjoint.runtime.checkpoint.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A checkpoint's bytes read through the runtime's file API, by way of a temporary local file. */
final class CheckpointFiles {
  private CheckpointFiles() {}

  /** The checkpoint's metadata. */
  static Map<String, String> metadata(byte[] checkpoint) {
    Path file = stage(checkpoint);
    try {
      return Checkpoint.metadata(file);
    } finally {
      delete(file);
    }
  }

  /** The bytes in a new temporary file, which the caller deletes. */
  static Path stage(byte[] checkpoint) {
    try {
      Path file = Files.createTempFile("adjoint-spark-", ".safetensors");
      Files.write(file, checkpoint);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage a checkpoint in a temporary file: " + e.getMessage(), e);
    }
  }

  static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file + ": " + e.getMessage(), e);
    }
  }
}
