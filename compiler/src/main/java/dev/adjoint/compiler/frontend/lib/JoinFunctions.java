package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.composite.Joins;
import dev.adjoint.compiler.frontend.Builtin;
import dev.adjoint.compiler.frontend.BuiltinTable;
import dev.adjoint.compiler.frontend.Checks;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Joining and splitting: {@code concat}, {@code stack}, {@code split}, {@code chunk},
 * {@code pad}, {@code tile} and {@code repeat_interleave}. Several tensors go in, or come
 * out, as a tuple: {@code concat((a, b), axis = 1)}, {@code a, b = split(x, (2, 3))}.
 * None of them works along the batch axis B: a sample's values would move into another
 * sample's, and the batch size is known only at run time.
 */
public final class JoinFunctions {
  private static final String CATEGORY = "math";
  private static final Value LAST_AXIS = new Value.Int(-1);
  /** The most pieces split and chunk give: each is a node and a name to bind, far beyond real models. */
  static final int MAX_PIECES = 10_000;

  private JoinFunctions() {}

  public static void register(BuiltinTable table) {
    table.add(new Builtin(Signature.of("concat", Parameter.required("xs", Kind.ANY), Parameter.of("axis", Kind.INT,
        LAST_AXIS)), CATEGORY, "a tuple of tensors joined along an existing axis (not B)", (a, c) -> {
          List<Node> xs = tensors(a.value("xs"), "concat", 1);
          int axis = Args.axis(xs.get(0), a.integer("axis"), "concat");
          requireNotBatch(xs.get(0), axis, "concat", "join");
          requireAlike(xs, axis);
          return new Value.Tensor(c.ops().concat(xs, axis));
        }));
    table.add(new Builtin(Signature.of("stack", Parameter.required("xs", Kind.ANY), Parameter.of("axis", Kind.INT,
        LAST_AXIS)), CATEGORY, "a tuple of tensors of one shape joined along a new axis", (a, c) -> {
          List<Node> xs = tensors(a.value("xs"), "stack", 1);
          int axis = newAxis(xs.get(0), a.integer("axis"));
          for (Node x : xs) {
            if (!x.type().equals(xs.get(0).type())) {
              throw new ShapeException("the tensors must all have one type, got " + xs.get(0).type() + " and "
                  + x.type(), "stack joins tensors of one shape along a new axis; to join along an existing axis,"
                  + " use concat");
            }
          }
          return new Value.Tensor(Joins.stack(c.ops(), xs, axis));
        }));
    table.add(new Builtin(Signature.of("split", Args.tensor("x"), Parameter.required("sizes", Kind.INTS),
        Parameter.of("axis", Kind.INT, LAST_AXIS)), CATEGORY,
        "x cut along an axis into pieces of the given sizes (a tuple that adds up to the axis), or of one size",
        (a, c) -> {
          Node x = a.tensor("x");
          int axis = Args.axis(x, a.integer("axis"), "split");
          requireNotBatch(x, axis, "split", "split");
          return pieces(c.ops(), x, axis, splitSizes(a.ints("sizes"), x.shape().dim(axis), a.value("sizes")));
        }));
    table.add(new Builtin(Signature.of("chunk", Args.tensor("x"), Args.positiveInt("n"),
        Parameter.of("axis", Kind.INT, LAST_AXIS)), CATEGORY,
        "x cut along an axis into n pieces as equal as can be (the first ones one longer)", (a, c) -> {
          Node x = a.tensor("x");
          int axis = Args.axis(x, a.integer("axis"), "chunk");
          requireNotBatch(x, axis, "chunk", "split");
          int dim = x.shape().dim(axis);
          int n = a.integer("n");
          if (n > dim) {
            throw new ShapeException("cannot cut axis " + axis + " of " + x.type() + " (" + dim + " long) into " + n
                + " pieces", "n can be at most " + dim);
          }
          List<Integer> sizes = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            sizes.add(dim / n + (i < dim % n ? 1 : 0));
          }
          return pieces(c.ops(), x, axis, sizes);
        }));
    table.add(new Builtin(Signature.of("pad", Args.tensor("x"), Parameter.required("widths", Kind.ANY),
        Args.number("value", 0)), CATEGORY,
        "x with value added before and after each axis: widths holds one (before, after) pair per axis", (a, c) -> {
          Node x = a.tensor("x");
          List<int[]> widths = padWidths(x, a.value("widths"));
          return new Value.Tensor(pad(c.ops(), x, widths, a.number("value")));
        }));
    table.add(new Builtin(Signature.of("tile", Args.tensor("x"), Parameter.required("reps", Kind.INTS)), CATEGORY,
        "x repeated whole along each axis: reps holds one count per axis (1 for B)", (a, c) -> {
          Node x = a.tensor("x");
          List<Integer> reps = a.ints("reps");
          if (reps.size() != x.shape().rank()) {
            throw new ShapeException("reps " + Checks.show(a.value("reps")) + " must hold one count for each of the "
                + x.shape().rank() + " axes of " + x.type(), "give one count per axis, 1 where nothing repeats");
          }
          for (int axis = 0; axis < reps.size(); axis++) {
            int r = reps.get(axis);
            if (r < 1 || x.shape().dim(axis) == Shape.BATCH && r != 1) {
              throw new ShapeException("the count for axis " + axis + " must be " + (r < 1 ? "positive" : "1")
                  + ", got " + r, r < 1 ? null : "axis " + axis + " of " + x.type() + " is the batch B, which"
                  + " cannot be repeated: every sample of a batch is computed apart");
            }
            requireFits(x.shape(), axis, (long) x.shape().dim(axis) * r);
          }
          return new Value.Tensor(Joins.tile(c.ops(), x, reps));
        }));
    table.add(new Builtin(Signature.of("repeat_interleave", Args.tensor("x"), Args.positiveInt("repeats"),
        Parameter.of("axis", Kind.INT, LAST_AXIS)), CATEGORY,
        "each element of x repeated along an axis: (a, b) twice is (a, a, b, b)", (a, c) -> {
          Node x = a.tensor("x");
          int axis = Args.axis(x, a.integer("axis"), "repeat_interleave");
          requireNotBatch(x, axis, "repeat_interleave", "repeat");
          int r = a.integer("repeats");
          requireFits(x.shape(), axis, (long) x.shape().dim(axis) * r);
          return new Value.Tensor(Joins.repeatInterleave(c.ops(), x, axis, r));
        }));
  }

  /** The tensors of a tuple argument, at least {@code min} of them. */
  private static List<Node> tensors(Value v, String function, int min) {
    if (!(v instanceof Value.Tuple t)) {
      String hint = v instanceof Value.Tensor ? "write the tensors as a tuple: " + function + "((a, b), axis = 1)"
          : "write the tensors as a tuple, such as (a, b)";
      throw new ShapeException("the first argument must be a tuple of tensors, got " + v.describe(), hint);
    }
    List<Node> out = new ArrayList<>();
    for (Value item : t.items()) {
      if (!(item instanceof Value.Tensor tensor)) {
        throw new ShapeException("every item of the tuple must be a tensor, got " + item.describe());
      }
      out.add(tensor.node());
    }
    if (out.size() < min) {
      throw new ShapeException("needs at least " + min + " tensor, got none");
    }
    return out;
  }

  private static void requireNotBatch(Node x, int axis, String function, String verb) {
    if (x.shape().dim(axis) == Shape.BATCH) {
      throw new ShapeException("axis " + axis + " of " + x.type() + " is the batch B, which " + function
          + " cannot " + verb, "every sample of a batch is computed apart, and the batch size is known only at run"
          + " time; " + verb + " along another axis");
    }
  }

  /** Every tensor like the first but along the axis, each mismatch named with both shapes and the axis. */
  private static void requireAlike(List<Node> xs, int axis) {
    Node first = xs.get(0);
    long total = 0;
    for (Node x : xs) {
      if (x.dtype() != first.dtype()) {
        throw new ShapeException("cannot join " + first.type() + " and " + x.type() + ": their dtypes differ",
            "convert one with f32(...) or f64(...)");
      }
      Shape s = x.shape();
      if (s.rank() != first.shape().rank()) {
        throw new ShapeException("cannot join " + first.type() + " and " + x.type() + " along axis " + axis
            + ": their ranks differ");
      }
      for (int i = 0; i < s.rank(); i++) {
        if (i != axis && s.dim(i) != first.shape().dim(i)) {
          throw new ShapeException("cannot join " + first.type() + " and " + x.type() + " along axis " + axis
              + ": axis " + i + " differs (" + Shape.dimText(first.shape().dim(i)) + " vs " + Shape.dimText(s.dim(i))
              + ")", "every axis but the one joined must have the same size");
        }
      }
      total += s.dim(axis);
    }
    requireFits(first.shape(), axis, total);
  }

  private static void requireFits(Shape s, int axis, long length) {
    if (length > Shape.MAX_ELEMENTS) {
      throw new ShapeException("axis " + axis + " would be " + length + " long, more than a Java array holds");
    }
  }

  /** A new axis's position among rank + 1, negative counting from the end: -1 is a new last axis. */
  private static int newAxis(Node x, int axis) {
    int rank = x.shape().rank();
    int normalized = axis < 0 ? axis + rank + 1 : axis;
    if (normalized < 0 || normalized > rank) {
      throw new ShapeException("axis " + axis + " is out of range for a new axis of " + x.type(),
          "a new axis goes at 0 to " + rank + ", or -1 to -" + (rank + 1) + " from the end");
    }
    return normalized;
  }

  /** The pieces' sizes: the tuple given, adding up to the axis, or pieces of one size (the last shorter). */
  private static List<Integer> splitSizes(List<Integer> given, int dim, Value written) {
    if (!(written instanceof Value.Tuple)) {
      int size = given.get(0);
      if (size < 1) {
        throw new ShapeException("the size of a piece must be positive, got " + size);
      }
      List<Integer> sizes = new ArrayList<>();
      for (int start = 0; start < dim; start += size) {
        sizes.add(Math.min(size, dim - start));
      }
      return sizes;
    }
    long total = 0;
    for (int size : given) {
      if (size < 1) {
        throw new ShapeException("the sizes must be positive, got " + Checks.show(written));
      }
      total += size;
    }
    if (total != dim) {
      throw new ShapeException("the sizes " + Checks.show(written) + " add up to " + total + ", but the axis is "
          + dim + " long", "give sizes that add up to " + dim);
    }
    return given;
  }

  private static Value pieces(NodeBuilder b, Node x, int axis, List<Integer> sizes) {
    if (sizes.size() > MAX_PIECES) {
      throw new ShapeException("this would cut axis " + axis + " of " + x.type() + " into " + sizes.size()
          + " pieces, more than " + String.format("%,d", MAX_PIECES), "cut it into fewer, larger pieces");
    }
    return new Value.Tuple(Joins.pieces(b, x, axis, sizes).stream().<Value>map(Value.Tensor::new).toList());
  }

  /** One (before, after) pair of non-negative widths per axis; B's must be (0, 0). */
  private static List<int[]> padWidths(Node x, Value widths) {
    int rank = x.shape().rank();
    if (!(widths instanceof Value.Tuple t) || t.items().size() != rank) {
      String example = "(" + String.join(", ", Collections.nCopies(rank, "(0, 0)")) + ")";
      throw new ShapeException("widths must hold one (before, after) pair for each of the " + rank + " axes of "
          + x.type() + ", got " + Checks.show(widths), "write " + (rank == 1 ? "((0, 0),)" : example)
          + " with the widths you want");
    }
    List<int[]> out = new ArrayList<>();
    for (int axis = 0; axis < rank; axis++) {
      Value pair = t.items().get(axis);
      if (!(pair instanceof Value.Tuple p) || p.items().size() != 2
          || !p.items().stream().allMatch(i -> i instanceof Value.Int n && n.value() >= 0 && n.value() <= Shape.MAX_ELEMENTS)) {
        throw new ShapeException("the widths of axis " + axis + " must be a pair of whole numbers, zero or more, got "
            + Checks.show(pair), "write (before, after), such as (1, 2)");
      }
      int before = (int) ((Value.Int) p.items().get(0)).value();
      int after = (int) ((Value.Int) p.items().get(1)).value();
      if (x.shape().dim(axis) == Shape.BATCH && before + after > 0) {
        throw new ShapeException("axis " + axis + " of " + x.type() + " is the batch B, which cannot be padded",
            "every sample of a batch is computed apart; give (0, 0) for B");
      }
      if (x.shape().dim(axis) != Shape.BATCH) {
        requireFits(x.shape(), axis, (long) x.shape().dim(axis) + before + after);
      }
      out.add(new int[] {before, after});
    }
    return out;
  }

  /** x padded through {@link Joins#pad}, once the value suits its dtype. */
  private static Node pad(NodeBuilder b, Node x, List<int[]> widths, double value) {
    if (!x.dtype().isFloat() && value != Math.rint(value)) {
      throw new ShapeException("cannot pad " + x.type() + " with " + Checks.show(value)
          + ": the value must be a whole number");
    }
    return Joins.pad(b, x, widths, value);
  }
}
