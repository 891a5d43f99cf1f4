package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.frontend.Builtin;
import dev.adjoint.compiler.frontend.BuiltinTable;
import dev.adjoint.compiler.frontend.CallContext;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Functions that add, remove or merge axes without moving data: {@code squeeze},
 * {@code unsqueeze} (also spelled {@code expand_dims}) and {@code flatten}, each one RESHAPE.
 * The batch axis B stays where it is and whole: none of them may remove it, merge it with
 * another axis or put an axis before it.
 */
public final class AxisFunctions {
  private static final String CATEGORY = "math";

  private AxisFunctions() {}

  public static void register(BuiltinTable table) {
    table.add(new Builtin(Signature.of("squeeze", Args.tensor("x"), Parameter.optional("axis", Kind.INT)),
        CATEGORY, "removes an axis of size 1, or every such axis", AxisFunctions::squeeze));
    for (String name : List.of("unsqueeze", "expand_dims")) {
      table.add(new Builtin(Signature.of(name, Args.tensor("x"), Parameter.required("axis", Kind.INT)), CATEGORY,
          "adds an axis of size 1 at position axis", (a, c) -> unsqueeze(name, a, c)));
    }
    table.add(new Builtin(Signature.of("flatten", Args.tensor("x"), Parameter.of("start_axis", Kind.INT,
        new Value.Int(1)), Parameter.of("end_axis", Kind.INT, new Value.Int(-1))), CATEGORY,
        "merges axes start_axis to end_axis into one", AxisFunctions::flatten));
  }

  private static Value squeeze(BoundArgs a, CallContext c) {
    Node x = a.tensor("x");
    Shape s = x.shape();
    List<Integer> dims = new ArrayList<>();
    if (!a.has("axis")) {
      for (int d : s.dims()) {
        if (d != 1) {
          dims.add(d);
        }
      }
      return new Value.Tensor(c.ops().reshape(x, Shape.of(dims)));
    }
    int axis = axis(a, c, "squeeze", x, s.rank());
    if (axis < 0) {
      return Value.POISON;
    }
    if (s.dim(axis) != 1) {
      return c.error(a.span("axis"), "squeeze(): axis " + a.integer("axis") + " of " + x.type() + " has size "
          + Shape.dimText(s.dim(axis)) + ", not 1", s.dim(axis) == Shape.BATCH
          ? "the batch axis B stays; squeeze removes only axes of size 1" : "only an axis of size 1 can be removed;"
          + " to pick one element of it, index it, e.g. x[:, 0]");
    }
    for (int i = 0; i < s.rank(); i++) {
      if (i != axis) {
        dims.add(s.dim(i));
      }
    }
    return new Value.Tensor(c.ops().reshape(x, Shape.of(dims)));
  }

  private static Value unsqueeze(String name, BoundArgs a, CallContext c) {
    Node x = a.tensor("x");
    Shape s = x.shape();
    int axis = axis(a, c, name, x, s.rank() + 1);
    if (axis < 0) {
      return Value.POISON;
    }
    if (s.hasBatch() && axis <= s.batchAxis()) {
      return c.error(a.span("axis"), name + "(): a new axis " + a.integer("axis") + " of " + x.type()
          + " would come before the batch axis B", "B stays the first axis; add the axis after it, e.g. "
          + name + "(x, 1)");
    }
    List<Integer> dims = new ArrayList<>();
    for (int d : s.dims()) {
      dims.add(d);
    }
    dims.add(axis, 1);
    return new Value.Tensor(c.ops().reshape(x, Shape.of(dims)));
  }

  private static Value flatten(BoundArgs a, CallContext c) {
    Node x = a.tensor("x");
    Shape s = x.shape();
    if (s.isScalar()) {
      return c.error(a.span("x"), "flatten(): " + x.type() + " is a scalar, with no axes to merge", null);
    }
    int start = normalized(a.integer("start_axis"), s.rank());
    int end = normalized(a.integer("end_axis"), s.rank());
    if (start < 0 || end < 0) {
      String which = start < 0 ? "start_axis" : "end_axis";
      return c.error(a.span(which), "flatten(): " + which + " " + a.integer(which) + " is out of range for "
          + x.type() + ": " + validAxes(s.rank()), "negative axes count from the end: -1 is the last");
    }
    if (start > end) {
      return c.error(a.span("start_axis"), "flatten(): start_axis " + a.integer("start_axis")
          + " comes after end_axis " + a.integer("end_axis") + " of " + x.type(), null);
    }
    int batch = s.batchAxis();
    if (batch >= start && batch <= end && start < end) {
      return c.error(a.span(start == batch ? "start_axis" : "end_axis"), "flatten(): axes " + start + " to " + end
          + " of " + x.type() + " include the batch axis B", "the samples of a batch stay apart: flatten the axes"
          + " after B, e.g. flatten(x, start_axis = 1)");
    }
    List<Integer> dims = new ArrayList<>();
    long merged = 1;
    for (int i = 0; i < s.rank(); i++) {
      if (i < start || i > end) {
        dims.add(s.dim(i));
      } else {
        merged *= s.dim(i) == Shape.BATCH ? 1 : s.dim(i);
        if (i == end) {
          dims.add(start == end ? s.dim(i) : (int) merged);
        }
      }
    }
    return new Value.Tensor(c.ops().reshape(x, Shape.of(dims)));
  }

  /** The {@code axis} argument normalized for a shape of {@code rank} positions, or -1 after an error. */
  private static int axis(BoundArgs a, CallContext c, String name, Node x, int rank) {
    int axis = normalized(a.integer("axis"), rank);
    if (axis < 0) {
      c.error(a.span("axis"), name + "(): axis " + a.integer("axis") + " is out of range for " + x.type() + ": "
          + validAxes(rank), "negative axes count from the end: -1 is the last");
    }
    return axis;
  }

  /** An axis counted from the end when negative, or -1 when outside {@code -rank .. rank-1}. */
  private static int normalized(int axis, int rank) {
    int a = axis < 0 ? axis + rank : axis;
    return a >= 0 && a < rank ? a : -1;
  }

  private static String validAxes(int rank) {
    return rank == 0 ? "a scalar has no axes" : "valid axes are " + -rank + " to " + (rank - 1);
  }
}
