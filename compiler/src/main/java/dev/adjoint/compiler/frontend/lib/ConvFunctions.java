package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.composite.Layers;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.frontend.Builtin;
import dev.adjoint.compiler.frontend.BuiltinTable;
import dev.adjoint.compiler.frontend.CallContext;
import dev.adjoint.compiler.frontend.Checks;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Init;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.ParamRole;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The convolution layers {@code conv1d} and {@code conv2d}, channels-last: {@code h = conv2d(x, 32, 3)}
 * on x[B, H, W, C] creates {@code h.W} [kh, kw, C / groups, 32] and {@code h.b} [32], as
 * {@code dense} does for its matrix.
 */
public final class ConvFunctions {
  private static final String CATEGORY = "layer";

  private ConvFunctions() {}

  public static void register(BuiltinTable table) {
    table.add(layer("conv1d", "a 1-D convolution of x[B, L, C] (channels last) and its bias, then the activation; "
        + "W is [k, C / groups, filters]", 1));
    table.add(layer("conv2d", "a 2-D convolution of x[B, H, W, C] (channels last) and its bias, then the activation; "
        + "W is [kh, kw, C / groups, filters]", 2));
    table.add(transposed("conv_transpose1d", "the transposed 1-D convolution of x[B, L, C] (the input gradient of "
        + "conv1d) and its bias, then the activation; W is [k, filters / groups, C]", 1));
    table.add(transposed("conv_transpose2d", "the transposed 2-D convolution of x[B, H, W, C] (the input gradient of "
        + "conv2d) and its bias, then the activation; W is [kh, kw, filters / groups, C]", 2));
  }

  private static Builtin transposed(String name, String summary, int rank) {
    return new Builtin(Signature.of(name, options(Parameter.of("padding", Kind.INTS, new Value.Int(0)),
        Parameter.of("output_padding", Kind.INTS, new Value.Int(0))).toArray(Parameter[]::new)), CATEGORY, summary,
        (a, c) -> convTranspose(name, rank, a, c));
  }

  private static Builtin layer(String name, String summary, int rank) {
    return new Builtin(Signature.of(name, options(Parameter.of("padding", Kind.ANY, new Value.Int(0))).toArray(
        Parameter[]::new)), CATEGORY, summary, (a, c) -> conv(name, rank, a, c));
  }

  /**
   * The options of the convolution layers, in order: x, filters, kernel, stride, then
   * {@code middle} (the padding options), dilation, groups, bias, act and init.
   */
  private static List<Parameter> options(Parameter... middle) {
    List<Parameter> out = new ArrayList<>(List.of(Args.tensor("x"), Args.positiveInt("filters"),
        Parameter.required("kernel", Kind.INTS), Parameter.of("stride", Kind.INTS, new Value.Int(1))));
    out.addAll(List.of(middle));
    out.addAll(List.of(Parameter.of("dilation", Kind.INTS, new Value.Int(1)),
        Parameter.of("groups", Kind.INT, new Value.Int(1)).withCheck(Checks.positive()), Args.bool("bias", true),
        Parameter.choice("act", "activation", "none", ActivationFunctions.NAMES),
        Parameter.optional("init", Kind.INIT)));
    return out;
  }

  /** An argument that does not fit, reported at the argument. */
  private static final class BadArgument extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String argument;
    final String hint;

