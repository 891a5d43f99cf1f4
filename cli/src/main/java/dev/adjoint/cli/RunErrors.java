package dev.adjoint.cli;

import dev.adjoint.compiler.runs.RunFolderException;
import dev.adjoint.data.DataException;
import dev.adjoint.runtime.checkpoint.CheckpointException;
import dev.adjoint.runtime.model.ModelSizeException;
import dev.adjoint.train.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.Callable;

/** Errors of running a model that the user can fix (data, checkpoints, divergence, a batch too large), said plainly. */
final class RunErrors {
  private RunErrors() {}

  static int report(PrintWriter err, Callable<Integer> run) {
    try {
      return run.call();
    } catch (DataException | CheckpointException | TrainingDivergedException | RunFolderException
        | ModelSizeException e) {
      err.println("error: " + e.getMessage());
      return AdjointCli.INPUT_ERRORS;
    } catch (UncheckedIOException e) {
      err.println("error: " + e.getMessage() + ": " + reason(e.getCause()));
      return AdjointCli.INPUT_ERRORS;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Why a file operation failed, in words: a file system exception's message is often only its path. */
  static String reason(IOException e) {
    if (e instanceof FileSystemException f) {
      String file = f.getFile() == null ? "" : f.getFile() + ": ";
      if (f.getReason() != null) {
        return file + f.getReason();
      }
      if (f instanceof FileAlreadyExistsException) {
        return file + "a file is in the way";
      }
      if (f instanceof NoSuchFileException) {
        return file + "no such file or folder";
      }
      if (f instanceof AccessDeniedException) {
        return file + "permission denied";
      }
      if (f instanceof NotDirectoryException) {
        return file + "not a folder";
      }
      return file + f.getClass().getSimpleName();
    }
    return String.valueOf(e.getMessage());
  }
}
