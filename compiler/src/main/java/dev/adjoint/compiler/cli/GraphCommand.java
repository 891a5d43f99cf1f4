package dev.adjoint.compiler.cli;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.ir.DotDump;
import dev.adjoint.compiler.source.SourceFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code adjoint graph FILE}: prints each model's graph as text or Graphviz DOT. */
@Command(name = "graph", mixinStandardHelpOptions = true,
    description = "Prints the graph of each model in a .nn file, as text or as Graphviz DOT.")
final class GraphCommand implements Callable<Integer> {
  /** Output formats. */
  enum Format { text, dot }

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the .nn file")
  Path file;

  @Option(names = "--format", paramLabel = "FORMAT", description = "text (default) or dot")
  Format format = Format.text;

  @Option(names = "--model", paramLabel = "NAME", description = "only this model")
  String model;

  @Option(names = "--set", paramLabel = "NAME=VALUE", description = "override a hyperparameter, e.g. --set hidden=128")
  List<String> sets = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<SourceFile> source = SourceFiles.read(file, err);
    if (source.isEmpty()) {
      return AdjointCli.INPUT_ERRORS;
    }
    Compilation compilation = Frontend.compile(source.get(), sets);
    err.print(compilation.diagnostics().format());
    if (!compilation.ok()) {
      return AdjointCli.INPUT_ERRORS;
    }
    List<ModelUnit> units = compilation.models();
    if (model != null) {
      units = units.stream().filter(m -> m.name().equals(model)).toList();
      if (units.isEmpty()) {
        err.println(file + ": error: no model '" + model + "'; the file has: "
            + String.join(", ", compilation.models().stream().map(ModelUnit::name).toList()));
        return AdjointCli.INPUT_ERRORS;
      }
    }
    boolean first = true;
    for (ModelUnit unit : units) {
      if (!first) {
        out.println();
      }
      first = false;
      out.print(format == Format.dot ? DotDump.dump(unit.graph()) : GraphReport.text(unit));
    }
    return AdjointCli.OK;
  }
}
