package dev.adjoint.data;

/**
 * Data that cannot feed a model: a file that is missing, malformed or does not match the
 * model's inputs and targets. The message names the file (and line, for CSV), the column,
 * the value found and what was expected, so that it can be shown to the user as it is.
 */
public class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
