package dev.adjoint.compiler.composite;

import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Joining and splitting built from CONCAT, SLICE, PAD, WHERE, RESHAPE and BROADCAST: stack,
 * pieces (split and chunk), pad with a value, tile and repeat_interleave. Arguments are
 * checked by the caller (the front end); the IR's shape rules reject what slips through.
 */
public final class Joins {
  private Joins() {}

  /** Tensors of one shape joined along a new axis at {@code axis} (0 to rank). */
  public static Node stack(NodeBuilder b, List<Node> xs, int axis) {
    Shape unit = insert(xs.get(0).shape(), axis, 1);
    return b.concat(xs.stream().map(x -> b.reshape(x, unit)).toList(), axis);
  }

  /** x cut along {@code axis} into consecutive pieces of the given sizes, which add up to the axis. */
  public static List<Node> pieces(NodeBuilder b, Node x, int axis, List<Integer> sizes) {
    List<Node> out = new ArrayList<>();
    int start = 0;
    for (int size : sizes) {
      out.add(size == x.shape().dim(axis) ? x : b.slice(x, axis, start, start + size));
      start += size;
    }
    return out;
  }

  /**
   * x with {@code widths[axis] = {before, after}} elements of {@code value} around each axis:
   * zeros through PAD; for another value, ones padded alike choose between x's elements, as
   * they are, and the value.
   */
  public static Node pad(NodeBuilder b, Node x, List<int[]> widths, double value) {
    Node padded = x;
    Node inside = value == 0 ? null : b.broadcastTo(b.constant(1, x), x.shape());
    for (int axis = 0; axis < widths.size(); axis++) {
      int[] w = widths.get(axis);
      if (w[0] + w[1] > 0) {
        padded = b.pad(padded, axis, w[0], w[1]);
        inside = inside == null ? null : b.pad(inside, axis, w[0], w[1]);
      }
    }
    if (inside == null || padded == x) {
      return padded;
    }
    return b.where(inside, padded, b.constant(value, padded));
  }

  /**
   * x repeated whole {@code reps.get(axis)} times along each axis: per repeated axis, a new
   * axis of 1 before it, broadcast to the count, and the two merged (so that a large count
   * costs no more nodes than a small one; the gradient sums over the copies).
   */
  public static Node tile(NodeBuilder b, Node x, List<Integer> reps) {
    Node out = x;
    for (int axis = 0; axis < reps.size(); axis++) {
      int r = reps.get(axis);
      if (r != 1) {
        Shape s = out.shape();
        Node spread = b.broadcastTo(b.reshape(out, insert(s, axis, 1)), insert(s, axis, r));
        out = b.reshape(spread, s.with(axis, s.dim(axis) * r));
      }
    }
    return out;
  }

  /**
   * Each element repeated {@code r} times along {@code axis}: x given a new axis of 1 after
   * it, broadcast to r, and the two axes merged.
   */
  public static Node repeatInterleave(NodeBuilder b, Node x, int axis, int r) {
    Shape s = x.shape();
    Node spread = b.broadcastTo(b.reshape(x, insert(s, axis + 1, 1)), insert(s, axis + 1, r));
    return b.reshape(spread, s.with(axis, s.dim(axis) * r));
  }

  /** The shape with a new axis of {@code dim} at {@code axis}. */
  public static Shape insert(Shape s, int axis, int dim) {
    int[] dims = new int[s.rank() + 1];
    for (int i = 0, k = 0; i < dims.length; i++) {
      dims[i] = i == axis ? dim : s.dim(k++);
    }
    return Shape.of(dims);
  }
}
