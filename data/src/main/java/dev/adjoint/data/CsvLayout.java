package dev.adjoint.data;

import dev.adjoint.runtime.model.TensorSpec;
import dev.adjoint.runtime.text.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Which cells of a CSV row feed which input or target: the named columns looked up in the
 * header, or, when no column is named, the last column for the target and all the others
 * for the input (all of them when there is no target). Checks that each gets as many columns as its samples hold values.
 */
final class CsvLayout {
  private final String file;
  private final List<String> header;
  private final Map<String, int[]> cells = new LinkedHashMap<>();

  /**
   * @param header the header's column names, or null when the file has none
   * @param width the number of cells of the first row
   * @param target with no named columns, the target fed by the last column; null for a lone input
   */
  CsvLayout(String file, List<String> header, int width, Map<String, List<String>> columns,
      Map<String, TensorSpec> specs, String target) {
    this.file = file;
    this.header = header;
    if (columns.isEmpty()) {
      byPosition(width, specs, target);
    } else {
      byName(columns, specs);
    }
  }

  /** The cells (0-based) that feed a column, in order. */
  int[] cells(String column) {
    return cells.get(column);
  }

  /** How messages name cell {@code i}: {@code column 'species'}, or {@code column 3} without a header. */
  String label(int i) {
    return header == null ? "column " + (i + 1) : "column '" + header.get(i) + "'";
  }

  private void byPosition(int width, Map<String, TensorSpec> specs, String target) {
    if (target == null) {
      TensorSpec input = specs.values().iterator().next();
      int k = input.sampleSize();
      if (width != k) {
        throw new DataException(file + ": " + input + " takes " + k + plural(k, " column") + ", but the file has "
            + width);
      }
      cells.put(input.name(), IntStream.range(0, k).toArray());
      return;
    }
    TensorSpec targetSpec = specs.get(target);
    TensorSpec inputSpec = specs.values().stream().filter(s -> !s.name().equals(target)).findFirst().orElseThrow();
    if (targetSpec.sampleSize() != 1) {
      throw new DataException(file + ": " + targetSpec + " takes " + targetSpec.sampleSize() + " columns, but only "
          + "the last column feeds the target when no columns are named");
    }
    int k = inputSpec.sampleSize();
    if (width - 1 != k) {
      List<String> names = header == null ? List.of() : header.subList(0, Math.max(0, width - 1));
      throw new DataException(file + ": " + inputSpec + " takes " + k + plural(k, " column") + ", but the file has "
          + (width - 1) + " besides the last, which feeds " + target
          + (names.isEmpty() ? "" : ": " + shortList(names)));
    }
    int[] inputCells = new int[k];
    for (int i = 0; i < k; i++) {
      inputCells[i] = i;
    }
    cells.put(inputSpec.name(), inputCells);
    cells.put(target, new int[] {width - 1});
  }

  private void byName(Map<String, List<String>> columns, Map<String, TensorSpec> specs) {
    for (String name : columns.keySet()) {
      if (!specs.containsKey(name)) {
        throw new DataException(file + ": columns are named for '" + name + "', which is no input or target"
            + Suggestions.hintAndList(name, specs.keySet(), "the inputs and targets are"));
      }
    }
    List<String> unnamed = new ArrayList<>();
    specs.keySet().stream().filter(n -> !columns.containsKey(n)).forEach(unnamed::add);
    if (!unnamed.isEmpty()) {
      throw new DataException(file + ": no columns are named for " + String.join(", ", unnamed)
          + "; name the columns of every input and target");
    }
    if (header == null) {
      throw new DataException(file + ": columns are named for " + String.join(", ", columns.keySet())
          + ", but the file is read without a header (header = false), so no column has a name");
    }
    for (Map.Entry<String, TensorSpec> e : specs.entrySet()) {
      TensorSpec spec = e.getValue();
      List<String> names = columns.get(e.getKey());
      if (names.size() != spec.sampleSize()) {
        throw new DataException(file + ": " + spec + " takes " + spec.sampleSize() + plural(spec.sampleSize(),
            " column") + ", but " + names.size() + (names.size() == 1 ? " is" : " are") + " named: "
            + String.join(", ", names));
      }
      int[] found = new int[names.size()];
      for (int i = 0; i < names.size(); i++) {
        found[i] = find(names.get(i), spec);
      }
      cells.put(e.getKey(), found);
    }
  }

  private int find(String name, TensorSpec spec) {
    int index = header.indexOf(name);
    if (index < 0) {
      throw new DataException(file + ":1: no column '" + name + "' for " + spec.name()
          + Suggestions.hintAndList(name, header, "the header has"));
    }
    if (header.lastIndexOf(name) != index) {
      throw new DataException(file + ":1: column '" + name + "' appears more than once in the header, so it is "
          + "unclear which one feeds " + spec.name());
    }
    return index;
  }

  private static String plural(int n, String word) {
    return n == 1 ? word : word + "s";
  }

  /** Column names for a message: all of a few, the first 8 of many (a CSV of image pixels has hundreds). */
  private static String shortList(List<String> names) {
    int shown = 8;
    return names.size() <= shown + 2 ? String.join(", ", names)
        : String.join(", ", names.subList(0, shown)) + ", ... (" + names.size() + " columns)";
  }
}
