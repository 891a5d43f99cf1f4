package dev.adjoint.runtime.kernels;

/**
 * Element-wise work that may be cut into parts run at the same time, such as a compiled
 * model's optimizer update: {@code runPart(part, parts)} does part {@code part} of
 * {@code parts}, touching only its own elements (see {@link #start}). Each element is
 * computed the same way whatever the number of parts, so results do not depend on the number
 * of threads. Run through {@link GemmEngine#runParts}.
 */
public interface PartedWork {
  /** Below this many elements a loop is not cut: handing it over would cost more than it saves. */
  int MIN_ELEMENTS_TO_SPLIT = 4096;

  /** Does part {@code part} (0-based) of {@code parts}. */
  void runPart(int part, int parts);

  /**
   * Where part {@code part} of a loop over {@code n} elements starts; part {@code parts} is
   * {@code n}, so part p covers {@code [start(n, p, parts), start(n, p + 1, parts))}. Short
   * loops go whole to part 0.
   */
  static int start(int n, int part, int parts) {
    if (n < MIN_ELEMENTS_TO_SPLIT) {
      return part == 0 ? 0 : n;
    }
    return (int) ((long) n * part / parts);
  }

  /**
   * Where part {@code part} of a loop over {@code rows} rows of {@code rowLength} elements
   * starts, whole rows to each part: every row to part 0 when all of them hold fewer than
   * {@link #MIN_ELEMENTS_TO_SPLIT} elements.
   */
  static int startRow(int rows, int rowLength, int part, int parts) {
    if ((long) rows * rowLength < MIN_ELEMENTS_TO_SPLIT) {
      return part == 0 ? 0 : rows;
    }
    return (int) ((long) rows * part / parts);
  }
}
