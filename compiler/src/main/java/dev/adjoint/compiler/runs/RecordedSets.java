package dev.adjoint.compiler.runs;

import dev.adjoint.runtime.checkpoint.Checkpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The {@code --set NAME=VALUE} values a run was trained with, recorded in its checkpoints so
 * that {@code eval} and {@code predict} rebuild the same model without repeating them, and
 * can name them when they are repeated differently.
 */
public final class RecordedSets {
  /** The checkpoint metadata key: the values one per line, as written on the command line. */
  public static final String KEY = "adjoint.set";

  private RecordedSets() {}

  /** The metadata value for these values. */
  static String text(List<String> sets) {
    return String.join("\n", sets);
  }

  /**
   * The values recorded in a checkpoint (reading its header only), or empty when it was
   * written before they were recorded.
   */
  public static Optional<List<String>> of(Path checkpoint) {
    Map<String, String> metadata = Checkpoint.metadata(checkpoint);
    String text = metadata.get(KEY);
    if (text == null) {
      return Optional.empty();
    }
    return Optional.of(text.isEmpty() ? List.of() : List.of(text.split("\n", -1)));
  }

  /** Whether two lists hold the same values, in any order, spaces around NAME and VALUE aside. */
  public static boolean same(List<String> a, List<String> b) {
    return normalized(a).equals(normalized(b));
  }

  private static TreeSet<String> normalized(List<String> sets) {
    TreeSet<String> out = new TreeSet<>();
    for (String s : sets) {
      int eq = s.indexOf('=');
      out.add(eq < 0 ? s.trim() : s.substring(0, eq).trim() + "=" + s.substring(eq + 1).trim());
    }
    return out;
  }

  /** {@code --set a=1 --set b=2}, or {@code no --set}. */
  public static String describe(List<String> sets) {
    return sets.isEmpty() ? "no --set" : String.join(" ", sets.stream().map(s -> "--set " + s).toList());
  }
}