    BadArgument(String argument, String message, String hint) {
      super(message, null, false, false);
      this.argument = argument;
      this.hint = hint;
    }
  }

  private static Value conv(String name, int rank, BoundArgs a, CallContext c) {
    try {
      return new Value.Tensor(build(name, rank, a, c));
    } catch (BadArgument e) {
      return c.error(a.span(e.argument), name + "(): " + e.getMessage(), e.hint);
    }
  }

  private static Value convTranspose(String name, int rank, BoundArgs a, CallContext c) {
    try {
      return new Value.Tensor(buildTransposed(rank, a, c));
    } catch (BadArgument e) {
      return c.error(a.span(e.argument), name + "(): " + e.getMessage(), e.hint);
    }
  }

  /**
   * The transposed convolution as CONV_INPUT_GRAD of the convolution that would take the
   * result back to x: that convolution's input is the output here, of size (in - 1)·stride -
   * 2·padding + dilation·(k - 1) + output_padding + 1 along each axis, as in PyTorch.
   */
  private static Node buildTransposed(int rank, BoundArgs a, CallContext c) {
    Geometry g = Geometry.read(a, rank);
    Node x = g.x();
    List<Integer> size = g.size();
    int channels = g.channels();
    int groups = g.groups();
    int filters = g.filters();
    List<Integer> kernel = g.kernel();
    List<Integer> stride = g.stride();
    List<Integer> dilation = g.dilation();
    List<Integer> padding = sizes(a, "padding", rank, 0);
    List<Integer> extra = sizes(a, "output_padding", rank, 0);
    List<Integer> output = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      if (extra.get(i) >= stride.get(i)) {
        throw new BadArgument("output_padding", "output_padding " + extra + " must be smaller than the stride "
            + stride, "it only picks among the output sizes that a convolution with this stride maps back to "
            + "the input's size");
      }
      long out = (long) (size.get(i) - 1) * stride.get(i) - 2L * padding.get(i)
          + (long) dilation.get(i) * (kernel.get(i) - 1) + extra.get(i) + 1;
      if (out < 1 || out > Integer.MAX_VALUE) {
        throw new BadArgument("padding", "the padding " + padding + " leaves an output of " + out + " elements along "
            + axisName(rank, i), "use less padding: the output is (in - 1)·stride - 2·padding + dilation·(kernel - 1) "
            + "+ output_padding + 1");
      }
      output.add((int) out);
    }
    Attrs.Conv attrs = new Attrs.Conv(kernel, stride, padding, padding, dilation, groups, output);
    return layer(a, c, x, kernel, filters / groups, channels, filters,
        (b, weight, bias) -> Layers.convTranspose(b, x, weight, bias, attrs));
  }

  /** How a convolution layer combines its input with the filters and bias it created. */
  private interface Product {
    Node apply(NodeBuilder b, Node weight, Node bias);
  }

  /**
   * Creates the layer's filters W [kernel..., rows, columns] (initialized from {@code init},
   * or as the activation calls for) and bias b [filters] unless {@code bias = false}, then
   * applies the activation to the product.
   */
  private static Node layer(BoundArgs a, CallContext c, Node x, List<Integer> kernel, int rows, int columns,
      int filters, Product product) {
    String act = a.symbol("act");
    Init init = a.has("init") ? a.init("init") : ActivationFunctions.defaultInit(act);
    List<Integer> filterShape = new ArrayList<>(kernel);
    filterShape.add(rows);
    filterShape.add(columns);
    Node weight = c.param("W", Shape.of(filterShape), x.dtype(), init, ParamRole.WEIGHT);
    Node bias = a.bool("bias") ? c.param("b", Shape.of(filters), x.dtype(), Init.of(Init.Kind.ZEROS), ParamRole.BIAS)
        : null;
    NodeBuilder b = c.ops();
    return ActivationFunctions.apply(act, b, product.apply(b, weight, bias));
  }

  /** The arguments both kinds of convolution layer read alike, checked: the input, its size, channels and groups. */
  private record Geometry(Node x, List<Integer> size, int channels, int groups, int filters, List<Integer> kernel,
      List<Integer> stride, List<Integer> dilation) {
    static Geometry read(BoundArgs a, int rank) {
      Node x = a.tensor("x");
      List<Integer> size = spatialSize(x, rank);
      int channels = x.shape().last();
      int groups = a.integer("groups");
      int filters = a.integer("filters");
      checkGroups(channels, filters, groups);
      return new Geometry(x, size, channels, groups, filters, sizes(a, "kernel", rank, 1), sizes(a, "stride", rank, 1),
          sizes(a, "dilation", rank, 1));
    }
  }

  private static String axisName(int rank, int i) {
    return rank == 1 ? "L" : i == 0 ? "H" : "W";
  }

  /** The spatial sizes of a channels-last input [B, spatial..., C] of {@code rank} spatial axes. */
  private static List<Integer> spatialSize(Node x, int rank) {
    Args.requireFloat(x, "the input");
    Shape s = x.shape();
    String layout = rank == 1 ? "[B, L, C]" : "[B, H, W, C]";
    if (s.rank() != rank + 2) {
      throw new ShapeException("the input must be " + layout + " (channels last), got " + x.type(), layoutHint(s, rank));
    }
    for (int i = 1; i < s.rank(); i++) {
      if (s.dim(i) == Shape.BATCH) {
        throw new ShapeException("only the first axis of the input may be the batch B, got " + x.type());
      }
    }
    List<Integer> size = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      size.add(s.dim(i + 1));
    }
    return size;
  }

  private static void checkGroups(int channels, int filters, int groups) {
    if (channels % groups != 0 || filters % groups != 0) {
      throw new BadArgument("groups", "the " + channels + " input channels and " + filters
          + " filters must both be divisible by groups = " + groups,
          "each group convolves channels / groups inputs into filters / groups outputs");
    }
  }

  private static Node build(String name, int rank, BoundArgs a, CallContext c) {
    Geometry g = Geometry.read(a, rank);
    Node x = g.x();
    List<Integer> size = g.size();
    int channels = g.channels();
    int groups = g.groups();
    int filters = g.filters();
    List<Integer> kernel = g.kernel();
    List<Integer> stride = g.stride();
    List<Integer> dilation = g.dilation();
    List<List<Integer>> pads = padding(a, rank, kernel, stride, dilation);
    Attrs.Conv attrs = new Attrs.Conv(kernel, stride, pads.get(0), pads.get(1), dilation, groups, size);
    for (int i = 0; i < rank; i++) {
      if (attrs.outputSize(i) < 1) {
        int reach = dilation.get(i) * (kernel.get(i) - 1) + 1;
        throw new BadArgument("kernel", "the kernel " + kernel + (dilation.get(i) == 1 ? "" : " dilated by " + dilation)
            + " reaches " + reach + " elements, more than the padded input's " + (size.get(i) + pads.get(0).get(i)
            + pads.get(1).get(i)) + " along " + axisName(rank, i),
            "use a smaller kernel or more padding (padding = \"same\" keeps the size)");
      }
    }
    return layer(a, c, x, kernel, channels / groups, filters, filters,
        (b, weight, bias) -> Layers.conv(b, x, weight, bias, attrs));
  }

  /** How to reshape an input of the wrong rank: add the channel axis, or unflatten square pixels. */
  private static String layoutHint(Shape s, int rank) {
    String batch = s.rank() > 0 && s.dim(0) == Shape.BATCH ? "B" : null;
    if (batch != null && s.rank() == rank + 1) {
      StringBuilder dims = new StringBuilder("B");
      for (int i = 1; i < s.rank(); i++) {
        dims.append(", ").append(s.dim(i));
      }
      return "a single channel still needs its axis: reshape(x, (" + dims + ", 1))";
    }
    int side = s.rank() == 2 && s.last() > 0 ? (int) Math.round(Math.sqrt(s.last())) : 0;
    if (batch != null && rank == 2 && side * side == s.last()) {
      return "for " + s.last() + " pixels of a square grey-scale image: reshape(x, (B, " + side + ", " + side + ", 1))";
    }
    return rank == 2 ? "conv2d takes images [B, H, W, C]; conv1d takes signals [B, L, C]"
        : "conv1d takes signals [B, L, C]; conv2d takes images [B, H, W, C]";
  }

  /** A size per spatial axis from one integer or a tuple of {@code rank}, each at least {@code min}. */
  private static List<Integer> sizes(BoundArgs a, String argument, int rank, int min) {
    List<Integer> values = a.ints(argument);
    if (values.size() == 1) {
      values = Collections.nCopies(rank, values.get(0));
    }
    if (values.size() != rank) {
      throw new BadArgument(argument, argument + " takes one integer or " + rank + ", got " + values, null);
    }
    for (int v : values) {
      if (v < min) {
        throw new BadArgument(argument, argument + " must be " + (min == 0 ? "0 or more" : "positive") + ", got "
            + (values.size() == 1 ? Integer.toString(v) : values.toString()), null);
      }
    }
    return List.copyOf(values);
  }

  /**
   * The padding before and after each spatial axis: a number or a tuple (the same on both
   * sides), "valid" (none) or "same" (stride 1 only: the output keeps the input's size, the
   * odd element after, as PyTorch pads).
   */
  private static List<List<Integer>> padding(BoundArgs a, int rank, List<Integer> kernel, List<Integer> stride,
      List<Integer> dilation) {
    Value v = a.value("padding");
    String word = v instanceof Value.Text t ? t.value() : v instanceof Value.Symbol sym ? sym.name() : null;
    if (word != null) {
      return switch (word) {
        case "valid" -> List.of(Collections.nCopies(rank, 0), Collections.nCopies(rank, 0));
        case "same" -> same(rank, kernel, stride, dilation);
        default -> throw new BadArgument("padding", "padding must be a number, a tuple, \"same\" or \"valid\", got \""
            + word + "\"", null);
      };
    }
    boolean ints = v instanceof Value.Int
        || v instanceof Value.Tuple tuple && tuple.items().stream().allMatch(item -> item instanceof Value.Int);
    if (!ints) {
      throw new BadArgument("padding", "padding must be a number, a tuple, \"same\" or \"valid\"", null);
    }
    List<Integer> pad = sizes(a, "padding", rank, 0);
    return List.of(pad, pad);
  }

  private static List<List<Integer>> same(int rank, List<Integer> kernel, List<Integer> stride,
      List<Integer> dilation) {
    if (stride.stream().anyMatch(st -> st != 1)) {
      throw new BadArgument("padding", "padding = \"same\" needs stride 1, got stride " + stride,
          "give the padding as numbers, e.g. padding = " + (kernel.get(0) / 2));
    }
    List<Integer> before = new ArrayList<>();
    List<Integer> after = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      int total = dilation.get(i) * (kernel.get(i) - 1);
      before.add(total / 2);
      after.add(total - total / 2);
    }
    return List.of(before, after);
  }
}
