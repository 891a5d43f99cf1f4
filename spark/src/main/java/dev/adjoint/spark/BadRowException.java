package dev.adjoint.spark;

/**
 * A row that does not fit the model: a missing or null column, an array of the wrong length,
 * a class label out of range, a value that is not finite. The message names the column and
 * shows the row's values, so that the job's failure says which data to fix.
 */
public final class BadRowException extends RuntimeException {
  public BadRowException(String message) {
    super(message);
  }
}
