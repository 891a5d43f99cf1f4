package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.autodiff.ForwardMode;
import dev.adjoint.compiler.autodiff.ReverseMode;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.frontend.Builtin;
import dev.adjoint.compiler.frontend.BuiltinTable;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ShapeException;
import dev.adjoint.compiler.passes.Pipeline;
import dev.adjoint.compiler.source.SourceSpan;
import java.util.List;
import java.util.Map;

/**
 * {@code grad(expr, wrt)} and {@code jvp(expr, wrt, tangent)}: derivatives taken while the
 * graph is built. Reverse (or forward) mode runs on the subgraph at the call, so the result
 * is an ordinary value of the model, which training then differentiates again: a gradient
 * penalty or an adversarial input costs one compiled step. Every derivative rule builds only
 * differentiable ops, which is what makes that second differentiation possible.
 *
 * <p>{@code expr} of grad must be a scalar (sum or mean a per-sample value first), and both
 * functions reject, at the call, what would silently give zeros: a {@code wrt} that is not
 * floating point, or one that {@code expr} does not depend on differentiably.
 */
public final class DifferentiationFunctions {
  private static final String CATEGORY = "differentiation";

  private DifferentiationFunctions() {}

  public static void register(BuiltinTable table) {
    table.add(new Builtin(Signature.of("grad", Args.tensor("expr"), Args.tensor("wrt")), CATEGORY,
        "the gradient of the scalar expr with respect to wrt, shaped like wrt", (a, c) -> {
          Node expr = a.tensor("expr");
          Node wrt = a.tensor("wrt");
          if (!expr.shape().isScalar()) {
            throw new ShapeException("grad differentiates a scalar, and expr is " + expr.type(),
                "sum(...) or mean(...) it first: grad(sum(e), x) gives each sample's gradient of e when samples "
                    + "do not mix, as in a model without batch norm");
          }
          String wrtText = checkedWrt(a, expr, wrt, "grad");
          GradientPaths.requireDifferentiable(expr, wrt, wrtText);
          Map<Node, Node> gradients = ReverseMode.gradients(c.ops(), stabilized(expr, wrt, c.span()), List.of(wrt));
          return new Value.Tensor(gradients.get(wrt));
        }));
    table.add(new Builtin(Signature.of("jvp", Args.tensor("expr"), Args.tensor("wrt"), Args.tensor("tangent")),
        CATEGORY, "the derivative of expr in the direction tangent of wrt (forward mode), shaped like expr",
        (a, c) -> {
          Node expr = a.tensor("expr");
          Node wrt = a.tensor("wrt");
          Node tangent = a.tensor("tangent");
          String wrtText = checkedWrt(a, expr, wrt, "jvp");
          if (!tangent.type().equals(wrt.type())) {
            throw new ShapeException("jvp needs a tangent of the same type as wrt (" + wrt.type() + "), got "
                + tangent.type(), "the tangent is a direction in which wrt moves, so it has wrt's shape and dtype");
          }
          GradientPaths.requireDifferentiable(expr, wrt, wrtText);
          Node stable = stabilized(expr, wrt, c.span());
          return new Value.Tensor(ForwardMode.tangents(c.ops(), List.of(stable), Map.of(wrt, tangent)).get(stable));
        }));
  }

  /**
   * The expression after the pipeline's canonicalize and stabilize phases when wrt is an
   * input or a parameter, so that, e.g., the gradient of cross_entropy(softmax(z), y) is
   * softmax(z) - one_hot(y) and stays finite where a probability underflows. Those phases keep
   * every function of the declared sources but not the identity of intermediate nodes (CSE
   * merges equal ones, fusions bypass a softmax), so an intermediate wrt is differentiated
   * as written.
   */
  private static Node stabilized(Node expr, Node wrt, SourceSpan span) {
    if (wrt.op() != Op.INPUT && wrt.op() != Op.PARAM) {
      return expr;
    }
    Graph graph = Graph.builder("derivative", span).output("expr", expr).build();
    return Pipeline.stabilization().apply(graph).outputs().get("expr");
  }

  /** Checks that expr and wrt are floating point; gives wrt as written, for messages. */
  private static String checkedWrt(BoundArgs a, Node expr, Node wrt, String function) {
    Args.requireFloat(expr, "expr");
    String wrtText = written(a.span("wrt"));
    if (!wrt.dtype().isFloat()) {
      throw new ShapeException(function + " differentiates with respect to floating-point values, and " + wrtText
          + " is " + wrt.type(), "ids and class indices have no derivative; differentiate with respect to a value "
          + "computed from them, such as an embedding's output");
    }
    return wrtText;
  }

  /** The text of a one-line span in quotes, or a description of where it is. */
  private static String written(SourceSpan span) {
    String line = span.file().line(span.line());
    if (span.endLine() == span.line() && span.endColumn() > span.column() && span.endColumn() - 1 <= line.length()) {
      return "'" + line.substring(span.column() - 1, span.endColumn() - 1) + "'";
    }
    return "the value at line " + span.line() + ", column " + span.column();
  }
}
