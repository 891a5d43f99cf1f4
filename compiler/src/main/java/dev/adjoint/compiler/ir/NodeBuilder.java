package dev.adjoint.compiler.ir;

import dev.adjoint.compiler.source.SourceSpan;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds primitive nodes with numpy broadcasting made explicit, stamping each with the
 * span being compiled. The front end's composite functions, autodiff and passes all
 * build through it. {@link #at} gives a builder for another span sharing the same
 * random-stream counter, so that every random site in a graph has its own stream.
 */
public final class NodeBuilder {
  private final SourceSpan span;
  private final Counters counters;

  /** What the builders of one graph share: the next random stream and how many nodes they built. */
  private static final class Counters {
    int nextStream;
    long nodes;

    Counters(int firstStream) {
      this.nextStream = firstStream;
    }
  }

  private NodeBuilder(SourceSpan span, Counters counters) {
    this.span = span;
    this.counters = counters;
  }

  /** A builder for a new graph; random streams are numbered from {@code firstStream}. */
  public static NodeBuilder start(SourceSpan span, int firstStream) {
    return new NodeBuilder(span, new Counters(firstStream));
  }

  /** The same builder stamping nodes with another span. */
  public NodeBuilder at(SourceSpan newSpan) {
    return new NodeBuilder(newSpan, counters);
  }

  public SourceSpan span() {
    return span;
  }

  /** How many nodes this builder and those {@link #at} made from it have built. */
  public long nodesBuilt() {
    return counters.nodes;
  }

  public Node node(Primitive op, List<Node> inputs, Attrs attrs) {
    Node n = Node.of(op, inputs, attrs, span);
    counters.nodes++;
    return n;
  }

  public Node node(Primitive op, Node... inputs) {
    return node(op, List.of(inputs), Attrs.NONE);
  }

  // ---- constants -----------------------------------------------------------------

  /** A scalar constant. */
  public Node constant(double value, ScalarType dtype) {
    return node(Op.CONST, List.of(), new Attrs.Fill(value, dtype, Shape.SCALAR));
  }

  /** A scalar constant of {@code like}'s dtype, to combine with it. */
  public Node constant(double value, Node like) {
    return constant(value, like.dtype());
  }

  // ---- elementwise (broadcasting) ------------------------------------------------

  public Node add(Node a, Node b) {
    return binary(Op.ADD, a, b);
  }

  public Node sub(Node a, Node b) {
    return binary(Op.SUB, a, b);
  }

  public Node mul(Node a, Node b) {
    return binary(Op.MUL, a, b);
  }

  public Node div(Node a, Node b) {
    return binary(Op.DIV, a, b);
  }

  public Node pow(Node a, Node b) {
    return binary(Op.POW, a, b);
  }

  public Node max(Node a, Node b) {
    return binary(Op.MAX, a, b);
  }

  public Node min(Node a, Node b) {
    return binary(Op.MIN, a, b);
  }

  public Node greater(Node a, Node b) {
    return binary(Op.GREATER, a, b);
  }

  public Node greaterEqual(Node a, Node b) {
    return binary(Op.GREATER_EQUAL, a, b);
  }

  public Node equal(Node a, Node b) {
    return binary(Op.EQUAL, a, b);
  }

  /** {@code x * c} for a number c. */
  public Node scale(Node x, double c) {
    return mul(x, constant(c, x));
  }

  /** {@code x + c} for a number c. */
  public Node shift(Node x, double c) {
    return add(x, constant(c, x));
  }

  /** where(condition, a, b), all three broadcast to one shape. */
  public Node where(Node condition, Node a, Node b) {
    Shape shape = ShapeRules.broadcastShapes(ShapeRules.broadcastShapes(condition.shape(), a.shape()), b.shape());
    return node(Op.WHERE, List.of(broadcastTo(condition, shape), broadcastTo(a, shape), broadcastTo(b, shape)),
        Attrs.NONE);
  }

  /** An elementwise op of two inputs after broadcasting them to a common shape. */
  public Node binary(Primitive op, Node a, Node b) {
    if (a.dtype() != b.dtype()) {
      throw new ShapeException("cannot combine " + a.type() + " and " + b.type()
          + ": the dtypes differ; convert one with f32(...) or f64(...)");
    }
    Shape shape = ShapeRules.broadcastShapes(a.shape(), b.shape());
    return node(op, List.of(broadcastTo(a, shape), broadcastTo(b, shape)), Attrs.NONE);
  }

  public Node neg(Node x) {
    return node(Op.NEG, x);
  }

  public Node recip(Node x) {
    return node(Op.RECIP, x);
  }

  public Node exp(Node x) {
    return node(Op.EXP, x);
  }

  public Node log(Node x) {
    return node(Op.LOG, x);
  }

  public Node log1p(Node x) {
    return node(Op.LOG1P, x);
  }

  public Node sqrt(Node x) {
    return node(Op.SQRT, x);
  }

  public Node abs(Node x) {
    return node(Op.ABS, x);
  }

  public Node sign(Node x) {
    return node(Op.SIGN, x);
  }

  public Node sin(Node x) {
    return node(Op.SIN, x);
  }

  public Node cos(Node x) {
    return node(Op.COS, x);
  }

  /** x, seen by differentiation as a constant. */
  public Node stopGradient(Node x) {
    return node(Op.STOP_GRADIENT, x);
  }

  public Node tanh(Node x) {
    return node(Op.TANH, x);
  }

  public Node sigmoid(Node x) {
    return node(Op.SIGMOID, x);
  }

  public Node erf(Node x) {
    return node(Op.ERF, x);
  }

  public Node cast(Node x, ScalarType dtype) {
    return x.dtype() == dtype ? x : node(Op.CAST, List.of(x), new Attrs.Cast(dtype));
  }

  // ---- reductions ----------------------------------------------------------------

  public Node sum(Node x, List<Integer> axes, boolean keepDims) {
    return node(Op.REDUCE_SUM, List.of(x), new Attrs.Axes(sorted(axes), keepDims));
  }

  public Node sumAll(Node x) {
    return sum(x, x.shape().allAxes(), false);
  }

  public Node reduceMax(Node x, List<Integer> axes, boolean keepDims) {
    return node(Op.REDUCE_MAX, List.of(x), new Attrs.Axes(sorted(axes), keepDims));
  }

  /** The i32 index of the largest element along one axis. */
  public Node argmax(Node x, int axis, boolean keepDims) {
    return node(Op.ARGMAX, List.of(x), new Attrs.Axes(List.of(axis), keepDims));
  }

  /** max(1, element count over the axes), a scalar. */
  public Node count(Node x, List<Integer> axes) {
    return node(Op.COUNT, List.of(x), new Attrs.Axes(sorted(axes), false));
  }

  /** sum / count: an empty batch averages to 0, not NaN. */
  public Node mean(Node x, List<Integer> axes, boolean keepDims) {
    return div(sum(x, axes, keepDims), count(x, axes));
  }

  public Node meanAll(Node x) {
    return mean(x, x.shape().allAxes(), false);
  }

  // ---- movement ------------------------------------------------------------------

  public Node reshape(Node x, Shape to) {
    return x.shape().equals(to) ? x : node(Op.RESHAPE, List.of(x), new Attrs.Target(to));
  }

  public Node broadcastTo(Node x, Shape to) {
    return x.shape().equals(to) ? x : node(Op.BROADCAST, List.of(x), new Attrs.Target(to));
  }

  public Node transpose(Node x, List<Integer> perm) {
    return node(Op.TRANSPOSE, List.of(x), new Attrs.Permutation(perm));
  }

  /** Swaps the last two axes. */
  public Node transposeLast(Node x) {
    int rank = x.shape().rank();
    List<Integer> perm = new ArrayList<>(x.shape().allAxes());
    perm.set(rank - 1, rank - 2);
    perm.set(rank - 2, rank - 1);
    return transpose(x, perm);
  }

  public Node slice(Node x, int axis, int start, int end) {
    return node(Op.SLICE, List.of(x), new Attrs.Slice(axis, start, end));
  }

  /** Elements {@code start, start + step, ...} of one axis, before {@code end} (Python's range). */
  public Node slice(Node x, int axis, int start, int end, int step) {
    return node(Op.SLICE, List.of(x), new Attrs.Slice(axis, start, end, step));
  }

  /** The inverse of a strided slice: x's elements at {@code start + j * step} of a zero axis of {@code size}. */
  public Node unslice(Node x, int axis, int start, int step, int size) {
    return node(Op.UNSLICE, List.of(x), new Attrs.Unslice(axis, start, step, size));
  }

  public Node pad(Node x, int axis, int before, int after) {
    return node(Op.PAD, List.of(x), new Attrs.Pad(axis, before, after));
  }

  /** The inputs side by side along {@code axis}; one input is itself. */
  public Node concat(List<Node> inputs, int axis) {
    return inputs.size() == 1 ? inputs.get(0) : node(Op.CONCAT, inputs, new Attrs.Concat(axis));
  }

  // ---- indexing, matmul, random, control ------------------------------------------

  public Node gather(Node table, Node ids) {
    return node(Op.GATHER, table, ids);
  }

  public Node scatterAdd(Node ids, Node updates, Shape to) {
    return node(Op.SCATTER_ADD, List.of(ids, updates), new Attrs.Target(to));
  }

  public Node poolArgmax(Node x, Attrs.Pool window) {
    return node(Op.POOL_ARGMAX, List.of(x), window);
  }

  public Node spatialTake(Node x, Node at) {
    return node(Op.SPATIAL_TAKE, x, at);
  }

  public Node spatialPut(Node at, Node updates, Shape to) {
    return node(Op.SPATIAL_PUT, List.of(at, updates), new Attrs.Target(to));
  }

  public Node oneHot(Node ids, int classes, ScalarType dtype) {
    return node(Op.ONE_HOT, List.of(ids), new Attrs.OneHot(classes, dtype));
  }

  public Node matmul(Node a, Node b, boolean transposeA, boolean transposeB) {
    return node(Op.MATMUL, List.of(a, b), new Attrs.Matmul(transposeA, transposeB));
  }

  /** A batch of products over equal leading dimensions; see {@link Op#BATCH_MATMUL}. */
  public Node batchMatmul(Node a, Node b, boolean transposeA, boolean transposeB) {
    return node(Op.BATCH_MATMUL, List.of(a, b), new Attrs.Matmul(transposeA, transposeB));
  }

  /** Uniform values in [0, 1) from a fresh random stream. */
  public Node randomUniform(Shape shape, ScalarType dtype) {
    int stream = counters.nextStream++;
    return node(Op.RANDOM_UNIFORM, List.of(), new Attrs.Random(stream, dtype, shape));
  }

  public Node modeSwitch(Node training, Node inference) {
    return node(Op.MODE_SWITCH, training, inference);
  }

  private static List<Integer> sorted(List<Integer> axes) {
    return axes.stream().sorted().distinct().toList();
  }
}
