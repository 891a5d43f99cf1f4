package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.frontend.Checks;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ShapeException;
import java.util.ArrayList;
import java.util.List;

/** Parameter shorthands and argument checks shared by the built-in libraries. */
final class Args {
  private Args() {}

  static Parameter tensor(String name) {
    return Parameter.required(name, Kind.TENSOR);
  }

  static Parameter positiveInt(String name) {
    return Parameter.required(name, Kind.INT).withCheck(Checks.positive());
  }

  static Parameter number(String name, double fallback) {
    return Parameter.of(name, Kind.NUMBER, new Value.Real(fallback));
  }

  static Parameter bool(String name, boolean fallback) {
    return Parameter.of(name, Kind.BOOL, new Value.Bool(fallback));
  }

  static Parameter reduction() {
    return Parameter.choice("reduction", "reduction", "mean", List.of("mean", "sum", "none"));
  }

  /** The axis of an {@code axis = -1} style argument, normalized, or a ShapeException naming it. */
  static int axis(Node x, int axis, String function) {
    int normalized = x.shape().normalizeAxis(axis);
    if (normalized < 0) {
      throw new ShapeException("axis " + axis + " is out of range for " + x.type());
    }
    return normalized;
  }

  /** Normalized, sorted, distinct axes. */
  static List<Integer> axes(Node x, List<Integer> axes, String function) {
    List<Integer> out = new ArrayList<>();
    for (int a : axes) {
      int normalized = axis(x, a, function);
      if (out.contains(normalized)) {
        throw new ShapeException("axis " + a + " is given twice");
      }
      out.add(normalized);
    }
    out.sort(null);
    return out;
  }

  /**
   * Two tensor arguments where a number written in the call (which arrives as an f32 scalar
   * constant) takes the floating-point dtype of the other operand, as it does with the
   * operators: {@code maximum(x, 0)} on an f64 {@code x} compares with an f64 zero.
   */
  static Node[] numbersAdopt(NodeBuilder b, Node x, Node y) {
    return new Node[] {adopt(b, x, y), adopt(b, y, x)};
  }

  private static Node adopt(NodeBuilder b, Node operand, Node other) {
    boolean number = operand.op() == Op.CONST && operand.shape().isScalar();
    if (!number || operand.dtype() == other.dtype() || !other.dtype().isFloat()) {
      return operand;
    }
    return b.at(operand.span()).constant(operand.attrs(Attrs.Fill.class).value(), other.dtype());
  }

  static void requireFloat(Node x, String what) {
    if (!x.dtype().isFloat()) {
      throw new ShapeException(what + " must be floating point, got " + x.type()
          + "; convert it with f32(...)");
    }
  }
}
