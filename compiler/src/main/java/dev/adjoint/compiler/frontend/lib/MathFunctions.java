package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.frontend.Builtin;
import dev.adjoint.compiler.frontend.BuiltinTable;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Primitive;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** Elementwise math, reductions and shape functions. */
public final class MathFunctions {
  private static final String CATEGORY = "math";

  private MathFunctions() {}

  public static void register(BuiltinTable table) {
    elementwise(table, "e to the power x", Op.EXP);
    elementwise(table, "natural logarithm", Op.LOG);
    elementwise(table, "square root", Op.SQRT);
    elementwise(table, "absolute value", Op.ABS);
    unary(table, "square", "x * x", (b, x) -> b.mul(x, x));
    table.add(new Builtin(Signature.of("pow", Args.tensor("x"), Args.tensor("y")), CATEGORY,
        "x to the power y, elementwise with broadcasting",
        (a, c) -> {
          Node[] xy = Args.numbersAdopt(c.ops(), a.tensor("x"), a.tensor("y"));
          return floats(c.ops().pow(float_(xy[0], "x"), xy[1]));
        }));
    binary(table, "maximum", "elementwise maximum with broadcasting", NodeBuilder::max);
    binary(table, "minimum", "elementwise minimum with broadcasting", NodeBuilder::min);
    table.add(new Builtin(Signature.of("clip", Args.tensor("x"), Parameter.required("low", Kind.NUMBER),
        Parameter.required("high", Kind.NUMBER)), CATEGORY, "x limited to [low, high]", (a, c) -> {
          if (a.number("low") > a.number("high")) {
            return c.error(a.span("high"), "clip(): 'high' must not be less than 'low'", null);
          }
          NodeBuilder b = c.ops();
          Node x = a.tensor("x");
          return floats(b.min(b.max(x, b.constant(a.number("low"), x)), b.constant(a.number("high"), x)));
        }));
    reduction(table, "sum", "sum over axes (all by default)", (b, x, axes, keep) -> b.sum(x, axes, keep));
    reduction(table, "mean", "mean over axes (all by default); an empty batch averages to 0",
        (b, x, axes, keep) -> b.mean(x, axes, keep));
    reduction(table, "max", "maximum over axes (all by default)", (b, x, axes, keep) -> b.reduceMax(x, axes, keep));
    table.add(new Builtin(Signature.of("transpose", Args.tensor("x"), Parameter.optional("perm", Kind.INTS)),
        CATEGORY, "swaps the last two axes, or permutes them as perm says", (a, c) -> {
          Node x = a.tensor("x");
          if (!a.has("perm")) {
            if (x.shape().rank() < 2) {
              throw new ShapeException("transpose needs at least two dimensions, got " + x.type());
            }
            return floats(c.ops().transposeLast(x));
          }
          return floats(c.ops().transpose(x, a.ints("perm")));
        }));
    table.add(new Builtin(Signature.of("reshape", Args.tensor("x"), Parameter.required("shape", Kind.SHAPE)),
        CATEGORY, "the same elements in another shape; B stands for the batch, one size may be -1",
        (a, c) -> floats(c.ops().reshape(a.tensor("x"), reshapeTarget(a.tensor("x"), a.value("shape"))))));
    table.add(new Builtin(Signature.of("f32", Args.tensor("x")), CATEGORY, "converts to f32",
        (a, c) -> floats(c.ops().cast(a.tensor("x"), ScalarType.F32))));
    table.add(new Builtin(Signature.of("f64", Args.tensor("x")), CATEGORY, "converts to f64",
        (a, c) -> floats(c.ops().cast(a.tensor("x"), ScalarType.F64))));
    table.add(new Builtin(Signature.of("one_hot", Args.tensor("y"),
        Parameter.optional("classes", Kind.INT).withCheck(dev.adjoint.compiler.frontend.Checks.positive())),
        CATEGORY, "class indices to rows of zeros with a one; classes default to the target's class count",
        (a, c) -> {
          Node y = a.tensor("y");
          if (y.dtype() != ScalarType.I32) {
            throw new ShapeException("one_hot needs class indices (i32 or a class target), got " + y.type());
          }
          int classes = a.has("classes") ? a.integer("classes") : classCount(y);
          if (classes <= 0) {
            return c.error(a.callSpan(), "one_hot(): give the number of classes, e.g. one_hot(y, classes = 10)",
                null);
          }
          return floats(c.ops().oneHot(y, classes, ScalarType.F32));
        }));
  }

