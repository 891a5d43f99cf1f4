package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.settings.DataSource;
import dev.adjoint.runtime.features.TextFeatures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code texts(path, text = "COLUMN", TARGET = "COLUMN")}: the block says how the text
 * becomes the inputs ({@code features}), the source names the label column of the model's one
 * class target and no column for an input (inputs come from the text).
 */
final class TextsCheck {
  private TextsCheck() {}

  /** The typed source, or null after reporting errors. */
  static DataSource check(TrainBlock block, Expr.Call source, BoundArgs b, TextFeatures features) {
    int errors = block.diagnostics().errorCount();
    Map<String, String> labels = new LinkedHashMap<>();
    List<Node> targets = block.graph().inputs().stream().filter(n -> n.attrs(Attrs.Input.class).target()).toList();
    for (Node n : block.graph().inputs()) {
      Attrs.Input a = n.attrs(Attrs.Input.class);
      if (!b.has(a.name()) || TrainOptions.TEXTS_OPTIONS.contains(a.name())) {
        continue;
      }
      if (!a.target()) {
        block.diagnostics().error(b.span(a.name()), "'" + a.name() + "' is an input: the features fill it from the "
            + "text, so texts() names no column for it", "name the label column of the target only");
      } else {
        labels.put(a.name(), b.string(a.name()));
      }
    }
    if (targets.size() != 1 || targets.get(0).attrs(Attrs.Input.class).classes() < 2) {
      block.diagnostics().error(source.span(), "texts() feeds a classifier: a model with one class target, "
          + "e.g. target lang: class[B] of (\"en\", \"fr\")");
    } else if (labels.isEmpty()) {
      String name = targets.get(0).sourceName();
      block.diagnostics().error(source.span(), "texts() needs the label column of the target " + name,
          "e.g. texts(\"sentences.tsv\", text = \"sentence\", " + name + " = \"label\")");
    }
    if (features == null && block.setting("features") == null) {
      block.diagnostics().error(source.span(), "texts() needs the block's 'features': how the text becomes the "
          + "model's inputs", "e.g. features ngrams(grams, frequencies = weights, orders = (1, 2, 3), "
          + "buckets = (521, 1031, 1031))");
    }
    if (block.diagnostics().errorCount() > errors || features == null) {
      return null;
    }
    return new DataSource.LabelledTexts(b.string("path"), b.string("text"), b.symbol("format"), b.bool("header"),
        labels, features);
  }
}
