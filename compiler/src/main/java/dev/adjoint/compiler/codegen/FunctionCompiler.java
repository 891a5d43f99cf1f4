package dev.adjoint.compiler.codegen;

import dev.adjoint.compiler.autodiff.FunctionSpec;
import dev.adjoint.compiler.autodiff.TrainingGraph;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.passes.Pipeline;
import dev.adjoint.compiler.settings.CheckedModel;
import java.util.List;

/**
 * Compiles a derivative of a model ({@link FunctionSpec}) into a class of its own, on request:
 * a model without a loss whose {@code predict} computes the function's outputs, so that a plain
 * model's compile time does not change. The function's parameters and states have the model's
 * names and shapes; {@code dev.adjoint.compiler.ModelFunction} copies them from a model before
 * each call. A derivative of the loss differentiates the training objective, the train
 * block's penalties included, as {@code trainStep} does.
 */
public final class FunctionCompiler {
  private FunctionCompiler() {}

  /** The function's optimized graph. */
  public static Graph graph(CheckedModel unit, FunctionSpec spec) {
    Graph forward = TrainingGraph.objective(unit.graph(), unit.hasTrain() ? unit.train().regularizers() : List.of());
    return Pipeline.function(spec).apply(forward);
  }

  /** The function's Java source, as {@code adjoint compile} would write it. */
  public static GeneratedModel generate(CheckedModel unit, FunctionSpec spec, String packageName) {
    Graph graph = graph(unit, spec);
    return ModelCompiler.generate(new GraphSet(graph, null, null, graph), ModelCompiler.optimizer(unit), packageName,
        className(unit, spec));
  }

  /** The function's class compiled in process, through the model compiler's cache. */
  public static ModelFactory compile(CheckedModel unit, FunctionSpec spec) {
    Graph graph = graph(unit, spec);
    return ModelCompiler.compile(new GraphSet(graph, null, null, graph), ModelCompiler.optimizer(unit), List.of(),
        className(unit, spec));
  }

  /** {@code MnistVjpProbsInputs}: the model's class name, then the function's. */
  static String className(CheckedModel unit, FunctionSpec spec) {
    return ModelCompiler.className(unit.name() + "_" + spec.label());
  }
}
