package dev.adjoint.compiler.onnx;

/** A graph that ONNX export cannot write: the message names the op and its place in the .nn file. */
public final class OnnxExportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  OnnxExportException(String message) {
    super(message, null, false, false);
  }
}
