package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.interp.ScalarOps;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Warns where a model computes a constant that is infinite or NaN, such as {@code log(0)}
 * or {@code sqrt(-1)}: constant folding would make it so at compile time, and everything
 * computed from it (the loss, the gradients) would be infinite or NaN too. Only the first
 * such constant of a computation is reported, at the expression that makes it. The values
 * are those the constant-folding pass computes, in the node's precision. A tensor divided by
 * a constant 0 gets the same warning.
 */
final class ConstantWarnings {
  private ConstantWarnings() {}

  static void check(Graph graph, Diagnostics diagnostics) {
    Map<Node, Double> constants = new IdentityHashMap<>();
    for (Node n : graph.nodes()) {
      Double value = value(n, constants);
      if (value == null) {
        Double divisor = n.op() == Op.DIV ? constants.get(n.input(1)) : null;
        if (divisor != null && divisor == 0) {
          diagnostics.warning(n.span(), "division by the constant 0",
              "every element of the result is infinite or NaN, and so is everything computed from it");
        }
        continue;
      }
      constants.put(n, value);
      boolean computed = n.op() != Op.CONST && n.op() != Op.BROADCAST && n.op() != Op.RESHAPE;
      boolean fromFinite = n.inputs().stream().allMatch(in -> Double.isFinite(constants.get(in)));
      if (computed && !Double.isFinite(value) && fromFinite) {
        diagnostics.warning(n.span(), "the constant " + expression(n, constants) + " is " + describe(value)
                + (n.dtype() == ScalarType.F32 && Double.isFinite(folded(n, constants)) ? " in f32" : ""),
            "everything computed from it becomes infinite or NaN, the loss and its gradients too");
      }
    }
  }

  /** The node's value when it is a constant (a fill, a view of one, or an elementwise op of constants), else null. */
  private static Double value(Node n, Map<Node, Double> constants) {
    if (n.op() == Op.CONST) {
      return n.attrs(Attrs.Fill.class).value();
    }
    if (n.op() == Op.BROADCAST || n.op() == Op.RESHAPE) {
      return constants.get(n.input(0));
    }
    if (!n.op().isElementwise() || n.op() == Op.WHERE || n.inputs().isEmpty()
        || !n.inputs().stream().allMatch(constants::containsKey)) {
      return null;
    }
    double v = folded(n, constants);
    return n.dtype() == ScalarType.F32 ? (double) (float) v : v;
  }

  /** The op applied to its constant operands in f64, as the interpreter's arithmetic does. */
  private static double folded(Node n, Map<Node, Double> constants) {
    double[] operands = n.inputs().stream().mapToDouble(constants::get).toArray();
    return ScalarOps.apply(n.op(), n.attrs(), n.input(0).dtype(), operands);
  }

  private static final Map<Op, String> INFIX = Map.of(Op.ADD, " + ", Op.SUB, " - ", Op.MUL, " * ", Op.DIV, " / ",
      Op.POW, " ** ");

  /** {@code log(0)}, {@code 1 / 0}: the op on its operands' values. */
  private static String expression(Node n, Map<Node, Double> constants) {
    List<String> operands = n.inputs().stream().map(in -> Checks.show(constants.get(in))).toList();
    if (n.op() == Op.RECIP) {
      return "1 / " + operands.get(0);
    }
    if (INFIX.containsKey(n.op()) && operands.size() == 2) {
      return operands.get(0) + INFIX.get(n.op()) + operands.get(1);
    }
    return n.op().text() + "(" + String.join(", ", operands) + ")";
  }

  static String describe(double value) {
    return Double.isNaN(value) ? "NaN" : value > 0 ? "infinity" : "-infinity";
  }
}
