package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.composite.Selections;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.frontend.Builtin;
import dev.adjoint.compiler.frontend.BuiltinTable;
import dev.adjoint.compiler.frontend.CallContext;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.ShapeException;

/**
 * Selection: {@code where}, {@code masked_mean}, {@code argmax}/{@code argmin} and
 * {@code take_along_axis} (also named {@code gather}). Conditions must be masks (see
 * {@link Masks}); a float tensor where a mask belongs is an error at that argument.
 */
public final class SelectionFunctions {
  private static final String CATEGORY = "selection";

  private SelectionFunctions() {}

  public static void register(BuiltinTable table) {
    table.add(new Builtin(Signature.of("where", Args.tensor("cond"), Args.tensor("a"), Args.tensor("b")), CATEGORY,
        "a where the mask cond is 1, else b, with broadcasting; only the chosen side takes the gradient",
        SelectionFunctions::where));
    table.add(new Builtin(Signature.of("masked_mean", Args.tensor("x"), Args.tensor("mask")), CATEGORY,
        "the mean of x over the entries the mask keeps; 0 when it keeps none", (a, c) -> {
          Node x = a.tensor("x");
          Args.requireFloat(x, "x");
          Node mask = a.tensor("mask");
          if (!Masks.holds(mask)) {
            return notAMask(a, c, "mask", "masked_mean(x, m > 0.5)");
          }
          return new Value.Tensor(Selections.maskedMean(c.ops(), x, mask));
        }));
    index(table, "argmax", "the index of the largest element along an axis (the first on a tie), as i32; no gradient");
    index(table, "argmin", "the index of the smallest element along an axis (the first on a tie), as i32; no gradient");
    for (String name : new String[] {"take_along_axis", "gather"}) {
      table.add(new Builtin(Signature.of(name, Args.tensor("x"), Args.tensor("idx"),
          Parameter.required("axis", Kind.INT)), CATEGORY,
          "x at the i32 indices idx along an axis (NumPy's take_along_axis); an index outside the axis picks 0",
          (a, c) -> {
            Node x = a.tensor("x");
            Args.requireFloat(x, "x");
            int axis = Args.axis(x, a.integer("axis"), name);
            return new Value.Tensor(Selections.takeAlongAxis(c.ops(), x, a.tensor("idx"), axis));
          }));
    }
  }

  private static Value where(BoundArgs a, CallContext c) {
    Node cond = a.tensor("cond");
    if (!Masks.holds(cond)) {
      return notAMask(a, c, "cond", "where(m > 0.5, a, b)");
    }
    Node[] ab = Args.numbersAdopt(c.ops(), a.tensor("a"), a.tensor("b"));
    if (ab[0].dtype() != ab[1].dtype()) {
      throw new ShapeException("a is " + ab[0].type() + " and b is " + ab[1].type()
          + ": the dtypes differ; convert one with f32(...) or f64(...)");
    }
    return new Value.Tensor(c.ops().where(cond, ab[0], ab[1]));
  }

  private static void index(BuiltinTable table, String name, String summary) {
    table.add(new Builtin(Signature.of(name, Args.tensor("x"), Parameter.required("axis", Kind.INT),
        Args.bool("keepdims", false)), CATEGORY, summary, (a, c) -> {
          Node x = a.tensor("x");
          int axis = Args.axis(x, a.integer("axis"), name);
          boolean keep = a.bool("keepdims");
          return new Value.Tensor(name.equals("argmax") ? c.ops().argmax(x, axis, keep)
              : Selections.argmin(c.ops(), x, axis, keep));
        }));
  }

  /** An error at a condition argument that is not a mask; {@code example} shows the call with one. */
  private static Value notAMask(BoundArgs a, CallContext c, String param, String example) {
    Node n = a.tensor(param);
    String function = example.substring(0, example.indexOf('('));
    return c.error(a.span(param), function + "(): '" + param + "' must be a mask of 0s and 1s, such as x > 0, and "
        + n.type() + " is not known to be one", "compare it to make one, e.g. " + example);
  }
}
