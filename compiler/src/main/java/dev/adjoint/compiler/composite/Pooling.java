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

  /**
   * The mean of each window, padded zeros included (PyTorch's {@code count_include_pad=True}); with
   * {@code ceil_mode}, a last window reaching past the padded input divides by the positions it
   * holds inside it, as PyTorch does.
   */
  public static Node avgPool(NodeBuilder b, Node x, Attrs.Pool w) {
    return tiles(w, x) ? tiled(b, x, w) : gathered(b, x, w);
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

  /** Windows side by side, none reaching past the input (as a ceil_mode window may). */
  private static boolean tiles(Attrs.Pool w, Node x) {
    if (!w.stride().equals(w.kernel()) || !w.padding().stream().allMatch(p -> p == 0)) {
      return false;
    }
    for (int i = 0; i < w.kernel().size(); i++) {
      int size = x.shape().dim(i + 1);
      if (w.outputSize(i, size) * w.kernel().get(i) > size) {
        return false;
      }
    }
    return true;
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

  /**
   * Overlapping, padded or ceil_mode windows: one strided slice per kernel offset, side by side
   * on a new axis. Windows reaching past the padded input (ceil_mode) read zeros there, and
   * their sums are divided by the count of their positions inside it.
   */
  private static Node gathered(NodeBuilder b, Node x, Attrs.Pool w) {
    int rank = w.kernel().size();
    int[] outs = new int[rank];
    int[] overhang = new int[rank];
    List<Integer> extent = new ArrayList<>(List.of(1));
    boolean past = false;
    for (int i = 0; i < rank; i++) {
      int size = x.shape().dim(i + 1);
      int padded = size + 2 * w.padding().get(i);
      outs[i] = w.outputSize(i, size);
      overhang[i] = Math.max(0, (outs[i] - 1) * w.stride().get(i) + w.kernel().get(i) - padded);
      past |= overhang[i] > 0;
      extent.add(padded);
    }
    extent.add(1);
    Node windows = windows(b, Joins.pad(b, x, widths(w.padding(), overhang, true), 0), w, outs);
    List<Integer> windowAxis = List.of(rank + 1);
    if (!past) {
      return b.mean(windows, windowAxis, false);
    }
    Node inside = b.broadcastTo(b.constant(1, x), Shape.of(extent));
    Node counts = windows(b, Joins.pad(b, inside, widths(w.padding(), overhang, false), 0), w, outs);
    return b.div(b.sum(windows, windowAxis, false), b.sum(counts, windowAxis, false));
  }

  /** Pad widths per axis of [B, S..., C]: the padding before (if {@code before}), padding and overhang after. */
  private static List<int[]> widths(List<Integer> padding, int[] overhang, boolean withPadding) {
    List<int[]> widths = new ArrayList<>();
    widths.add(new int[2]);
    for (int i = 0; i < overhang.length; i++) {
      int p = withPadding ? padding.get(i) : 0;
      widths.add(new int[] {p, p + overhang[i]});
    }
    widths.add(new int[2]);
    return widths;
  }

  /** The windows of a padded tensor, {@code [B, out..., kh·kw, C]}: one strided slice per kernel offset. */
  private static Node windows(NodeBuilder b, Node padded, Attrs.Pool w, int[] outs) {
    List<Node> slices = new ArrayList<>();
    slices.add(padded);
    for (int i = 0; i < w.kernel().size(); i++) {
      int axis = i + 1;
      List<Node> next = new ArrayList<>();
      for (Node s : slices) {
        for (int k = 0; k < w.kernel().get(i); k++) {
          next.add(b.slice(s, axis, k, k + (outs[i] - 1) * w.stride().get(i) + 1, w.stride().get(i)));
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
    return columns.size() == 1 ? columns.get(0) : b.concat(columns, windowAxis);
  }
}
