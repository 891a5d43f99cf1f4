package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.composite.Einsum;
import dev.adjoint.compiler.frontend.Builtin;
import dev.adjoint.compiler.frontend.BuiltinTable;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.ir.Node;
import java.util.ArrayList;
import java.util.List;

/** Tensor contractions beyond {@code @}: einsum. */
public final class ProductFunctions {
  private static final String CATEGORY = "math";

  private ProductFunctions() {}

  public static void register(BuiltinTable table) {
    table.add(new Builtin(Signature.of("einsum", Parameter.required("subscripts", Kind.STRING), Args.tensor("a"),
        Parameter.optional("b", Kind.TENSOR)), CATEGORY,
        "sums of products over lettered axes, e.g. einsum(\"bij,bjk->bik\", x, y); one batched matrix product",
        (a, c) -> {
          List<Node> operands = new ArrayList<>(List.of(a.tensor("a")));
          if (a.has("b")) {
            operands.add(a.tensor("b"));
          }
          for (int i = 0; i < operands.size(); i++) {
            Args.requireFloat(operands.get(i), i == 0 ? "a" : "b");
          }
          if (operands.size() == 2 && operands.get(0).dtype() != operands.get(1).dtype()) {
            return c.error(a.callSpan(), "einsum(): the operands' dtypes differ (" + operands.get(0).type() + " and "
                + operands.get(1).type() + ")", "convert one with f32(...) or f64(...)");
          }
          EinsumSpec spec;
          try {
            spec = EinsumSpec.parse(a.string("subscripts"), operands);
          } catch (EinsumSpec.Invalid e) {
            return c.error(a.span("subscripts"), e.getMessage(), e.hint());
          }
          List<List<Character>> labels = new ArrayList<>();
          for (int i = 0; i < operands.size(); i++) {
            labels.add(spec.labels(i));
          }
          return new Value.Tensor(Einsum.of(c.ops(), labels, operands, spec.outputLabels()));
        }));
  }
}
