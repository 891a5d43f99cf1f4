package dev.adjoint.compiler.runs;

import java.nio.file.Path;

/** A run folder that cannot be used as asked: a file in its place, a previous run in it, a run already complete. */
public final class RunFolderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RunFolderException(Path folder, String problem) {
    super(folder + ": " + problem);
  }
}
