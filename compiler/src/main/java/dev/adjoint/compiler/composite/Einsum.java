package dev.adjoint.compiler.composite;

import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeException;
import java.util.ArrayList;
import java.util.List;

/**
 * einsum over one or two operands whose axes are named by letters (checked by the front end:
 * distinct within an operand, sizes agreeing), as sums, transposes, reshapes and one matrix
 * product. Letters only one operand has and the output lacks are summed first; the others
 * are batch letters (both operands and the output), contracted (both operands, not the
 * output) or free (one operand and the output). Two operands become one BATCH_MATMUL over
 * the batch letters, or one MATMUL without them, whose operands are read transposed where
 * that saves a copy: {@code "bhtd,bhsd->bhts"} is q·kᵀ on q and k as they are.
 */
public final class Einsum {
  private Einsum() {}

  public static Node of(NodeBuilder b, List<List<Character>> inputs, List<Node> operands, List<Character> output) {
    if (operands.size() == 1) {
      Labeled x = sumUnused(b, new Labeled(operands.get(0), inputs.get(0)), output, List.of());
      return x.permute(b, output).node;
    }
    Labeled x = new Labeled(operands.get(0), inputs.get(0));
    Labeled y = new Labeled(operands.get(1), inputs.get(1));
    x = sumUnused(b, x, output, y.labels);
    y = sumUnused(b, y, output, x.labels);
    List<Character> batch = new ArrayList<>();
    List<Character> contracted = new ArrayList<>();
    for (char c : x.labels) {
      if (y.labels.contains(c)) {
        (output.contains(c) ? batch : contracted).add(c);
      }
    }
    Labeled result = batch.isEmpty() ? matmul(b, x, y, contracted) : batched(b, x, y, batch, contracted);
    return result.permute(b, output).node;
  }

  /** A node with a letter per axis. */
  private record Labeled(Node node, List<Character> labels) {
    int dim(char c) {
      return node.shape().dim(labels.indexOf(c));
    }

    boolean hasBatchIn(List<Character> group) {
      return group.stream().anyMatch(c -> dim(c) == Shape.BATCH);
    }

    /** The axes reordered as {@code order} says (no node when already so). */
    Labeled permute(NodeBuilder b, List<Character> order) {
      if (order.equals(labels)) {
        return this;
      }
      List<Integer> perm = new ArrayList<>();
      for (char c : order) {
        perm.add(labels.indexOf(c));
      }
      return new Labeled(b.transpose(node, perm), order);
    }

    /** The sizes of a group of letters, merged into one (static) size. */
    int size(List<Character> group) {
      long size = 1;
      for (char c : group) {
        size *= dim(c);
      }
      return (int) size;
    }

    List<Integer> dims(List<Character> group) {
      List<Integer> dims = new ArrayList<>();
      for (char c : group) {
        dims.add(dim(c));
      }
      return dims;
    }
  }

  /** Sums over the letters that neither the output nor the other operand has. */
  private static Labeled sumUnused(NodeBuilder b, Labeled x, List<Character> output, List<Character> other) {
    List<Integer> axes = new ArrayList<>();
    List<Character> kept = new ArrayList<>();
    for (int i = 0; i < x.labels.size(); i++) {
      char c = x.labels.get(i);
      if (output.contains(c) || other.contains(c)) {
        kept.add(c);
      } else {
        axes.add(i);
      }
    }
    return axes.isEmpty() ? x : new Labeled(b.sum(x.node, axes, false), kept);
  }

  private static List<Character> free(Labeled x, Labeled other) {
    return x.labels.stream().filter(c -> !other.labels.contains(c)).toList();
  }

  private static List<Character> concat(List<Character> first, List<Character> second) {
    List<Character> out = new ArrayList<>(first);
    out.addAll(second);
    return out;
  }

  private static List<Character> concat(List<Character> first, List<Character> second, List<Character> third) {
    return concat(concat(first, second), third);
  }

