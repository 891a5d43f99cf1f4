package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Argument;
import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.settings.DataSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code data SOURCE(...)}: a known source with the options of this model's inputs and
 * targets, its files present and, for csv, its columns named as the model needs and found
 * in the file's header.
 */
final class DataCheck {
  private DataCheck() {}

  /** The block's data source, or null after reporting errors. */
  static DataSource check(TrainBlock block) {
    Declaration.Setting s = block.setting("data");
    if (s == null) {
      block.diagnostics().error(block.train().nameSpan(), "the train block needs 'data'",
          "e.g. data csv(\"train.csv\"), split(train = 0.8, val = 0.2)");
      return null;
    }
    List<Argument> args = block.calls().positionalOnly(s, 2, "data SOURCE(...), split(...)");
    if (args == null) {
      return null;
    }
    Expr.Call source = block.calls().asCall(args.get(0).value(), "a data source such as csv(\"train.csv\")");
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
