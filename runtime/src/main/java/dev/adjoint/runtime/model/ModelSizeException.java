package dev.adjoint.runtime.model;

/**
 * A model cannot be made for the batch asked: one of its tensors would hold more elements
 * than one Java array can. The message names the tensor, its shape, the limit and the
 * largest batch that fits.
 */
public final class ModelSizeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ModelSizeException(String message) {
    super(message);
  }
}
