package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled model's parameter values as the interpreter takes them, by the graph's names: a
 * looped repeat's stacked parameter ({@link Attrs.Layers}), which the model shows layer by
 * layer ({@code h.1.h.W}, ...), gathered from its layers.
 */
public final class ModelParams {
  private ModelParams() {}

  /** Every parameter of {@code graph}, read from {@code model}. */
  public static Map<String, F64Tensor> of(Graph graph, CompiledModel model) {
    Map<String, F64Tensor> out = new LinkedHashMap<>();
    for (Node p : graph.params()) {
      out.put(p.sourceName(), read(p, model));
    }
    return out;
  }

  /** One parameter of the graph, read from the model. */
  public static F64Tensor read(Node param, CompiledModel model) {
    Attrs.Param attrs = param.attrs(Attrs.Param.class);
    int[] shape = param.shape().concrete(1);
    double[] values = new double[Math.toIntExact(param.shape().size(1))];
    List<String> names = attrs.layers() == null ? List.of(attrs.name()) : attrs.layers().names();
    int at = 0;
    for (String name : names) {
      Tensor t = model.param(name);
      int size = values.length / names.size();
      for (int i = 0; i < size; i++) {
        values[at++] = t.get(i);
      }
    }
    return F64Tensor.of(shape, values);
  }
}
