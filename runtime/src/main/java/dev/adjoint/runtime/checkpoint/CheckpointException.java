package dev.adjoint.runtime.checkpoint;

import java.nio.file.Path;

/**
 * A checkpoint or safetensors file that cannot be written, read or loaded into a model. The
 * message starts with the file and says what is wrong with it, so that it can be shown as is.
 */
public final class CheckpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  public CheckpointException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  public CheckpointException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /** The file the problem is about. */
  public Path file() {
    return file;
  }
}
