package dev.adjoint.compiler.frontend.train;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.ParamRole;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Resolves {@code on = (weights, "h.b")} and {@code decay_on = ...} to parameter names:
 * groups by role (weights, embeddings, biases, norms, all) and names of parameters.
 */
public final class ParamGroups {
  private ParamGroups() {}

  /** The names of the graph's parameters that the selection covers, in graph order. */
  public static Set<String> resolve(List<Object> selection, Graph graph) {
    Set<String> out = new LinkedHashSet<>();
    for (Node p : graph.params()) {
      Attrs.Param param = p.attrs(Attrs.Param.class);
      for (Object item : selection) {
        if (covers(String.valueOf(item), param)) {
          out.add(param.name());
        }
      }
    }
    return out;
  }

  private static boolean covers(String item, Attrs.Param param) {
    return switch (item) {
      case "all" -> true;
      case "weights" -> param.role() == ParamRole.WEIGHT;
      case "embeddings" -> param.role() == ParamRole.EMBEDDING;
      case "biases" -> param.role() == ParamRole.BIAS;
      case "norms" -> param.role() == ParamRole.NORM;
      default -> item.equals(param.name());
    };
  }
}
