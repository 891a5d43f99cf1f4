package dev.adjoint.runtime.model;

/** Element types of a compiled model's tensors. */
public enum DType {
  F32, F64, I32;

  /** As .nn files write it: {@code f32}. */
  public String text() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