  /** The class count of a class target, or 0 when the tensor is not one. */
  static int classCount(Node y) {
    return y.op() == Op.INPUT ? y.attrs(Attrs.Input.class).classes() : 0;
  }

  private static Value floats(Node n) {
    return new Value.Tensor(n);
  }

  private static Node float_(Node x, String what) {
    Args.requireFloat(x, what);
    return x;
  }

  /**
   * Binds an elementwise primitive to the language under its own name: {@code name(x)} on a
   * floating-point tensor, or {@code name(a, b)} with broadcasting. A new elementwise op
   * that is a plain function needs only this line here.
   */
  public static void elementwise(BuiltinTable table, String summary, Primitive op) {
    if (op.arity() == 1) {
      unary(table, op.text(), summary, (b, x) -> b.node(op, x));
    } else if (op.arity() == 2) {
      binary(table, op.text(), summary, (b, x, y) -> b.binary(op, x, y));
    } else {
      throw new IllegalArgumentException(op.text() + ": only one- and two-input ops bind as plain functions");
    }
  }

  private static void unary(BuiltinTable table, String name, String summary,
      BiFunction<NodeBuilder, Node, Node> f) {
    table.add(new Builtin(Signature.of(name, Args.tensor("x")), CATEGORY, summary,
        (a, c) -> floats(f.apply(c.ops(), float_(a.tensor("x"), "x")))));
  }

  private static void binary(BuiltinTable table, String name, String summary, Binary f) {
    table.add(new Builtin(Signature.of(name, Args.tensor("a"), Args.tensor("b")), CATEGORY, summary,
        (a, c) -> {
          Node[] ab = Args.numbersAdopt(c.ops(), a.tensor("a"), a.tensor("b"));
          return floats(f.apply(c.ops(), ab[0], ab[1]));
        }));
  }

  private interface Binary {
    Node apply(NodeBuilder b, Node x, Node y);
  }

  private interface Reducer {
    Node apply(NodeBuilder b, Node x, List<Integer> axes, boolean keepDims);
  }

  private static void reduction(BuiltinTable table, String name, String summary, Reducer f) {
    table.add(new Builtin(Signature.of(name, Args.tensor("x"), Parameter.optional("axis", Kind.INTS),
        Args.bool("keepdims", false)), CATEGORY, summary, (a, c) -> {
          Node x = a.tensor("x");
          List<Integer> axes = a.has("axis") ? Args.axes(x, a.ints("axis"), name) : x.shape().allAxes();
          return floats(f.apply(c.ops(), x, axes, a.bool("keepdims")));
        }));
  }

  /** The reshape target with a -1 size inferred; B must stay a dimension of its own. */
  private static Shape reshapeTarget(Node x, Value shape) {
    List<Value> items = ((Value.Tuple) shape).items();
    List<Integer> dims = new ArrayList<>();
    int unknown = -1;
    long known = 1;
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) instanceof Value.Symbol) {
        dims.add(Shape.BATCH);
        continue;
      }
      long d = ((Value.Int) items.get(i)).value();
      if (d == -1 && unknown < 0) {
        unknown = i;
        dims.add(1);
      } else if (d >= 1 && d <= Integer.MAX_VALUE) {
        known *= d;
        dims.add((int) d);
      } else {
        throw new ShapeException("the sizes must be positive, with at most one -1, got "
            + dev.adjoint.compiler.frontend.Checks.show(shape));
      }
    }
    if (unknown >= 0) {
      long total = x.shape().staticSize();
      if (total % known != 0) {
        throw new ShapeException("cannot reshape " + x.type() + " to "
            + dev.adjoint.compiler.frontend.Checks.show(shape) + ": the sizes do not divide");
      }
      dims.set(unknown, (int) (total / known));
    }
    Shape target = Shape.of(dims);
    if (x.shape().hasBatch() && target.hasBatch() && sizeBefore(target, target.batchAxis())
        != sizeBefore(x.shape(), x.shape().batchAxis())) {
      throw new ShapeException("cannot reshape " + x.type() + " to "
          + dev.adjoint.compiler.frontend.Checks.show(shape) + ": B must keep the sizes before it, "
          + "or the samples of a batch would mix");
    }
    return target;
  }

  /** The product of the dimensions before an axis. */
  private static long sizeBefore(Shape s, int axis) {
    long size = 1;
    for (int i = 0; i < axis; i++) {
      size *= s.dim(i);
    }
    return size;
  }
}
