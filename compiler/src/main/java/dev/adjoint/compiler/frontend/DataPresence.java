package dev.adjoint.compiler.frontend;

/**
 * Whether the train block's data files must exist when a program is checked. Training,
 * evaluation and prediction read them and need them; checking, compiling, drawing and
 * inspecting a model do not, so that a .nn file compiles from a jar, in CI or at build time
 * without its data (a missing file is then a warning, and a present one is still checked).
 */
public enum DataPresence {
  /** A missing data file is an error (train, eval, predict). */
  REQUIRED,
  /** A missing data file is a warning; the files that exist are checked as under REQUIRED. */
  OPTIONAL
}
