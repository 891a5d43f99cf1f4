package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.composite.Pooling;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.frontend.Builtin;
import dev.adjoint.compiler.frontend.BuiltinTable;
import dev.adjoint.compiler.frontend.Checks;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeException;
import java.util.Arrays;
import java.util.List;

/**
 * Pooling over the spatial axes of channels-last tensors: {@code max_pool1d/2d} and
 * {@code avg_pool1d/2d} over windows ({@code [B, L, C]} and {@code [B, H, W, C]}), and
 * {@code global_avg_pool}, {@code global_max_pool} over all of space. Window sizes are
 * one number for every spatial axis or one per axis; the input's shape is checked here so
 * that misuse is reported at the call.
 */
public final class PoolFunctions {
  private static final String CATEGORY = "pooling";
  /**
   * The most elements an overlapping or padded averaging window holds: it is gathered by one
   * strided slice per element (see {@link Pooling}), far beyond the 3x3 to 7x7 windows of real models.
   */
  static final int MAX_OVERLAPPING_WINDOW = 256;

  private PoolFunctions() {}

  public static void register(BuiltinTable table) {
    for (int rank = 1; rank <= 2; rank++) {
      int spatial = rank;
      for (boolean max : new boolean[] {true, false}) {
        String name = (max ? "max" : "avg") + "_pool" + spatial + "d";
        table.add(new Builtin(Signature.of(name, Args.tensor("x"), Parameter.required("kernel", Kind.INTS),
            Parameter.optional("stride", Kind.INTS), Parameter.of("padding", Kind.INTS, new Value.Int(0)),
            Args.bool("ceil_mode", false)),
            CATEGORY, "the " + (max ? "maximum" : "mean") + " of each window over " + (spatial == 1 ? "L of [B, L, C]"
                : "H and W of [B, H, W, C]") + "; stride defaults to the kernel" + (max ? ""
                : ", padded zeros count") + "; ceil_mode keeps a last partial window", (a, c) -> {
                  Node x = spatialInput(a.tensor("x"), spatial, name);
                  Attrs.Pool w = window(a, x, spatial, max);
                  return new Value.Tensor(max ? Pooling.maxPool(c.ops(), x, w) : Pooling.avgPool(c.ops(), x, w));
                }));
      }
    }
    for (boolean max : new boolean[] {true, false}) {
      String name = "global_" + (max ? "max" : "avg") + "_pool";
      table.add(new Builtin(Signature.of(name, Args.tensor("x")), CATEGORY, "the " + (max ? "maximum" : "mean")
          + " of each channel over every spatial axis: [B, H, W, C] (or [B, L, C]) to [B, C]", (a, c) -> {
            Node x = a.tensor("x");
            Args.requireFloat(x, "the input");
            if (x.shape().rank() < 3) {
              throw new ShapeException("the input must be [B, L, C] or [B, H, W, C], with spatial axes between the"
                  + " batch and the channels, got " + x.type(), "features [B, n] have no spatial axes to pool");
            }
            requireSpatial(x, name);
            return new Value.Tensor(Pooling.globalPool(c.ops(), x, max));
          }));
    }
  }

  private static Node spatialInput(Node x, int spatial, String name) {
    Args.requireFloat(x, "the input");
    if (x.shape().rank() != spatial + 2) {
      String layout = spatial == 1 ? "[B, L, C]" : "[B, H, W, C]";
      throw new ShapeException("the input must have rank " + (spatial + 2) + ", " + layout + ", got " + x.type(),
          "channels go last; reshape first, e.g. reshape(x, " + example(x, spatial) + ")");
    }
    requireSpatial(x, name);
    return x;
  }

