package dev.adjoint.compiler.interp;

/** Which branch of every MODE_SWITCH an evaluation takes. */
public enum Mode {
  /** The first input of a mode switch: dropout masks drawn, batch statistics used. */
  TRAINING,
  /** The second input of a mode switch: no random draws. */
  INFERENCE
}
