package dev.adjoint.compiler.ir;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The static data an op needs beyond its inputs. Each op names the one record kind it
 * takes ({@link Primitive#attrsType()}); all are immutable values with structural equality,
 * so that common-subexpression elimination can compare nodes.
 */
public sealed interface Attrs {
  Attrs NONE = new None();

  /** How the attributes read in a dump, after the op name; empty for none. */
  String text();

  /** Ops without attributes. */
  record None() implements Attrs {
    @Override
    public String text() {
      return "";
    }
  }

  /** A tensor filled with one value: CONST. */
  record Fill(double value, ScalarType dtype, Shape shape) implements Attrs {
    public Fill {
      Objects.requireNonNull(dtype, "dtype");
      Objects.requireNonNull(shape, "shape");
    }

    @Override
    public String text() {
      return number(value, dtype);
    }
  }

  /**
   * A model input, fed from data. For a class target, {@code classes} is the class count and
   * {@code classNames} optionally names them; otherwise 0 and empty.
   */
  record Input(String name, ScalarType dtype, Shape shape, boolean target, int classes, List<String> classNames)
      implements Attrs {
    public Input {
      Objects.requireNonNull(name, "name");
      classNames = List.copyOf(classNames);
    }

    @Override
    public String text() {
      String base = name;
      if (classes > 0) {
        base += " classes=" + (classNames.isEmpty() ? Integer.toString(classes)
            : classNames.stream().map(Attrs::quote).collect(Collectors.joining(",", "(", ")")));
      }
      return base;
    }
  }

  /** A trainable parameter. */
  record Param(String name, ScalarType dtype, Shape shape, Init init, ParamRole role, Layers layers) implements Attrs {
    public Param {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(init, "init");
      Objects.requireNonNull(role, "role");
      if (layers != null && (shape.rank() < 1 || shape.dim(0) != layers.names().size())) {
        throw new IllegalArgumentException("parameter " + name + " " + shape + " does not stack "
            + layers.names().size() + " layers along its first axis");
      }
    }

    /** An ordinary parameter: one layer's, all of its own. */
    public Param(String name, ScalarType dtype, Shape shape, Init init, ParamRole role) {
      this(name, dtype, shape, init, role, null);
    }

    /** The shape of one layer: without the stacking axis when the parameter stacks layers. */
    public Shape layerShape() {
      return layers == null ? shape : Scans.remove(shape, 0);
    }

    @Override
    public String text() {
      return name + " init=" + init + " role=" + role.text() + (layers == null ? "" : " " + layers.text());
    }
  }

  /**
   * The layers a parameter of a {@code repeat} compiled as a loop stacks along its first
   * axis: row i is the parameter the unrolled repeat names {@code names[i]} (checkpoints,
   * {@code inspect} and train-block selections see those names). The repeat's iterations each
   * create {@code stride} parameters, this one {@code index}-th: unrolled, row i would be the
   * {@code (i * stride + index)}-th parameter from the first of the group, and it is
   * initialized from that parameter's random stream, so that looped and unrolled models start
   * from the same values.
   */
  record Layers(List<String> names, int stride, int index) {
    public Layers {
      names = List.copyOf(names);
      if (names.isEmpty() || stride < 1 || index < 0 || index >= stride) {
        throw new IllegalArgumentException("layers " + names.size() + " of stride " + stride + " at " + index);
      }
    }

    /** The position of row {@code row}'s parameter among the unrolled group's, from 0. */
    public int unrolledPosition(int row) {
      return row * stride + index;
    }

    String text() {
      return "layers=" + quote(names.get(0)) + ".." + quote(names.get(names.size() - 1));
    }
  }

  /** A buffer carried between steps but not trained, such as batch norm's running mean. */
  record State(String name, ScalarType dtype, Shape shape, double initial) implements Attrs {
    public State {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String text() {
      return name + " initial=" + number(initial, dtype);
    }
  }

  /** Reduction axes (sorted, distinct); with {@code keepDims} reduced axes stay as size 1. */
  record Axes(List<Integer> axes, boolean keepDims) implements Attrs {
    public Axes {
      axes = List.copyOf(axes);
    }

    @Override
    public String text() {
      return "axes=" + axes.stream().map(String::valueOf).collect(Collectors.joining(",", "(", ")"))
          + (keepDims ? " keepdims" : "");
    }
  }

  /** The shape a RESHAPE, BROADCAST or SCATTER_ADD produces. */
  record Target(Shape shape) implements Attrs {
    @Override
    public String text() {
      return "to=" + shape;
    }
  }

  /**
   * A pooling window over the spatial axes of a channels-last {@code [B, S..., C]} tensor:
   * its size, stride and zero padding (both sides) per spatial axis, and whether the output
   * size rounds up (PyTorch's {@code ceil_mode}).
   */
  record Pool(List<Integer> kernel, List<Integer> stride, List<Integer> padding, boolean ceilMode) implements Attrs {
    public Pool {
      kernel = List.copyOf(kernel);
      stride = List.copyOf(stride);
      padding = List.copyOf(padding);
      if (stride.size() != kernel.size() || padding.size() != kernel.size()) {
        throw new IllegalArgumentException("one kernel size, stride and padding per spatial axis");
      }
    }

    /** Windows with PyTorch's default {@code ceil_mode = False}. */
    public Pool(List<Integer> kernel, List<Integer> stride, List<Integer> padding) {
      this(kernel, stride, padding, false);
    }

    /**
     * The output size along spatial axis {@code i} for an input of {@code size}, PyTorch's rule:
     * ⌊(size + 2·padding - kernel) / stride⌋ + 1, rounded up instead with {@code ceilMode}, where
     * a last window that would start past the input and its left padding is dropped.
     */
    public int outputSize(int i, int size) {
      int span = size + 2 * padding.get(i) - kernel.get(i);
      int s = stride.get(i);
      if (!ceilMode) {
        return span / s + 1;
      }
      int out = Math.floorDiv(span + s - 1, s) + 1;
      return (out - 1) * s >= size + padding.get(i) ? out - 1 : out;
    }

    @Override
    public String text() {
      return "kernel=" + tuple(kernel) + " stride=" + tuple(stride) + " padding=" + tuple(padding)
          + (ceilMode ? " ceil_mode" : "");
    }

    private static String tuple(List<Integer> values) {
      return "(" + String.join(",", values.stream().map(String::valueOf).toList()) + ")";
    }
  }

  /** Output axis i is input axis {@code perm.get(i)}. */
  record Permutation(List<Integer> perm) implements Attrs {
    public Permutation {
      perm = List.copyOf(perm);
    }

    @Override
    public String text() {
      return "perm=" + perm.stream().map(String::valueOf).collect(Collectors.joining(",", "(", ")"));
    }
  }

  /** Whether MATMUL (or BATCH_MATMUL) reads its left or right operand transposed. */
  record Matmul(boolean transposeA, boolean transposeB) implements Attrs {
    public static final Matmul PLAIN = new Matmul(false, false);

    @Override
    public String text() {
      return (transposeA ? "tA" : "") + (transposeA && transposeB ? " " : "") + (transposeB ? "tB" : "");
    }
  }

  /**
   * Elements {@code start, start + step, ...} of one axis, up to {@code end} exclusive, as
   * Python's {@code range(start, end, step)}: with a negative step it counts down, and an
   * {@code end} of -1 reaches index 0.
   */
  record Slice(int axis, int start, int end, int step) implements Attrs {
    public Slice {
      if (step == 0) {
        throw new IllegalArgumentException("slice step 0");
      }
    }

    /** Elements {@code [start, end)}, every one. */
    public Slice(int axis, int start, int end) {
      this(axis, start, end, 1);
    }

    /** How many elements the slice takes: {@code len(range(start, end, step))}. */
    public int length() {
      long span = step > 0 ? (long) end - start : (long) start - end;
      long magnitude = Math.abs((long) step);
      return span <= 0 ? 0 : (int) ((span + magnitude - 1) / magnitude);
    }

    @Override
    public String text() {
      return "axis=" + axis + " " + start + ":" + end + (step == 1 ? "" : ":" + step);
    }
  }

  /**
   * The inverse of a strided SLICE: input element {@code j} of the axis lands at position
   * {@code start + j * step} of an axis of {@code size} elements, zeros everywhere else.
   */
  record Unslice(int axis, int start, int step, int size) implements Attrs {
    public Unslice {
      if (step == 0) {
        throw new IllegalArgumentException("unslice step 0");
      }
    }

    @Override
    public String text() {
      return "axis=" + axis + " start=" + start + " step=" + step + " size=" + size;
    }
  }

  /** Zeros added before and after one axis: the inverse of SLICE. */
  record Pad(int axis, int before, int after) implements Attrs {
    @Override
    public String text() {
      return "axis=" + axis + " before=" + before + " after=" + after;
    }
  }

  /**
   * The geometry of a channels-last convolution over {@code kernel.size()} spatial axes (1 or
   * 2): per spatial axis the kernel size, stride, padding before and after, dilation and the
   * input's size (which the transposed convolution cannot infer from its own input when the
   * stride does not divide it); and the number of channel groups.
   */
  record Conv(List<Integer> kernel, List<Integer> stride, List<Integer> padBefore, List<Integer> padAfter,
      List<Integer> dilation, int groups, List<Integer> inputSize) implements Attrs {
    public Conv {
      kernel = List.copyOf(kernel);
      stride = List.copyOf(stride);
      padBefore = List.copyOf(padBefore);
      padAfter = List.copyOf(padAfter);
      dilation = List.copyOf(dilation);
      inputSize = List.copyOf(inputSize);
      int rank = kernel.size();
      if (rank < 1 || rank > 2 || stride.size() != rank || padBefore.size() != rank || padAfter.size() != rank
          || dilation.size() != rank || inputSize.size() != rank) {
        throw new IllegalArgumentException("a convolution has one or two spatial axes, each with every setting");
      }
      if (groups < 1) {
        throw new IllegalArgumentException("groups " + groups);
      }
    }

    /** The number of spatial axes. */
    public int rank() {
      return kernel.size();
    }

    /** The output size along spatial axis i: ⌊(in + pads - dilation·(k - 1) - 1) / stride⌋ + 1. */
    public int outputSize(int i) {
      long span = (long) inputSize.get(i) + padBefore.get(i) + padAfter.get(i)
          - (long) dilation.get(i) * (kernel.get(i) - 1) - 1;
      return span < 0 ? 0 : (int) (span / stride.get(i) + 1);
    }

    @Override
    public String text() {
      return "kernel=" + tuple(kernel) + " stride=" + tuple(stride) + " pad=" + tuple(padBefore) + "/"
          + tuple(padAfter) + " dilation=" + tuple(dilation) + " groups=" + groups + " in=" + tuple(inputSize);
    }

    private static String tuple(List<Integer> values) {
      return values.stream().map(String::valueOf).collect(Collectors.joining(",", "(", ")"));
    }
  }

  /** The axis CONCAT joins its inputs along. */
  record Concat(int axis) implements Attrs {
    @Override
    public String text() {
      return "axis=" + axis;
    }
  }

  /** ONE_HOT's class count and the dtype of its 0/1 output. */
  record OneHot(int classes, ScalarType dtype) implements Attrs {
    @Override
    public String text() {
      return "classes=" + classes;
    }
  }

  /** CAST's result dtype. */
  record Cast(ScalarType dtype) implements Attrs {
    @Override
    public String text() {
      return "to=" + dtype.text();
    }
  }

  /**
   * RANDOM_UNIFORM: a tensor of uniform values in [0, 1) drawn from the counter-based
   * generator keyed by (seed, step, stream, element). Distinct streams keep distinct
   * random sites apart, also through rewrites.
   */
  record Random(int stream, ScalarType dtype, Shape shape) implements Attrs {
    @Override
    public String text() {
      return "stream=" + stream;
    }
  }

  /**
   * ATTENTION: the factor of the scores (1/√d by default) and whether a key after its query
   * is masked (causal). A mask tensor, when given, is the node's fourth input.
   */
  record Attention(double scale, boolean causal) implements Attrs {
    @Override
    public String text() {
      return "scale=" + number(scale) + (causal ? " causal" : "");
    }
  }

  /** SOFTMAX_CROSS_ENTROPY: label smoothing applied to class-index targets. */
  record CrossEntropy(double smoothing) implements Attrs {
    @Override
    public String text() {
      return smoothing == 0 ? "" : "smoothing=" + number(smoothing);
    }
  }

  /**
   * DROPOUT_MASK: {@code scale} where the uniform draw of (seed, step, stream, element) is at
   * least {@code threshold}, else 0 — inverted dropout's keep-and-rescale in one tensor.
   */
  record DropoutMask(int stream, double threshold, double scale, ScalarType dtype, Shape shape) implements Attrs {
    @Override
    public String text() {
      return "stream=" + stream + " p=" + number(threshold, dtype) + " scale=" + number(scale, dtype);
    }
  }

  /**
   * ELEMENTWISE_KERNEL: a loop computing a chain of elementwise ops. Instruction i reads
   * kernel inputs (argument k &lt; inputs) broadcast to {@code shape}, or earlier results
   * (argument inputs + j is instruction j); the last instruction is the result.
   */
  record Kernel(List<Instruction> program, ScalarType dtype, Shape shape) implements Attrs {
    public Kernel {
      program = List.copyOf(program);
    }

    @Override
    public String text() {
      return "{" + program.stream().map(Instruction::toString).collect(Collectors.joining("; ")) + "}";
    }
  }

  /** One elementwise op of a kernel and where its operands come from. */
  record Instruction(Primitive op, List<Integer> args, Attrs attrs) {
    public Instruction {
      args = List.copyOf(args);
    }

    @Override
    public String toString() {
      String a = attrs.text();
      return op.text() + (a.isEmpty() ? "" : "[" + a + "]")
          + args.stream().map(i -> "$" + i).collect(Collectors.joining(",", "(", ")"));
    }
  }

  /**
   * SCAN: a loop over axis {@code axis} of its sequences, running {@code body} once per step
   * (backwards when {@code reverse}); the result is every step's carry stacked along
   * {@code axis} ({@code stacked}) or the last one.
   */
  record Scan(ScanBody body, int axis, boolean reverse, boolean stacked) implements Attrs {
    public Scan {
      Objects.requireNonNull(body, "body");
    }

    @Override
    public String text() {
      return "axis=" + axis + (reverse ? " reverse" : "") + (stacked ? " stacked" : " last") + " body="
          + body.nodes().size();
    }
  }

  /** Numbers as dumps print them: integers without a point, others in shortest round-trip form. */
  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  /**
   * A number of an op computing in {@code dtype}, in the shortest form that round-trips in
   * that precision: an f32 dropout threshold of 0.2 (held as 0.20000000298023224) prints as
   * 0.2, as the generated code's float literal reads.
   */
  static String number(double v, ScalarType dtype) {
    if (dtype != ScalarType.F32 || v == Math.rint(v) && Math.abs(v) < 1e15 || !Double.isFinite(v)) {
      return number(v);
    }
    return Float.toString((float) v);
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
