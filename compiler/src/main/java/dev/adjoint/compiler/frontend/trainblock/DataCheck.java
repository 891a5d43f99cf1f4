package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Argument;
import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.settings.DataSource;
import dev.adjoint.compiler.settings.GivenSets;
import dev.adjoint.runtime.features.TextFeatures;
import dev.adjoint.runtime.text.Suggestions;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code data SOURCE(...)} or {@code data train = SOURCE, val = SOURCE, test = SOURCE}: a known source with the options of this model's inputs and
 * targets, its files present and, for csv, its columns named as the model needs and found
 * in the file's header.
 */
final class DataCheck {
  private DataCheck() {}

  /**
   * What the block's {@code data} reads: the training source ({@code data SOURCE(...)}, all
   * the data for {@code split(...)} to divide) and the sets it gives as their own sources.
   */
  record Sources(DataSource train, GivenSets given) {}

  private static final List<String> SETS = List.of("train", "val", "test");

  /** The block's data, or null after reporting errors. */
  static Sources check(TrainBlock block) {
    Declaration.Setting s = block.setting("data");
    if (s == null) {
      block.diagnostics().error(block.train().nameSpan(), "the train block needs 'data'",
          "e.g. data csv(\"train.csv\"), split(train = 0.8, val = 0.2)");
      return null;
    }
    Sources sources = sources(block, s);
    Declaration.Setting features = block.setting("features");
    if (sources != null && features != null && !(sources.train() instanceof DataSource.LabelledTexts)) {
      block.diagnostics().error(features.keySpan(), "'features' say how the text of a texts(...) source becomes "
          + "the model's inputs, and this block's data is not texts(...)",
          "e.g. data texts(\"sentences.tsv\", text = \"sentence\", lang = \"lang\"), or drop 'features'");
      return null;
    }
    return sources;
  }

  private static Sources sources(TrainBlock block, Declaration.Setting s) {
    TextFeatures features = FeaturesCheck.check(block);
    if (s.args().stream().anyMatch(Argument::isNamed)) {
      return givenSets(block, s, features);
    }
    List<Argument> args = block.calls().positionalOnly(s, 2, "data SOURCE(...), split(...)");
    if (args == null) {
      return null;
    }
    DataSource data = source(block, args.get(0).value(), features);
    return data == null ? null : new Sources(data, GivenSets.NONE);
  }

  /**
   * {@code data train = SOURCE, val = SOURCE, test = SOURCE}: each set its own source of one
   * kind; {@code train} is required, the others optional.
   */
  private static Sources givenSets(TrainBlock block, Declaration.Setting s, TextFeatures features) {
    Map<String, DataSource> sets = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    String firstKind = null;
    boolean ok = true;
    String example = "e.g. data train = csv(\"train.csv\"), val = csv(\"val.csv\"), test = csv(\"test.csv\")";
    for (Argument a : s.args()) {
      if (!a.isNamed()) {
        boolean split = a.value() instanceof Expr.Call c && c.callee().equals("split");
        block.diagnostics().error(a.span(), split
            ? "split(...) divides one source; here each set is a source of its own"
            : "once one set of 'data' is named, each is: train = SOURCE, val = SOURCE, test = SOURCE",
            split ? "drop split(...), or give one source: data csv(\"all.csv\"), split(val = 0.2)" : example);
        ok = false;
      } else if (!SETS.contains(a.name())) {
        String hint = Suggestions.didYouMean(a.name(), SETS);
        block.diagnostics().error(a.nameSpan(), "'data' gives the sets train, val and test, not '" + a.name() + "'",
            hint != null ? hint : example);
        ok = false;
      } else if (!seen.add(a.name())) {
        block.diagnostics().error(a.nameSpan(), "the " + a.name() + " set of 'data' is given twice",
            "give each of train, val and test at most once");
        ok = false;
      } else {
        DataSource source = source(block, a.value(), features);
        String kind = source == null ? null : kind(source);
        if (kind != null && firstKind != null && !kind.equals(firstKind)) {
          block.diagnostics().error(a.value().span(), "the sets of 'data' are read alike: the " + a.name()
              + " set is " + kind + "(...) but an earlier one is " + firstKind + "(...)",
              "give every set in the same form, e.g. each a csv(...) with the same columns");
          source = null;
        }
        firstKind = firstKind == null ? kind : firstKind;
        ok &= source != null;
        if (source != null) {
          sets.put(a.name(), source);
        }
      }
    }
    if (ok && !sets.containsKey("train")) {
      block.diagnostics().error(s.keySpan(), "'data' gives " + String.join(" and ", sets.keySet())
          + " but no train set", example);
      ok = false;
    }
    return ok ? new Sources(sets.get("train"), new GivenSets(sets.get("val"), sets.get("test"))) : null;
  }

