package dev.adjoint.cli;

import dev.adjoint.compiler.autodiff.TrainingGraph;
import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.GraphReport;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.ir.DotDump;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.TextDump;
import dev.adjoint.compiler.passes.Pipeline;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.checkpoint.AtomicFile;
import dev.adjoint.runtime.checkpoint.CheckpointException;
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

/**
 * {@code adjoint graph FILE}: prints each model's graph as text or Graphviz DOT — as written,
 * or after the training or inference pipeline, or after any one stage of it.
 */
@Command(name = "graph", mixinStandardHelpOptions = true,
    description = {"Prints the graph of each model in a .nn file, as text or as Graphviz DOT.",
        "Without options: the forward graph as written. With --backward: the optimized training graph"
            + " (forward, gradients, fused ops); with --inference: the optimized inference graph."})
final class GraphCommand implements Callable<Integer> {
  /** Output formats: svg is dot's drawing by Graphviz. */
  enum Format { text, dot, svg }

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the .nn file")
  Path file;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "text (default), dot, or svg (drawn by Graphviz's dot, which must be installed)")
  Format format = Format.text;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the graph here (default: stdout)")
  Path output;

  @Option(names = "--model", paramLabel = "NAME", description = "only this model")
  String model;

  @Option(names = "--set", paramLabel = "NAME=VALUE", description = "override a hyperparameter, e.g. --set hidden=128")
  List<String> sets = new ArrayList<>();

  @Option(names = {"--backward", "--training"}, description = "the optimized training graph, gradients included")
  boolean backward;

  @Option(names = "--inference", description = "the optimized inference graph: outputs only")
  boolean inference;

  @Option(names = "--after", paramLabel = "STAGE",
      description = "stop after this stage of the pipeline (e.g. stabilize/softmax-cross-entropy, or a pass"
          + " that runs once: sigmoid-bce) or after a whole phase (e.g. stabilize, differentiate)")
  String after;

  @Option(names = "--passes", description = "list the pipeline's stages with how often each fired on this file")
  boolean passes;

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
    if (backward && inference) {
      err.println("adjoint graph: choose one of --backward and --inference");
      return AdjointCli.USAGE;
    }
    if (passes && format != Format.text) {
      err.println("adjoint graph: --passes lists the pipeline's stages as text, not a graph; leave out --format " + format
          + ", or draw one stage's graph with --after STAGE --format " + format);
      return AdjointCli.USAGE;
    }
    Pipeline pipeline = inference ? Pipeline.inference() : Pipeline.training();
    boolean optimized = backward || inference || after != null || passes;
    int stageCount = pipeline.stages().size();
    if (after != null) {
      try {
        stageCount = pipeline.stagesThrough(after);
      } catch (IllegalArgumentException ambiguous) {
        err.println("adjoint graph: " + ambiguous.getMessage());
        return AdjointCli.USAGE;
      }
      if (stageCount == 0) {
        err.println("adjoint graph: no stage '" + after + "' in the " + pipeline.name() + " pipeline; phases: "
            + String.join(", ", pipeline.phaseNames()) + "; stages: " + String.join(", ", pipeline.stageNames()));
        return AdjointCli.USAGE;
      }
    }
    if (format == Format.svg && units.size() > 1) {
      err.println(file + ": error: --format svg draws one graph; the file has " + units.size() + " models ("
          + String.join(", ", units.stream().map(ModelUnit::name).toList()) + "): choose one with --model");
      return AdjointCli.INPUT_ERRORS;
    }
    if (output != null) {
      String refusal = OutputFile.refusal(output);
      if (refusal != null) {
        err.println(output + ": error: " + refusal);
        return AdjointCli.INPUT_ERRORS;
      }
    }
    StringBuilder text = new StringBuilder();
    boolean first = true;
    boolean drawn = format != Format.text;
    for (ModelUnit unit : units) {
      if (!first) {
        text.append('\n');
      }
      first = false;
      if (!optimized) {
        text.append(drawn ? DotDump.dump(unit.graph()) : GraphReport.text(unit));
        continue;
      }
      if (unit.graph().loss() == null && !inference) {
        err.println(file + ": model '" + unit.name() + "' has no loss, so no training graph; try --inference");
        return AdjointCli.INPUT_ERRORS;
      }
      List<Pipeline.StageResult> results = pipeline.run(pipelineInput(unit), false, stageCount);
      if (passes) {
        text.append(GraphReport.passes(unit, pipeline, results));
      } else {
        Graph graph = results.get(results.size() - 1).graph();
        text.append(drawn ? DotDump.dump(graph) : TextDump.dump(graph));
      }
    }
    String result;
    try {
      result = format == Format.svg ? GraphvizSvg.render(text.toString()) : text.toString();
    } catch (GraphvizSvg.Failure e) {
      err.println("adjoint graph: " + e.getMessage());
      return AdjointCli.INPUT_ERRORS;
    }
    if (output == null) {
      out.print(result);
      return AdjointCli.OK;
    }
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(result.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try {
      AtomicFile.write(output, channel -> {
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      });
    } catch (CheckpointException e) {
      err.println(output + ": error: cannot write the graph: " + e.getMessage());
      return AdjointCli.INPUT_ERRORS;
    }
    err.println("wrote the graph to " + output);
    return AdjointCli.OK;
  }

  /** What the pipeline starts from: for training, the objective (the loss plus the train block's penalties). */
  private Graph pipelineInput(ModelUnit unit) {
    if (inference || !unit.hasTrain()) {
      return unit.graph();
    }
    return TrainingGraph.objective(unit.graph(), unit.train().regularizers());
  }
}
