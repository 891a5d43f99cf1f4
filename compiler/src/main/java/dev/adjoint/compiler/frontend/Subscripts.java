package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.ast.Subscript;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * NumPy-style subscripts on tensors, {@code x[:, 2:5]}, {@code x[..., -1]}, {@code x[:, ::2]},
 * {@code x[:, None]}: one SLICE per axis that is not taken whole, then one RESHAPE that drops
 * the axes an integer picked and adds the new ones. Every bound is a compile-time integer and
 * is checked against its axis here, at its own position; the batch axis B stays whole, since
 * a model treats the samples of a batch alike and cannot pick some of them.
 */
final class Subscripts {
  private final Diagnostics diagnostics;
  private final Function<Expr, Value> evaluate;

  private Subscripts(Diagnostics diagnostics, Function<Expr, Value> evaluate) {
    this.diagnostics = diagnostics;
    this.evaluate = evaluate;
  }

  /** What one axis of the input keeps: elements {@code start, start + step, ...}, {@code length} of them. */
  private record Pick(int start, int end, int step, int length, boolean drop) {}

  /** {@code base[items]}, or POISON after reporting why not; {@code evaluate} gives each bound's value. */
  static Value apply(Value base, Expr.Index expr, Function<Expr, Value> evaluate, NodeBuilder ops,
      Diagnostics diagnostics) {
    if (base instanceof Value.Poison) {
      return base;
    }
    if (!(base instanceof Value.Tensor t)) {
      diagnostics.error(expr.bracket(), "cannot subscript " + base.describe(),
          "subscripts select elements of a tensor, e.g. x[:, 0]");
      return Value.POISON;
    }
    try {
      Node result = new Subscripts(diagnostics, evaluate).select(t.node(), expr, ops);
      return result == null ? Value.POISON : new Value.Tensor(result);
    } catch (ShapeException e) {
      diagnostics.error(expr.bracket(), "cannot subscript " + t.node().type() + ": " + e.getMessage(), e.hint());
      return Value.POISON;
    }
  }

  private Node select(Node x, Expr.Index expr, NodeBuilder ops) {
    Shape shape = x.shape();
    if (shape.isScalar()) {
      diagnostics.error(expr.bracket(), "cannot subscript a scalar " + x.type(), "a scalar has no axes to select from");
      return null;
    }
    List<Subscript> items = expandEllipsis(expr.items(), shape, x);
    if (items == null) {
      return null;
    }
    List<Integer> outDims = new ArrayList<>();
    List<Pick> picks = new ArrayList<>();
    int axis = 0;
    for (Subscript item : items) {
      if (item instanceof Subscript.NewAxis) {
        if (axis <= shape.batchAxis()) {
          diagnostics.error(item.span(), "a new axis cannot come before the batch axis B of " + x.type(),
              "B stays the first axis; add the axis after it, e.g. x[:, None]");
          return null;
        }
        outDims.add(1);
        continue;
      }
      Pick pick = pick(item, x, axis);
      if (pick == null) {
        return null;
      }
      picks.add(pick);
      if (!pick.drop()) {
        outDims.add(shape.dim(axis) == Shape.BATCH ? Shape.BATCH : pick.length());
      }
      axis++;
    }
    Node result = x;
    for (int a = 0; a < picks.size(); a++) {
      Pick p = picks.get(a);
      if (!(p.start() == 0 && p.step() == 1 && p.length() == shape.dim(a)) && shape.dim(a) != Shape.BATCH) {
        result = ops.slice(result, a, p.start(), p.end(), p.step());
      }
    }
    return ops.reshape(result, Shape.of(outDims));
  }

  /** The items with {@code ...} replaced by whole axes and whole axes added at the end; null after an error. */
  private List<Subscript> expandEllipsis(List<Subscript> items, Shape shape, Node x) {
    int consumed = 0;
    Subscript ellipsis = null;
    for (Subscript item : items) {
      if (item instanceof Subscript.Ellipsis) {
        if (ellipsis != null) {
          diagnostics.error(item.span(), "a subscript can have only one '...'",
              "'...' stands for all the axes the other items leave");
          return null;
        }
        ellipsis = item;
      } else if (!(item instanceof Subscript.NewAxis)) {
        consumed++;
        if (consumed > shape.rank()) {
          diagnostics.error(item.span(), "too many subscripts for " + x.type() + ": it has " + shape.rank()
              + (shape.rank() == 1 ? " axis" : " axes"), null);
          return null;
        }
      }
    }
    List<Subscript> out = new ArrayList<>();
    for (Subscript item : items) {
      if (item instanceof Subscript.Ellipsis) {
        for (int i = consumed; i < shape.rank(); i++) {
          out.add(new Subscript.Range(null, null, null, item.span()));
        }
      } else {
        out.add(item);
      }
    }
    for (int i = ellipsis == null ? consumed : shape.rank(); i < shape.rank(); i++) {
      out.add(new Subscript.Range(null, null, null, null));
    }
    return out;
  }