  private static String kind(DataSource source) {
    return source.match(csv -> "csv", idx -> "idx", npy -> "npy", text -> "text", texts -> "texts");
  }

  /** One source, {@code csv(...)} and the like, checked against the model; null after reporting errors. */
  private static DataSource source(TrainBlock block, Expr written, TextFeatures features) {
    Expr.Call source = block.calls().asCall(written, "a data source such as csv(\"train.csv\")");
    if (source == null) {
      return null;
    }
    if (!TrainOptions.DATA_SOURCES.contains(source.callee())) {
      block.calls().unknown(source, "data source", TrainOptions.DATA_SOURCES);
      return null;
    }
    Signature signature = TrainOptions.dataSource(source.callee(), block.inputAndTargetNames());
    Optional<BoundArgs> bound = block.calls().bind(source, signature);
    if (bound.isEmpty()) {
      return null;
    }
    DataFileCheck.check(block, source, signature);
    if (source.callee().equals("texts")) {
      return TextsCheck.check(block, source, bound.get(), features);
    }
    DataSource data = typed(source.callee(), bound.get(), block.inputAndTargetNames());
    if (data instanceof DataSource.CsvFile csv) {
      CsvColumns.check(block, source, csv);
    }
    if (data instanceof DataSource.TextFile && !textModel(block, source)) {
      return null;
    }
    return data;
  }

  /**
   * A text source feeds a model with one input, ids i32[B, T], and one target, the next ids
   * [B, T] (a class target); reports otherwise at the source.
   */
  private static boolean textModel(TrainBlock block, Expr.Call source) {
    List<dev.adjoint.compiler.ir.Node> io = block.graph().inputs();
    boolean fits = io.size() == 2;
    for (int i = 0; fits && i < 2; i++) {
      dev.adjoint.compiler.ir.Node n = io.get(i);
      dev.adjoint.compiler.ir.Attrs.Input a = n.attrs(dev.adjoint.compiler.ir.Attrs.Input.class);
      fits = a.target() == (i == 1) && n.dtype() == dev.adjoint.compiler.ir.ScalarType.I32
          && n.shape().rank() == 2 && n.shape().dim(0) == dev.adjoint.compiler.ir.Shape.BATCH
          && n.shape().dim(1) == io.get(0).shape().dim(1);
    }
    if (!fits) {
      block.diagnostics().error(source.span(), "text() feeds a model with one input of ids i32[B, T] and one "
          + "target of the next ids, class[B, T] of V, declared in that order", "e.g. input ids: i32[B, 64] and "
          + "target next: class[B, 64] of 256");
    }
    return fits;
  }

  /** The bound options of source {@code name} as its typed setting. */
  private static DataSource typed(String name, BoundArgs b, List<String> inputsAndTargets) {
    Map<String, String> files = new LinkedHashMap<>();
    Map<String, DataSource.Columns> columns = new LinkedHashMap<>();
    for (String n : inputsAndTargets) {
      if (name.equals("csv") && b.has(n)) {
        columns.put(n, new DataSource.Columns(b.names(n), b.value(n) instanceof Value.Tuple));
      } else if (!name.equals("csv") && !name.equals("text")) {
        files.put(n, b.string(n));
      }
    }
    return switch (name) {
      case "csv" -> new DataSource.CsvFile(b.string("path"), b.bool("header"), b.string("delimiter"), columns);
      case "idx" -> new DataSource.IdxFiles(files, b.number("scale"));
      case "npy" -> new DataSource.NpyFiles(files);
      case "text" -> new DataSource.TextFile(b.string("path"), b.bool("bytes"), b.integer("stride"));
      default -> throw new IllegalArgumentException("unknown data source " + name);
    };
  }
}
