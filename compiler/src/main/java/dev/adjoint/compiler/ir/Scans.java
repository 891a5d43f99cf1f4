package dev.adjoint.compiler.ir;

import java.util.List;

/**
 * The shape rule of {@link Op#SCAN} and the shape arithmetic of loops over one axis: a
 * sequence's step slice is the sequence without its time axis; a stacked result is the
 * carry with the time axis put back.
 */
public final class Scans {
  private Scans() {}

  /**
   * scan(init, sequences..., constants...): the init has the carry's type, each sequence
   * has the same static length T ≥ 1 along the axis and, without that axis, its slice's
   * type, each constant its placeholder's type; the result is the carry, or every step's
   * carry stacked along the axis.
   */
  static TensorType infer(Primitive op, List<TensorType> in, Attrs attrs) {
    Attrs.Scan scan = (Attrs.Scan) attrs;
    ScanBody body = scan.body();
    if (in.size() != body.placeholders().size()) {
      throw new ShapeException("scan takes " + body.placeholders().size() + " inputs for its body, got " + in.size());
    }
    for (int i = 0; i < in.size(); i++) {
      if (i >= 1 && i <= body.sequences()) {
        continue;
      }
      if (!in.get(i).equals(body.placeholders().get(i).type())) {
        throw new ShapeException("scan input " + i + " is " + in.get(i) + " where its body expects "
            + body.placeholders().get(i).type());
      }
    }
    int length = -1;
    for (int i = 0; i < body.sequences(); i++) {
      TensorType sequence = in.get(1 + i);
      int axis = scan.axis();
      if (axis < 0 || axis >= sequence.shape().rank() || sequence.shape().dim(axis) < 1) {
        throw new ShapeException("scan sequence " + i + " " + sequence + " has no static steps along axis " + axis);
      }
      int steps = sequence.shape().dim(axis);
      if (length >= 0 && steps != length) {
        throw new ShapeException("scan sequences have " + length + " and " + steps + " steps");
      }
      length = steps;
      TensorType slice = new TensorType(sequence.dtype(), remove(sequence.shape(), axis));
      if (!slice.equals(body.slice(i).type())) {
        throw new ShapeException("a step of scan sequence " + i + " is " + slice + " where its body expects "
            + body.slice(i).type());
      }
    }
    TensorType carry = body.carry().type();
    if (!scan.stacked()) {
      return carry;
    }
    if (scan.axis() > carry.shape().rank()) {
      throw new ShapeException("scan cannot stack carries " + carry + " along axis " + scan.axis());
    }
    return new TensorType(carry.dtype(), insert(carry.shape(), scan.axis(), length));
  }

  /** The number of steps of a SCAN node. */
  public static int length(Node scan) {
    return scan.input(1).shape().dim(scan.attrs(Attrs.Scan.class).axis());
  }

  /** {@code shape} without axis {@code axis}. */
  public static Shape remove(Shape shape, int axis) {
    int[] dims = shape.dims();
    int[] out = new int[dims.length - 1];
    for (int i = 0, j = 0; i < dims.length; i++) {
      if (i != axis) {
        out[j++] = dims[i];
      }
    }
    return Shape.of(out);
  }

  /** {@code shape} with a new axis {@code axis} of size {@code size}. */
  public static Shape insert(Shape shape, int axis, int size) {
    int[] dims = shape.dims();
    int[] out = new int[dims.length + 1];
    for (int i = 0, j = 0; i < out.length; i++) {
      out[i] = i == axis ? size : dims[j++];
    }
    return Shape.of(out);
  }
}
