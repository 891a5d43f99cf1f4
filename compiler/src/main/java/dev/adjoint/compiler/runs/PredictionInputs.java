package dev.adjoint.compiler.runs;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.data.DataException;
import dev.adjoint.data.Dataset;
import dev.adjoint.data.Idx;
import dev.adjoint.data.Npy;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;
import dev.adjoint.runtime.text.Suggestions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code predict --input} names: one CSV file, or one {@code .npy} or IDX file per input
 * of the model ({@code NAME=FILE} when it has several), each file's format told by its name
 * ({@code .npy}; {@code .idx}, {@code -ubyte}, optionally {@code .gz}; anything else is CSV).
 */
public record PredictionInputs(Path csv, Map<String, Path> arrays) {

  /** The form of the files: "npy" or "idx". */
  String arrayKind() {
    return kind(arrays.values().iterator().next());
  }

  /**
   * The inputs as written on the command line ({@code FILE} or {@code NAME=FILE}), checked
   * against the model's inputs.
   *
   * @throws DataException saying what is missing, unknown or mixed, and how to write it
   */
  public static PredictionInputs of(List<String> written, ModelUnit unit) {
    List<String> names = inputNames(unit);
    Map<String, Path> files = new LinkedHashMap<>();
    for (String w : written) {
      int eq = w.indexOf('=');
      String name = eq > 0 ? w.substring(0, eq) : null;
      if (name != null && !names.contains(name) && !looksLikeName(name)) {
        name = null; // a path that holds '=' itself
      }
      Path file = Path.of(name == null ? w : w.substring(eq + 1));
      if (name != null && !names.contains(name)) {
        String hint = Suggestions.didYouMean(name, names);
        throw new DataException("--input " + w + ": model " + unit.name() + " has no input '" + name + "'"
            + (hint != null ? "; " + hint : "; its inputs are " + String.join(", ", names)));
      }
      String key = name == null ? "" : name;
      if (files.containsKey(key)) {
        throw new DataException("--input " + w + ": " + (name == null ? "a second file without a name"
            : "input '" + name + "' is given twice") + "; give one file per input, as NAME=FILE");
      }
      files.put(key, file);
    }
    if (files.size() == 1 && files.containsKey("") && kind(files.get("")).equals("csv")) {
      return new PredictionInputs(files.get(""), Map.of());
    }
    for (Map.Entry<String, Path> e : files.entrySet()) {
      if (kind(e.getValue()).equals("csv")) {
        throw new DataException("--input " + e.getValue() + ": a CSV file holds every input in its columns, so it "
            + "comes alone; several files are .npy or IDX files, one per input");
      }
    }
    if (files.containsKey("")) {
      if (names.size() != 1 || files.size() != 1) {
        throw new DataException("--input " + files.get("") + ": model " + unit.name() + " has inputs "
            + String.join(", ", names) + "; name the input each file feeds, e.g. --input " + names.get(0) + "=FILE");
      }
      Path only = files.remove("");
      files.put(names.get(0), only);
    }
    if (!files.keySet().containsAll(names)) {
      List<String> missing = names.stream().filter(n -> !files.containsKey(n)).toList();
      throw new DataException("--input: no file for " + String.join(", ", missing) + " of model " + unit.name()
          + "; give one per input, e.g. --input " + missing.get(0) + "=FILE");
    }
    Set<String> kinds = new java.util.TreeSet<>(files.values().stream().map(PredictionInputs::kind).toList());
    if (kinds.size() > 1) {
      throw new DataException("--input: the files are of one form, all .npy or all IDX, got " + String.join(" and ",
          kinds));
    }
    Map<String, Path> ordered = new LinkedHashMap<>();
    names.forEach(n -> ordered.put(n, files.get(n)));
    return new PredictionInputs(null, ordered);
  }

  /** The rows of the .npy or IDX files, as they are (no scale applied). */
  Dataset readArrays(ModelUnit unit) {
    Map<String, TensorSpec> specs = new LinkedHashMap<>();
    for (Node n : unit.graph().inputs()) {
      Attrs.Input a = n.attrs(Attrs.Input.class);
      if (!a.target()) {
        specs.put(a.name(), new TensorSpec(a.name(), DType.valueOf(n.dtype().name()), n.shape().dims()));
      }
    }
    return arrayKind().equals("npy") ? Npy.read(arrays, specs, Map.of(), IdLimits.of(unit.graph()))
        : Idx.read(arrays, specs, specs.keySet(), Map.of(), 1, IdLimits.of(unit.graph()));
  }

  /** The names of the model's inputs (not its targets), in declared order. */
  private static List<String> inputNames(ModelUnit unit) {
    return unit.graph().inputs().stream().map(n -> n.attrs(Attrs.Input.class)).filter(a -> !a.target())
        .map(Attrs.Input::name).toList();
  }

  private static boolean looksLikeName(String s) {
    return s.matches("[A-Za-z_][A-Za-z0-9_]*");
  }

  /** "npy", "idx" or "csv", from the file's name. */
  static String kind(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".npy")) {
      return "npy";
    }
    if (name.endsWith(".gz")) {
      name = name.substring(0, name.length() - 3);
    }
    return name.matches(".*(\\.idx\\d?|-ubyte)$") ? "idx" : "csv";
  }
}
