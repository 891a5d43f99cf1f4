package dev.adjoint.compiler.composite;

import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pooling over the spatial axes of channels-last tensors ({@code [B, L, C]}, {@code [B, H, W, C]}):
 * each window's maximum or mean, built from movement ops and a reduction, so that the
 * derivative (and the derivative of the derivative) comes from theirs. A window tiling the
 * input (stride equal to the kernel, no padding) is a reshape into {@code [B, H/kh, kh,
 * W/kw, kw, C]} reduced over the kernel axes; other windows are gathered by strided slices
 * into {@code [B, H_out, W_out, kh*kw, C]}. At a tie the maximum's gradient is shared evenly
 * among the elements that attain it (REDUCE_MAX's rule).
 */
public final class Pooling {
  private Pooling() {}

  /** A pooling window per spatial axis: sizes, strides and zero padding on both sides. */
  public record Window(int[] kernel, int[] stride, int[] padding) {
    public Window {
      kernel = kernel.clone();
      stride = stride.clone();
      padding = padding.clone();
      if (stride.length != kernel.length || padding.length != kernel.length) {
        throw new IllegalArgumentException("one kernel size, stride and padding per spatial axis");
      }
    }

    /** How many spatial axes the window spans. */
    public int rank() {
      return kernel.length;
    }

    /** The output size along spatial axis {@code i} for an input of {@code size}: PyTorch's floor rule. */
    public int outputSize(int i, int size) {
      return (size + 2 * padding[i] - kernel[i]) / stride[i] + 1;
    }

    boolean tiles() {
      for (int i = 0; i < kernel.length; i++) {
        if (stride[i] != kernel[i] || padding[i] != 0) {
          return false;
        }
      }
      return true;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Window w && Arrays.equals(kernel, w.kernel) && Arrays.equals(stride, w.stride)
          && Arrays.equals(padding, w.padding);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(kernel) * 31 * 31 + Arrays.hashCode(stride) * 31 + Arrays.hashCode(padding);
    }

    @Override
    public String toString() {
      return "Window[kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding="
          + Arrays.toString(padding) + "]";
    }
  }

  /** The maximum of each window; padding never wins (it holds the lowest finite value). */
  public static Node maxPool(NodeBuilder b, Node x, Window w) {
    return pool(b, x, w, true);
  }

  /** The mean of each window, padded zeros included (PyTorch's {@code count_include_pad=True}). */
  public static Node avgPool(NodeBuilder b, Node x, Window w) {
    return pool(b, x, w, false);
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

  private static Node pool(NodeBuilder b, Node x, Window w, boolean max) {
    return w.tiles() ? tiled(b, x, w, max) : gathered(b, x, w, max);
  }

  private static Node reduce(NodeBuilder b, Node windows, List<Integer> axes, boolean max) {
    return max ? b.reduceMax(windows, axes, false) : b.mean(windows, axes, false);
  }

  /** Windows that tile the input: the remainder cut off, then each window an axis of its own. */
  private static Node tiled(NodeBuilder b, Node x, Window w, boolean max) {
    Node cut = x;
    List<Integer> dims = new ArrayList<>(List.of(x.shape().dim(0)));
    List<Integer> axes = new ArrayList<>();
    for (int i = 0; i < w.rank(); i++) {
      int axis = i + 1;
      int out = w.outputSize(i, x.shape().dim(axis));
      if (out * w.kernel[i] != x.shape().dim(axis)) {
        cut = b.slice(cut, axis, 0, out * w.kernel[i]);
      }
      dims.add(out);
      dims.add(w.kernel[i]);
      axes.add(2 + 2 * i);
    }
    dims.add(x.shape().last());
    return reduce(b, b.reshape(cut, Shape.of(dims)), axes, max);
  }

  /** Overlapping or padded windows: one strided slice per kernel offset, side by side on a new axis. */
  private static Node gathered(NodeBuilder b, Node x, Window w, boolean max) {
    List<int[]> widths = new ArrayList<>();
    widths.add(new int[2]);
    for (int p : w.padding) {
      widths.add(new int[] {p, p});
    }
    widths.add(new int[2]);
    Node padded = Joins.pad(b, x, widths, max ? lowest(x.dtype()) : 0);
    List<Node> slices = new ArrayList<>();
    slices.add(padded);
    for (int i = 0; i < w.rank(); i++) {
      int axis = i + 1;
      int out = w.outputSize(i, x.shape().dim(axis));
      List<Node> next = new ArrayList<>();
      for (Node s : slices) {
        for (int k = 0; k < w.kernel[i]; k++) {
          next.add(b.slice(s, axis, k, k + (out - 1) * w.stride[i] + 1, w.stride[i]));
        }
      }
      slices = next;
    }
    int windowAxis = w.rank() + 1;
    List<Node> columns = new ArrayList<>();
    for (Node s : slices) {
      Shape shape = s.shape();
      columns.add(b.reshape(s, shape.slice(0, windowAxis).append(1, shape.last())));
    }
    Node windows = columns.size() == 1 ? columns.get(0) : b.concat(columns, windowAxis);
    return reduce(b, windows, List.of(windowAxis), max);
  }

  /** The lowest finite value of a floating-point type: padding that never is a window's maximum. */
  private static double lowest(ScalarType dtype) {
    return dtype == ScalarType.F64 ? -Double.MAX_VALUE : -Float.MAX_VALUE;
  }
}
