package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Argument;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.settings.DataSource;
import dev.adjoint.data.Csv;
import dev.adjoint.data.DataException;
import dev.adjoint.runtime.text.Suggestions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The columns of {@code csv(...)}: named for every input and target of the model (or for
 * none, when it has one of each), and each in the file's header, so that {@code adjoint check}
 * finds a misspelt column, pointed at in the .nn file, before a run reads the data.
 */
final class CsvColumns {
  private CsvColumns() {}

  static void check(TrainBlock block, Expr.Call source, DataSource.CsvFile csv) {
    checkNamed(block, source, csv);
    checkHeader(block, source, csv);
  }

  private static void checkNamed(TrainBlock block, Expr.Call source, DataSource.CsvFile csv) {
    List<Node> inputs = block.graph().inputs();
    List<String> given = block.inputAndTargetNames().stream().filter(csv.columns()::containsKey).toList();
    long features = inputs.stream().filter(n -> !n.attrs(Attrs.Input.class).target()).count();
    long targets = inputs.size() - features;
    if (given.isEmpty() && (features != 1 || targets != 1)) {
      block.diagnostics().error(source.span(), "csv() needs the columns of each input and target of this model",
          "name them, e.g. csv(\"" + csv.path() + "\", " + String.join(", ",
              inputs.stream().map(CsvColumns::columnsExample).toList()) + ")");
      return;
    }
    List<String> missing = block.inputAndTargetNames().stream().filter(n -> !csv.columns().containsKey(n)).toList();
    if (!given.isEmpty() && !missing.isEmpty()) {
      block.diagnostics().error(source.span(), "csv() names the columns of " + String.join(", ", given)
          + " but not of " + String.join(", ", missing), "name the columns of every input and target, or of none "
          + "when the model has one input and one target (the last column is then the target)");
    }
  }

  private static void checkHeader(TrainBlock block, Expr.Call source, DataSource.CsvFile csv) {
    Path file = block.dataPath(csv.path());
    if (file == null || !csv.header() || !Files.isRegularFile(file)) {
      return;
    }
    List<String> header;
    try {
      header = Csv.firstLine(file, csv.delimiter().charAt(0));
    } catch (DataException e) {
      block.diagnostics().error(source.span(), "cannot read the header of \"" + csv.path() + "\": "
          + e.getMessage());
      return;
    }
    if (header.isEmpty()) {
      return; // reading the data says the file is empty
    }
    Set<String> names = new LinkedHashSet<>(block.inputAndTargetNames());
    for (Argument arg : source.args()) {
      if (!arg.isNamed() || !names.contains(arg.name())) {
        continue;
      }
      List<Expr> cells = arg.value() instanceof Expr.Tuple tuple ? tuple.items() : List.of(arg.value());
      for (Expr cell : cells) {
        if (cell instanceof Expr.Text column && !header.contains(column.value())) {
          String closest = Suggestions.closest(column.value(), header);
          block.diagnostics().error(column.span(), "no column \"" + column.value() + "\" in \"" + csv.path()
              + "\"", (closest != null ? "did you mean \"" + closest + "\"? The header has: " : "the header has: ")
              + String.join(", ", header));
        }
      }
    }
  }

  /** {@code x = ("...", "...")} for an input of two features, {@code y = "..."} for one column. */
  private static String columnsExample(Node input) {
    Shape shape = input.shape();
    int width = shape.rank() == 2 ? shape.dim(1) : 1;
    if (width <= 1 || width > 3) {
      return input.sourceName() + " = " + (width <= 1 ? "\"...\"" : "(\"...\", ...)");
    }
    return input.sourceName() + " = (" + String.join(", ", Collections.nCopies(width, "\"...\"")) + ")";
  }
}