  /**
   * A reshape target: a channel axis of 1 added to {@code [B, H, W]} (or {@code [B, L]}), a
   * square image of one channel for flat features {@code [B, n]} when n is a square.
   */
  private static String example(Node x, int spatial) {
    Shape s = x.shape();
    if (s.rank() == spatial + 1 && s.dim(0) == Shape.BATCH && s.batchAxis() == 0) {
      StringBuilder target = new StringBuilder("(B");
      for (int axis = 1; axis < s.rank(); axis++) {
        target.append(", ").append(s.dim(axis));
      }
      return target.append(", 1)").toString();
    }
    int n = x.shape().rank() == 2 ? x.shape().last() : -1;
    if (spatial == 1) {
      return n > 0 ? "(B, " + n + ", 1)" : "(B, L, C)";
    }
    int side = (int) Math.round(Math.sqrt(Math.max(n, 0)));
    return n > 0 && side * side == n ? "(B, " + side + ", " + side + ", 1)" : "(B, H, W, C)";
  }

  private static void requireSpatial(Node x, String name) {
    for (int axis = 1; axis < x.shape().rank(); axis++) {
      if (x.shape().dim(axis) == Shape.BATCH) {
        throw new ShapeException("axis " + axis + " of " + x.type() + " is the batch B; " + name
            + " needs B first and fixed sizes after it");
      }
    }
  }

  private static Attrs.Pool window(BoundArgs a, Node x, int spatial, boolean max) {
    int[] kernel = sizes(a, "kernel", spatial, 1);
    int[] stride = a.has("stride") ? sizes(a, "stride", spatial, 1) : kernel.clone();
    int[] padding = sizes(a, "padding", spatial, 0);
    boolean ceil = a.bool("ceil_mode");
    long windowSize = 1;
    boolean tiles = true;
    for (int i = 0; i < spatial; i++) {
      windowSize *= kernel[i];
      tiles &= stride[i] == kernel[i] && padding[i] == 0 && (!ceil || x.shape().dim(i + 1) % kernel[i] == 0);
      if (2L * padding[i] > kernel[i]) {
        throw new ShapeException("padding " + padding[i] + " is more than half the kernel size " + kernel[i],
            "padding can be at most " + kernel[i] / 2 + ", as in PyTorch: a window must hold a value of the input");
      }
      int size = x.shape().dim(i + 1);
      if (size + 2L * padding[i] < kernel[i]) {
        throw new ShapeException("the kernel " + Checks.show(a.value("kernel")) + " is larger than the padded input:"
            + " axis " + (i + 1) + " of " + x.type() + " is " + size + (padding[i] > 0 ? " + 2 * " + padding[i] : "")
            + " long", "a window must fit the input: use a kernel of at most " + (size + 2 * padding[i]));
      }
    }
    if (!max && !tiles && windowSize > MAX_OVERLAPPING_WINDOW) {
      throw new ShapeException("a window of " + windowSize + " elements is more than " + MAX_OVERLAPPING_WINDOW
          + " with a stride, padding or ceil_mode that makes windows overlap or reach past the input", "windows side by"
          + " side (stride = kernel, no padding, tiling the input) can be of any size; global_max_pool and"
          + " global_avg_pool pool all of space");
    }
    return new Attrs.Pool(list(kernel), list(stride), list(padding), ceil);
  }

  private static List<Integer> list(int[] values) {
    return Arrays.stream(values).boxed().toList();
  }

  /** One size per spatial axis from a number or a tuple, each at least {@code min}. */
  private static int[] sizes(BoundArgs a, String name, int spatial, int min) {
    List<Integer> given = a.ints(name);
    if (given.size() != 1 && given.size() != spatial) {
      throw new ShapeException(name + " " + Checks.show(a.value(name)) + " must be one number or "
          + spatial + " of them, one per spatial axis");
    }
    int[] out = new int[spatial];
    for (int i = 0; i < spatial; i++) {
      out[i] = given.get(given.size() == 1 ? 0 : i);
      if (out[i] < min) {
        throw new ShapeException(name + " must be " + (min == 1 ? "positive" : "zero or more") + ", got "
            + Checks.show(a.value(name)), min == 1 && name.equals("stride") ? "a stride of 0 never moves the window;"
            + " leave stride out to step by the kernel" : null);
      }
    }
    return out;
  }
}
