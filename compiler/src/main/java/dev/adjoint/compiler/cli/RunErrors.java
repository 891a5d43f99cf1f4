package dev.adjoint.compiler.cli;

import dev.adjoint.runtime.checkpoint.CheckpointException;
import dev.adjoint.runtime.data.DataException;
import dev.adjoint.runtime.train.TrainingDivergedException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

/** Errors of running a model that the user can fix (data, checkpoints, divergence), said plainly. */
final class RunErrors {
  private RunErrors() {}

  static int report(PrintWriter err, Callable<Integer> run) {
    try {
      return run.call();
    } catch (DataException | CheckpointException | TrainingDivergedException e) {
      err.println("error: " + e.getMessage());
      return AdjointCli.INPUT_ERRORS;
    } catch (UncheckedIOException e) {
      err.println("error: " + e.getMessage() + ": " + e.getCause().getMessage());
      return AdjointCli.INPUT_ERRORS;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
