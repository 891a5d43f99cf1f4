package dev.adjoint.spark;

import java.io.Serializable;
import java.util.Set;

/**
 * One input of a compiled model as a column of a Spark row: its name, the numbers one row
 * holds ({@code width}: a scalar column when 1, else an array or ML vector column), whether it
 * holds i32 ids or classes, whether it is a target, and for ids and classes the values allowed.
 */
record ModelColumn(String name, int width, boolean integer, boolean target, int limit, boolean negativesAllowed,
    Set<Integer> exempt, String limitUse) implements Serializable {
  ModelColumn {
    exempt = Set.copyOf(exempt);
  }

  /** Whether {@code value} is an id or class this column may hold (always, for a floating-point column). */
  boolean allows(long value) {
    if (limitUse == null || (value == (int) value && exempt.contains((int) value))) {
      return true;
    }
    return value >= 0 ? value < limit : negativesAllowed;
  }

  /** {@code "x: f32 × 784"} or {@code "y: class 0..9"}, for messages. */
  String describe() {
    if (integer) {
      return name + ": " + (limitUse == null ? "i32" : "0.." + (limit - 1) + " (" + limitUse + ")")
          + (width == 1 ? "" : " × " + width);
    }
    return name + ": " + (width == 1 ? "a number" : width + " numbers");
  }
}
