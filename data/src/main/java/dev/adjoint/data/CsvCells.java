package dev.adjoint.data;

import dev.adjoint.runtime.text.Suggestions;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads one CSV cell as a number, an integer or a class, with a message that names the
 * file, line, column, the cell and what was expected when it is none.
 */
final class CsvCells {
  /** Decimal numbers as data files write them: {@code 3}, {@code -0.5}, {@code .5}, {@code 1e-3}. */
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private final String file;
  private final CsvLayout layout;

  CsvCells(String file, CsvLayout layout) {
    this.file = file;
    this.layout = layout;
  }

  static boolean isNumber(String cell) {
    return NUMBER.matcher(cell).matches();
  }

  /** A number that is finite as a float: {@code 1e39} would be infinity. */
  float f32(String cell, long line, int column, String tensor) {
    float v = Float.parseFloat(number(cell, line, column, tensor));
    if (Float.isInfinite(v)) {
      throw error(line, column, cell + " is too large for " + tensor + ", an f32 (at most \u00b1" + Float.MAX_VALUE
          + ")");
    }
    return v;
  }

  /** A number that is finite as a double: {@code 1e309} would be infinity. */
  double f64(String cell, long line, int column, String tensor) {
    double v = Double.parseDouble(number(cell, line, column, tensor));
    if (Double.isInfinite(v)) {
      throw error(line, column, cell + " is too large for " + tensor + ", an f64 (at most \u00b1" + Double.MAX_VALUE
          + ")");
    }
    return v;
  }

  /** {@code value}, once within the limit the model puts on the column (none when null). */
  int limited(int value, IdLimit limit, long line, int column, String tensor) {
    if (limit != null && !limit.allows(value)) {
      throw error(line, column, limit.message(value, tensor));
    }
    return value;
  }

  /** A whole number that fits an int: {@code 3}, or {@code 3.0} as tools that write floats do. */
  int integer(String cell, long line, int column, String tensor) {
    Integer v = wholeNumber(cell);
    if (v == null) {
      throw error(line, column, "expected an integer for " + tensor + ", got " + shown(cell));
    }
    return v;
  }

  /**
   * A class: one of {@code names} (its position), or an index 0 .. count-1. With no names
   * (a target of a count only) the cell must be an index.
   */
  int classIndex(String cell, long line, int column, String tensor, List<String> names, int count) {
    int byName = names.indexOf(cell);
    if (byName >= 0) {
      return byName;
    }
    Integer index = wholeNumber(cell);
    if (index == null) {
      if (names.isEmpty()) {
        throw error(line, column, "expected a class index 0.." + (count - 1) + " for " + tensor + ", got "
            + shown(cell));
      }
      throw error(line, column, "unknown class " + shown(cell) + " for " + tensor
          + Suggestions.hintAndList(cell, names, "the classes are"));
    }
    if (index < 0 || index >= count) {
      throw error(line, column, "class index " + index + " is out of range for " + tensor + ": expected 0.."
          + (count - 1));
    }
    return index;
  }

  private String number(String cell, long line, int column, String tensor) {
    if (!isNumber(cell)) {
      throw error(line, column, "expected a number for " + tensor + ", got " + shown(cell));
    }
    return cell;
  }

  private static Integer wholeNumber(String cell) {
    if (!isNumber(cell)) {
      return null;
    }
    double v = Double.parseDouble(cell);
    if (v != Math.rint(v) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      return null;
    }
    return (int) v;
  }

  private static String shown(String cell) {
    return cell.isEmpty() ? "an empty cell" : "'" + cell + "'";
  }

  private DataException error(long line, int column, String what) {
    return new DataException(file + ":" + line + ": " + layout.label(column) + ": " + what);
  }
}