  /** What one item keeps of its axis, checked; null after an error. */
  private Pick pick(Subscript item, Node x, int axis) {
    int dim = x.shape().dim(axis);
    if (dim == Shape.BATCH) {
      if (item instanceof Subscript.Range r && r.isWhole()) {
        return new Pick(0, 0, 1, 0, false);
      }
      diagnostics.error(item.span(), (item instanceof Subscript.At ? "cannot index" : "cannot slice")
          + " the batch axis B of " + x.type(), "a model treats every sample of a batch alike and cannot pick"
          + " some of them; keep B whole with ':', e.g. x[:, 0]");
      return null;
    }
    if (item instanceof Subscript.At at) {
      Long index = integer(at.index(), "an index");
      if (index == null) {
        return null;
      }
      if (index < -dim || index >= dim) {
        diagnostics.error(item.span(), "index " + index + " is out of range for axis " + axis + " of " + x.type()
            + (dim == 0 ? ": the axis is empty" : ": valid indices are " + -dim + " to " + (dim - 1)),
            "negative indices count from the end: -1 is the last");
        return null;
      }
      int i = (int) (index < 0 ? index + dim : index);
      return new Pick(i, i + 1, 1, 1, true);
    }
    Subscript.Range r = (Subscript.Range) item;
    Long step = r.step() == null ? Long.valueOf(1) : integer(r.step(), "a slice step");
    Long start = r.start() == null ? null : integer(r.start(), "a slice bound");
    Long end = r.end() == null ? null : integer(r.end(), "a slice bound");
    if (step == null || r.start() != null && start == null || r.end() != null && end == null) {
      return null;
    }
    if (step == 0 || step < -Integer.MAX_VALUE || step > Integer.MAX_VALUE) {
      diagnostics.error(r.step().span(), "slice step " + step + " is " + (step == 0 ? "zero" : "too large"),
          "a step counts elements: 2 takes every other one, -1 reverses the axis");
      return null;
    }
    Integer from = bound(start, r.start(), dim, axis, x);
    Integer to = bound(end, r.end(), dim, axis, x);
    if (r.start() != null && from == null || r.end() != null && to == null) {
      return null;
    }
    int s = (int) (long) step;
    int first = from != null ? (s > 0 ? from : Math.min(from, dim - 1)) : (s > 0 ? 0 : dim - 1);
    int last = to != null ? to : (s > 0 ? dim : -1);
    int length = (int) Math.max(0, s > 0 ? ((long) last - first + s - 1) / s : ((long) first - last - s - 1) / -s);
    return length == 0 ? new Pick(0, 0, 1, 0, false) : new Pick(first, last, s, length, false);
  }

  /** A slice bound in {@code -dim..dim}, negative ones counted from the end; null when absent or wrong. */
  private Integer bound(Long value, Expr expr, int dim, int axis, Node x) {
    if (value == null) {
      return null;
    }
    if (value < -dim || value > dim) {
      diagnostics.error(expr.span(), "slice bound " + value + " is out of range for axis " + axis + " of " + x.type()
          + ": valid bounds are " + -dim + " to " + dim, "a slice start:end takes the elements from start up to,"
          + " not including, end");
      return null;
    }
    return (int) (value < 0 ? value + dim : value);
  }

  /** The compile-time integer an item's expression gives, or null after reporting it is not one. */
  private Long integer(Expr expr, String what) {
    Value v = evaluate.apply(expr);
    if (v instanceof Value.Poison) {
      return null;
    }
    if (v instanceof Value.Int i) {
      return i.value();
    }
    diagnostics.error(expr.span(), what + " must be an integer known at compile time, got " + v.describe(),
        v instanceof Value.Tensor ? "subscripts are fixed when the model is compiled; a tensor cannot index" : null);
    return null;
  }
}
