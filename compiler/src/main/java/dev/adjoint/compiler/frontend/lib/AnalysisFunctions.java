package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.composite.Analysis;
import dev.adjoint.compiler.frontend.Builtin;
import dev.adjoint.compiler.frontend.BuiltinTable;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Op;
import java.util.List;

/**
 * Trigonometric, rounding and reciprocal functions, the stable reductions logsumexp and
 * norm, cumsum, and stop_gradient. Each is one primitive or a composite of differentiable
 * primitives, so its gradient can be differentiated again.
 */
public final class AnalysisFunctions {
  private static final String CATEGORY = "math";

  private AnalysisFunctions() {}

  public static void register(BuiltinTable table) {
    MathFunctions.elementwise(table, "sine", Op.SIN);
    MathFunctions.elementwise(table, "cosine", Op.COS);
    MathFunctions.elementwise(table, "the error function", Op.ERF);
    MathFunctions.elementwise(table, "-1, 0 or 1 as x is negative, zero or positive; zero gradient", Op.SIGN);
    MathFunctions.elementwise(table, "the largest integer not above x; zero gradient", Op.FLOOR);
    MathFunctions.elementwise(table, "the nearest integer, halves to even; zero gradient", Op.ROUND);
    unary(table, "reciprocal", "1 / x", NodeBuilder::recip);
    unary(table, "rsqrt", "1 / sqrt(x)", (b, x) -> b.recip(b.sqrt(x)));
    table.add(new Builtin(Signature.of("stop_gradient", Args.tensor("x")), CATEGORY,
        "x, which training treats as a constant: no gradient flows through it",
        (a, c) -> new Value.Tensor(c.ops().stopGradient(a.tensor("x")))));
    reduction(table, "logsumexp", "log Σ e^x over axes (all by default), shifted by the maximum so it cannot overflow",
        Analysis::logSumExp);
    reduction(table, "norm", "Euclidean norm over axes (all by default); its gradient at 0 is 0",
        Analysis::norm);
    table.add(new Builtin(Signature.of("cumsum", Args.tensor("x"), Parameter.required("axis", Kind.INT)),
        CATEGORY, "running sums along an axis", (a, c) -> {
          Node x = a.tensor("x");
          Args.requireFloat(x, "x");
          return new Value.Tensor(Analysis.cumsum(c.ops(), x, Args.axis(x, a.integer("axis"), "cumsum")));
        }));
  }

  private interface Reducer {
    Node apply(NodeBuilder b, Node x, List<Integer> axes, boolean keepDims);
  }

  private static void unary(BuiltinTable table, String name, String summary,
      java.util.function.BiFunction<NodeBuilder, Node, Node> f) {
    table.add(new Builtin(Signature.of(name, Args.tensor("x")), CATEGORY, summary, (a, c) -> {
      Node x = a.tensor("x");
      Args.requireFloat(x, "x");
      return new Value.Tensor(f.apply(c.ops(), x));
    }));
  }

  private static void reduction(BuiltinTable table, String name, String summary, Reducer f) {
    table.add(new Builtin(Signature.of(name, Args.tensor("x"), Parameter.optional("axis", Kind.INTS),
        Args.bool("keepdims", false)), CATEGORY, summary, (a, c) -> {
          Node x = a.tensor("x");
          Args.requireFloat(x, "x");
          List<Integer> axes = a.has("axis") ? Args.axes(x, a.ints("axis"), name) : x.shape().allAxes();
          return new Value.Tensor(f.apply(c.ops(), x, axes, a.bool("keepdims")));
        }));
  }
}
