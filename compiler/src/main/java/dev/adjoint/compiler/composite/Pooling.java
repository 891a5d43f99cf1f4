package dev.adjoint.compiler.composite;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Pooling over the spatial axes of channels-last tensors ({@code [B, L, C]}, {@code [B, H, W, C]}).
 * The maximum is POOL_ARGMAX then SPATIAL_TAKE (its gradient goes to the first maximum of
 * each window, as in PyTorch). The mean is built from movement ops and a reduction, so that
 * its derivative comes from theirs: a window tiling the input (stride equal to the kernel, no
 * padding) is a reshape into {@code [B, H/kh, kh, W/kw, kw, C]} averaged over the kernel axes;
 * other windows are gathered by strided slices into {@code [B, H_out, W_out, kh*kw, C]}.
 */
public final class Pooling {
  private Pooling() {}

  /**
   * The maximum of each window: the input taken at each window's argmax, an index kept in
   * its own planned buffer, so that the backward pass puts the gradient back at it (and the
   * derivative of that takes it again); padding is never the maximum.
   */
  public static Node maxPool(NodeBuilder b, Node x, Attrs.Pool w) {
    return b.spatialTake(x, b.poolArgmax(x, w));
  }

  /** The mean of each window, padded zeros included (PyTorch's {@code count_include_pad=True}). */
  public static Node avgPool(NodeBuilder b, Node x, Attrs.Pool w) {
    return tiles(w) ? tiled(b, x, w) : gathered(b, x, w);
  }

  /** The maximum or mean of each sample's channel over every spatial axis: {@code [B, ..., C]} to {@code [B, C]}. */
  public static Node globalPool(NodeBuilder b, Node x, boolean max) {
    List<Integer> axes = spatialAxes(x.shape().rank());
    return max ? b.reduceMax(x, axes, false) : b.mean(x, axes, false);
  }

  private static List<Integer> spatialAxes(int rank) {
    List<Integer> axes = new ArrayList<>();
    for (int axis = 1; axis < rank - 1; axis++) {
      axes.add(axis);
    }
    return axes;
  }

  private static boolean tiles(Attrs.Pool w) {
    return w.stride().equals(w.kernel()) && w.padding().stream().allMatch(p -> p == 0);
  }

  /** Windows that tile the input: the remainder cut off, then each window an axis of its own. */
  private static Node tiled(NodeBuilder b, Node x, Attrs.Pool w) {
    Node cut = x;
    List<Integer> dims = new ArrayList<>(List.of(x.shape().dim(0)));
    List<Integer> axes = new ArrayList<>();
    for (int i = 0; i < w.kernel().size(); i++) {
      int axis = i + 1;
      int out = w.outputSize(i, x.shape().dim(axis));
      if (out * w.kernel().get(i) != x.shape().dim(axis)) {
        cut = b.slice(cut, axis, 0, out * w.kernel().get(i));
      }
      dims.add(out);
      dims.add(w.kernel().get(i));
      axes.add(2 + 2 * i);
    }
    dims.add(x.shape().last());
    return b.mean(b.reshape(cut, Shape.of(dims)), axes, false);
  }

  /** Overlapping or padded windows: one strided slice per kernel offset, side by side on a new axis. */
  private static Node gathered(NodeBuilder b, Node x, Attrs.Pool w) {
    List<int[]> widths = new ArrayList<>();
    widths.add(new int[2]);
    for (int p : w.padding()) {
      widths.add(new int[] {p, p});
    }
    widths.add(new int[2]);
    Node padded = Joins.pad(b, x, widths, 0);
    List<Node> slices = new ArrayList<>();
    slices.add(padded);
    for (int i = 0; i < w.kernel().size(); i++) {
      int axis = i + 1;
      int out = w.outputSize(i, x.shape().dim(axis));
      List<Node> next = new ArrayList<>();
      for (Node s : slices) {
        for (int k = 0; k < w.kernel().get(i); k++) {
          next.add(b.slice(s, axis, k, k + (out - 1) * w.stride().get(i) + 1, w.stride().get(i)));
        }
      }
      slices = next;
    }
    int windowAxis = w.kernel().size() + 1;
    List<Node> columns = new ArrayList<>();
    for (Node s : slices) {
      Shape shape = s.shape();
      columns.add(b.reshape(s, shape.slice(0, windowAxis).append(1, shape.last())));
    }
    Node windows = columns.size() == 1 ? columns.get(0) : b.concat(columns, windowAxis);
    return b.mean(windows, List.of(windowAxis), false);
  }
}
