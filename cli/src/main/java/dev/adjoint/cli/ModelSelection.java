package dev.adjoint.cli;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.DataPresence;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.source.SourceFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The models of a file a command works on: all of them, or the one {@code --model} names; errors printed. */
final class ModelSelection {
  private ModelSelection() {}

  static Optional<List<ModelUnit>> select(Path file, String model, List<String> sets, PrintWriter err) {
    return select(file, model, sets, DataPresence.OPTIONAL, err);
  }

  /** As {@link #select(Path, String, List, PrintWriter)}, the train blocks' data files required or not. */
  static Optional<List<ModelUnit>> select(Path file, String model, List<String> sets, DataPresence data,
      PrintWriter err) {
    Optional<SourceFile> source = SourceFiles.read(file, err);
    if (source.isEmpty()) {
      return Optional.empty();
    }
    Compilation compilation = Frontend.compile(source.get(), sets, data);
    err.print(compilation.diagnostics().format());
    if (!compilation.ok()) {
      return Optional.empty();
    }
    List<ModelUnit> units = compilation.models();
    if (model != null) {
      units = units.stream().filter(m -> m.name().equals(model)).toList();
      if (units.isEmpty()) {
        err.println(file + ": error: no model '" + model + "'; the file has: "
            + String.join(", ", compilation.models().stream().map(ModelUnit::name).toList()));
        return Optional.empty();
      }
    }
    if (units.isEmpty()) {
      err.println(file + ": error: the file declares no model");
      return Optional.empty();
    }
    return Optional.of(units);
  }
}
