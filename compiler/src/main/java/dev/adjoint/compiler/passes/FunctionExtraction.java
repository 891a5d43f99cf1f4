package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.autodiff.FunctionSpec;
import dev.adjoint.compiler.ir.Graph;

/**
 * Replaces a model's graph by the graph of one of its derivatives ({@link FunctionSpec}):
 * the loss and outputs go, the requested products and the differentiated value become the
 * outputs, their seeds inputs. Fires once per output of the function.
 */
final class FunctionExtraction implements Pass {
  private final FunctionSpec spec;

  FunctionExtraction(FunctionSpec spec) {
    this.spec = spec;
  }

  @Override
  public String name() {
    return "function";
  }

  @Override
  public Result run(Graph graph) {
    Graph function = spec.build(graph);
    return new Result(function, function.outputs().size());
  }
}