  /**
   * No batch letters: one MATMUL. Summing over B (Xᵀ·Y over the samples) is its transposeA
   * form; otherwise the operand holding B (if any) is the left one, as its rows.
   */
  private static Labeled matmul(NodeBuilder b, Labeled x, Labeled y, List<Character> contracted) {
    if (x.hasBatchIn(contracted)) {
      List<Character> fx = free(x, y);
      List<Character> fy = free(y, x);
      Node left = b.reshape(x.permute(b, concat(contracted, fx)).node,
          Shape.of(concat2(x.dims(contracted), List.of(x.size(fx)))));
      Node right = b.reshape(y.permute(b, concat(contracted, fy)).node,
          Shape.of(concat2(y.dims(contracted), List.of(y.size(fy)))));
      Node product = b.matmul(left, right, true, false);
      return new Labeled(b.reshape(product, Shape.of(concat2(x.dims(fx), y.dims(fy)))), concat(fx, fy));
    }
    Labeled l = y.hasBatchIn(free(y, x)) ? y : x;
    Labeled r = l == x ? y : x;
    List<Character> fl = free(l, r);
    List<Character> fr = free(r, l);
    Labeled leftOrdered = l.permute(b, concat(fl, contracted));
    Node left = b.reshape(leftOrdered.node, Shape.of(concat2(l.dims(fl), List.of(l.size(contracted)))));
    boolean transposeB = r.labels.equals(concat(fr, contracted)) && !fr.isEmpty() && !contracted.isEmpty();
    Node right = transposeB ? reshape(b, r, fr, contracted) : reshape(b, r.permute(b, concat(contracted, fr)), contracted, fr);
    Node product = b.matmul(left, right, false, transposeB);
    List<Integer> dims = concat2(l.dims(fl), r.dims(fr));
    return new Labeled(b.reshape(product, Shape.of(dims)), concat(fl, fr));
  }

  /** Batch letters: one BATCH_MATMUL over them, B (if an operand's free letter) made one by broadcasting. */
  private static Labeled batched(NodeBuilder b, Labeled x, Labeled y, List<Character> batch, List<Character> contracted) {
    if (x.hasBatchIn(contracted)) {
      throw new ShapeException("einsum: summing over the batch B together with batch axes "
          + batch + " is not supported", "sum the product over B with sum(..., axis = ...) afterwards");
    }
    for (char c : concat(free(x, y), free(y, x))) {
      boolean inX = x.labels.contains(c);
      if ((inX ? x : y).dim(c) == Shape.BATCH) {
        // B on one side only: the other operand broadcast over it, so that B is a batch letter
        x = inX ? x : withAxis(b, x, c);
        y = inX ? withAxis(b, y, c) : y;
        batch = concat(List.of(c), batch);
        break;
      }
    }
    List<Character> fx = free(x, y);
    List<Character> fy = free(y, x);
    boolean transposeA = !x.labels.equals(concat(batch, fx, contracted)) && x.labels.equals(concat(batch, contracted, fx));
    Labeled xs = x.permute(b, transposeA ? concat(batch, contracted, fx) : concat(batch, fx, contracted));
    boolean transposeB = !transposeA && !y.labels.equals(concat(batch, contracted, fy))
        && y.labels.equals(concat(batch, fy, contracted));
    Labeled ys = y.permute(b, transposeB ? concat(batch, fy, contracted) : concat(batch, contracted, fy));
    Node left = transposeA ? batchReshape(b, xs, batch, contracted, fx) : batchReshape(b, xs, batch, fx, contracted);
    Node right = transposeB ? batchReshape(b, ys, batch, fy, contracted) : batchReshape(b, ys, batch, contracted, fy);
    Node product = b.batchMatmul(left, right, transposeA, transposeB);
    List<Integer> dims = concat2(xs.dims(batch), concat2(xs.dims(fx), ys.dims(fy)));
    return new Labeled(b.reshape(product, Shape.of(dims)), concat(batch, fx, fy));
  }

  /** {@code x} with a leading axis {@code c} over the batch B, its values repeated along it. */
  private static Labeled withAxis(NodeBuilder b, Labeled x, char c) {
    Node one = b.reshape(x.node, Shape.of(concat2(List.of(1), x.dims(x.labels))));
    Node wide = b.broadcastTo(one, Shape.of(concat2(List.of(Shape.BATCH), x.dims(x.labels))));
    return new Labeled(wide, concat(List.of(c), x.labels));
  }

  /** [rows..., cols] of an operand ordered as the groups: each group merged into one size. */
  private static Node reshape(NodeBuilder b, Labeled x, List<Character> rows, List<Character> cols) {
    return b.reshape(x.node, Shape.of(x.size(rows), x.size(cols)));
  }

  private static Node batchReshape(NodeBuilder b, Labeled x, List<Character> batch, List<Character> rows,
      List<Character> cols) {
    return b.reshape(x.node, Shape.of(concat2(x.dims(batch), List.of(x.size(rows), x.size(cols)))));
  }

  private static List<Integer> concat2(List<Integer> first, List<Integer> second) {
    List<Integer> out = new ArrayList<>(first);
    out.addAll(second);
    return out;
  }
}
