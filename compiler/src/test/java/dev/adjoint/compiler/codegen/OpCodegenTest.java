package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.composite.Analysis;
import dev.adjoint.compiler.composite.Pooling;
import dev.adjoint.compiler.composite.Selections;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.Verifier;
import dev.adjoint.compiler.settings.Optimizer;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.source.SourceSpan;
import dev.adjoint.runtime.model.CompiledModel;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every op that can reach code generation, compiled to Java and run against the reference
 * interpreter on random inputs: models built for batches of {@value #MAX_BATCH}, run with
 * 5 samples and then 1, in f32 and f64 (and i32 where the op takes integers), over shapes
 * of rank 0 to 4 with the batch dimension first, in the middle and last.
 *
 * <p>Each case is a graph built with {@link NodeBuilder}, compiled twice: as it is (its
 * prediction graph is the graph itself), so that every op reaches its emitter, and through
 * the inference pipeline, so that the forms the passes make (fused elementwise kernels,
 * transposes folded into products) are compiled too; both against the interpreter on the
 * graph as built.
 * INPUT, PARAM and STATE are fields rather than steps, and the pipeline resolves
 * MODE_SWITCH before code generation; {@link #everyOpThatReachesCodeGenerationHasACase}
 * fails when an op is added to {@link Op} without a case here.
 *
 * <p>Tolerance: f32 results within {@value #F32_TOLERANCE}·max(1, |reference|) of the f64
 * interpreter (which reads the same f32-rounded inputs), f64 within
 * {@value #F64_TOLERANCE}·max(1, |reference|), i32 exactly; NaN matches NaN.
 *
 * <p>Gradients too: each case with its float inputs scaled by parameters and its outputs
 * summed into a loss ({@link Case#trainable}), a compiled training step against the
 * interpreter's gradients ({@link #checkGradients}).
 */
class OpCodegenTest {
  private static final int MAX_BATCH = 8;
  private static final int B = Shape.BATCH;
  private static final double F32_TOLERANCE = 2e-5;
  private static final double F64_TOLERANCE = 1e-12;
  /** f32 gradients: sums over the batch of products. */
  private static final double GRADIENT_TOLERANCE = 1e-4;
  private static final long SEED = 11;
  private static final long STEP = 3;
  private static final SourceFile FILE = SourceFile.of("ops.nn", "# graphs built by OpCodegenTest\n");
  private static final SourceSpan SPAN = new SourceSpan(FILE, 1, 1, 1, 2);
  private static final List<ScalarType> FLOATS = List.of(ScalarType.F32, ScalarType.F64);
  /** Ops that never get a step of their own. */
  private static final Set<Op> NOT_EMITTED = EnumSet.of(Op.INPUT, Op.PARAM, Op.STATE, Op.MODE_SWITCH);

  /** One graph to compile: a name and how it is built. */
  private record Case(String name, Consumer<Model> body) {
    Model build() {
      Model m = new Model();
      body.accept(m);
      return m;
    }

    /**
     * The case with every float input x read as x·s, s a parameter of ones over x's non-batch
     * dimensions, and the loss the sum of every output of the first float output's dtype: its
     * gradients for the s are sums of x·∂loss/∂x, through the backward rule of every op.
     */
    Model trainable() {
      Model m = new Model(true);
      body.accept(m);
      Node loss = null;
      for (Node out : m.graph.build().outputs().values()) {
        if (out.dtype() != ScalarType.I32 && (loss == null || out.dtype() == loss.dtype())) {
          Node total = m.b.sumAll(out);
          loss = loss == null ? total : m.b.add(loss, total);
        }
      }
      if (loss != null) {
        m.graph.loss(loss);
      }
      return m;
    }
  }

  /** What is compiled: the graph itself, or the inference pipeline's prediction graph. */
  private static GraphSet graphs(Graph g, boolean pipeline) {
    return pipeline ? GraphSet.of(g) : new GraphSet(g, null, null, g);
  }

  /** How a random input is drawn. */
  private enum Draw {
    GAUSSIAN, POSITIVE, SMALL_INTEGERS, IDS, ONE_HOT_IDS, CLASS_IDS, NONZERO_INTEGERS, EXPONENTS, WIDE
  }

  /** A graph being built: inputs with how to draw them, and named outputs. */
  private static final class Model {
    final NodeBuilder b = NodeBuilder.start(SPAN, 100);
    final Graph.Builder graph = Graph.builder("ops", SPAN);
    final Map<String, Draw> draws = new LinkedHashMap<>();
    /** With a gradient to take: every float input is scaled by a parameter of ones (see {@link #trainable}). */
    final boolean scaled;
    final Map<String, Node> scales = new LinkedHashMap<>();

    Model() {
      this(false);
    }

    Model(boolean scaled) {
      this.scaled = scaled;
    }

    Node input(String name, ScalarType dtype, Draw draw, int... dims) {
      Node n = b.node(Op.INPUT, List.of(), new Attrs.Input(name, dtype, Shape.of(dims), false, 0, List.of()));
      graph.input(n);
      draws.put(name, draw);
      if (!scaled || dtype == ScalarType.I32) {
        return n;
      }
      int[] rest = dims.length > 0 && dims[0] == B ? java.util.Arrays.copyOfRange(dims, 1, dims.length) : dims;
      Node scale = b.node(Op.PARAM, List.of(), new Attrs.Param("s_" + name, dtype, Shape.of(rest),
          dev.adjoint.compiler.ir.Init.of(dev.adjoint.compiler.ir.Init.Kind.ONES), dev.adjoint.compiler.ir.ParamRole.WEIGHT));
      graph.param(scale);
      scales.put("s_" + name, scale);
      return b.mul(n, scale);
    }

    Node gaussian(String name, ScalarType dtype, int... dims) {
      return input(name, dtype, Draw.GAUSSIAN, dims);
    }

    Node positive(String name, ScalarType dtype, int... dims) {
      return input(name, dtype, Draw.POSITIVE, dims);
    }

    /**
     * A Gaussian input whose batch dimension is at {@code axis} of {@code dims} (inputs have
     * it first): an input with B first, transposed.
     */
    Node batchAt(String name, ScalarType dtype, int axis, int... dims) {
      int[] first = new int[dims.length];
      List<Integer> perm = new ArrayList<>();
      first[0] = B;
      for (int i = 0, k = 1; i < dims.length; i++) {
        if (i != axis) {
          first[k++] = dims[i];
        }
      }
      for (int i = 0, k = 1; i < dims.length; i++) {
        perm.add(i == axis ? 0 : k++);
      }
      return b.transpose(gaussian(name, dtype, first), perm);
    }

    void out(String name, Node n) {
      graph.output(name, n);
    }

    Graph graph() {
      Graph built = graph.build();
      Verifier.check(built, "a graph of OpCodegenTest");
      return built;
    }
  }

  // ---- the cases ----------------------------------------------------------------------

  private static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    for (ScalarType t : FLOATS) {
      String d = " " + t.text();
      cases.add(new Case("unary" + d, m -> unary(m, t)));
      cases.add(new Case("binary" + d, m -> binary(m, t)));
      cases.add(new Case("broadcasts" + d, m -> broadcasts(m, t)));
      cases.add(new Case("fused kernels" + d, m -> kernels(m, t)));
      cases.add(new Case("reductions" + d, m -> reductions(m, t)));
      cases.add(new Case("movement" + d, m -> movement(m, t)));
      cases.add(new Case("indexing" + d, m -> indexing(m, t)));
      cases.add(new Case("selection" + d, m -> selection(m, t)));
      cases.add(new Case("pooling" + d, m -> pooling(m, t)));
      cases.add(new Case("matmul" + d, m -> matmul(m, t)));
      cases.add(new Case("convolutions" + d, m -> convolutions(m, t)));
      cases.add(new Case("sources and random" + d, m -> sources(m, t)));
      cases.add(new Case("softmax and losses" + d, m -> losses(m, t)));
      cases.add(new Case("loops" + d, m -> loops(m, t)));
      cases.add(new Case("attention" + d, m -> attention(m, t)));
    }
    cases.add(new Case("i32 arithmetic", OpCodegenTest::integers));
    cases.add(new Case("i32 movement and indexing", OpCodegenTest::integerMovement));
    cases.add(new Case("casts", OpCodegenTest::casts));
    return cases;
  }

  private static void unary(Model m, ScalarType t) {
    NodeBuilder b = m.b;
    Node x = m.gaussian("x", t, B, 3, 4);
    Node p = m.positive("p", t, B, 3, 4);
    Node v = m.gaussian("v", t, 4);
    Node s = m.gaussian("s", t);
    for (Op op : List.of(Op.NEG, Op.ABS, Op.SIGN, Op.TANH, Op.SIGMOID, Op.ERF, Op.EXP, Op.SIN, Op.COS,
        Op.FLOOR, Op.ROUND, Op.STOP_GRADIENT)) {
      m.out(op.text(), b.node(op, x));
    }
    for (Op op : List.of(Op.RECIP, Op.LOG, Op.LOG1P, Op.SQRT)) {
      m.out(op.text(), b.node(op, p));
    }
    m.out("logsumexp", Analysis.logSumExp(b, x, List.of(2), false));
    m.out("norm", Analysis.norm(b, x, List.of(1, 2), true));
    m.out("cumsum", Analysis.cumsum(b, x, 2));
    m.out("tanh_rank1", b.tanh(v));
    m.out("exp_scalar", b.exp(s));
    m.out("sigmoid_scalar", b.sigmoid(s));
  }

  private static void binary(Model m, ScalarType t) {
    NodeBuilder b = m.b;
    Node x = m.gaussian("x", t, B, 3, 4);
    Node y = m.gaussian("y", t, B, 3, 4);
    Node p = m.positive("p", t, B, 3, 4);
    Node k = m.input("k", t, Draw.SMALL_INTEGERS, B, 3, 4);
    Node l = m.input("l", t, Draw.SMALL_INTEGERS, B, 3, 4);
    m.out("add", b.add(x, y));
    m.out("sub", b.sub(x, y));
    m.out("mul", b.mul(x, y));
    m.out("div", b.div(x, p));
    m.out("pow", b.pow(p, x));
    m.out("max", b.max(x, y));
    m.out("min", b.min(x, y));
    m.out("greater", b.greater(k, l));
    m.out("greater_equal", b.greaterEqual(k, l));
    m.out("equal", b.equal(k, l));
    m.out("where", b.where(b.greater(x, y), x, p));
    Node c = m.gaussian("c", t, 5);
    m.out("add_rank1", b.add(c, c));
  }

  /** Rows, columns, scalars and general broadcasts, as views, elements and written out. */
  private static void broadcasts(Model m, ScalarType t) {
    NodeBuilder b = m.b;
    Node x = m.gaussian("x", t, B, 3, 4);
    Node row = m.gaussian("row", t, 4);
    Node row2 = m.gaussian("row2", t, 3, 4);
    Node column = m.gaussian("column", t, B, 3, 1);
    Node middle = m.gaussian("middle", t, B, 1, 4);
    Node leading = m.gaussian("leading", t, 3, 1);
    Node scalar = m.gaussian("scalar", t);
    Node one = m.gaussian("one", t, 1);
    Node last = m.batchAt("last", t, 1, 3, B);
    Node lastColumn = m.gaussian("last_column", t, 3, 1);
    m.out("by_row", b.add(x, row));
    m.out("by_rows", b.sub(x, row2));
    m.out("by_column", b.mul(x, column));
    m.out("general_middle", b.sub(x, middle));
    m.out("general_leading", b.add(x, leading));
    m.out("by_scalar", b.div(x, scalar));
    m.out("by_one", b.mul(x, one));
    m.out("by_literal", b.add(x, b.constant(2.5, t)));
    m.out("batch_last", b.mul(last, lastColumn));
    m.out("batch_last_row", b.add(b.transpose(last, List.of(1, 0)), b.reshape(lastColumn, Shape.of(3))));
    m.out("written_row", b.broadcastTo(row, Shape.of(B, 3, 4)));
    m.out("written_middle", b.broadcastTo(middle, Shape.of(B, 3, 4)));
    m.out("written_scalar", b.broadcastTo(scalar, Shape.of(B, 2)));
    m.out("written_literal", b.broadcastTo(b.constant(-1.5, t), Shape.of(2, B)));
    m.out("written_leading", b.broadcastTo(leading, Shape.of(2, 3, B)));
  }

  /** Chains fused into ELEMENTWISE_KERNEL loops by the pipeline, reading every kind of broadcast. */
  private static void kernels(Model m, ScalarType t) {
    NodeBuilder b = m.b;
    Node x = m.gaussian("x", t, B, 3, 4);
    Node row = m.gaussian("row", t, 4);
    Node column = m.gaussian("column", t, B, 3, 1);
    Node middle = m.gaussian("middle", t, B, 1, 4);
    Node middle2 = m.gaussian("middle2", t, B, 1, 4);
    Node leading = m.gaussian("leading", t, 3, 1);
    Node scalar = m.gaussian("scalar", t);
    Node last = m.batchAt("last", t, 1, 3, B);
    Node lastColumn = m.gaussian("last_column", t, 3, 1);
    Node lastColumn2 = m.gaussian("last_column2", t, 3, 1);
    Node chain = b.tanh(b.add(b.mul(x, row), column));
    m.out("row_column", b.sub(b.exp(b.scale(chain, 0.5)), scalar));
    m.out("general", b.sigmoid(b.add(b.mul(b.neg(x), middle), leading)));
    m.out("batch_last", b.abs(b.mul(b.sub(last, lastColumn), lastColumn2)));
    m.out("where", b.where(b.greater(x, row), b.erf(x), b.mul(x, middle2)));
  }

  private static void reductions(Model m, ScalarType t) {
    NodeBuilder b = m.b;
    Node x = m.gaussian("x", t, B, 3, 4);
    Node y = m.batchAt("y", t, 1, 3, B, 4);
    Node z = m.gaussian("z", t, 2, 3, 2, 3);
    List<List<Integer>> axesOfX = List.of(List.of(), List.of(0), List.of(1), List.of(2), List.of(0, 1),
        List.of(1, 2), List.of(0, 2), List.of(0, 1, 2));
    for (List<Integer> axes : axesOfX) {
      String name = axes.toString().replace(", ", "_");
      m.out("sum_x" + name, b.sum(x, axes, false));
      m.out("max_x" + name, b.reduceMax(x, axes, axes.size() == 1));
    }
    m.out("sum_y_batch", b.sum(y, List.of(1), false));
    m.out("sum_y_outer", b.sum(y, List.of(0, 2), true));
    m.out("max_y_first", b.reduceMax(y, List.of(0), false));
    m.out("sum_z_gaps", b.sum(z, List.of(0, 2), false));
    m.out("max_z_gaps", b.reduceMax(z, List.of(1, 3), true));
    m.out("max_z_ends", b.reduceMax(z, List.of(0, 3), false));
  }

  private static void movement(Model m, ScalarType t) {
    NodeBuilder b = m.b;
    Node x = m.gaussian("x", t, B, 3, 4);
    Node w = m.gaussian("w", t, B, 5, 4);
    Node u = m.batchAt("u", t, 1, 5, B, 2);
    Node q = m.batchAt("q", t, 1, 2, B, 3, 2);
    m.out("reshape_root", b.reshape(x, Shape.of(B, 12)));
    m.out("reshape_used", b.exp(b.reshape(x, Shape.of(B, 2, 6))));
    m.out("transpose_2", b.transpose(b.reshape(x, Shape.of(B, 12)), List.of(1, 0)));
    for (List<Integer> perm : List.of(List.of(0, 2, 1), List.of(2, 0, 1), List.of(1, 2, 0), List.of(2, 1, 0),
        List.of(1, 0, 2))) {
      m.out("transpose_" + perm.toString().replace(", ", "").replace("[", "").replace("]", ""),
          b.transpose(x, perm));
    }
    m.out("transpose_4", b.transpose(q, List.of(3, 1, 0, 2)));
    m.out("transpose_u", b.transpose(u, List.of(2, 0, 1)));
    m.out("slice_middle", b.slice(w, 1, 1, 4));
    m.out("slice_last", b.slice(w, 2, 0, 2));
    m.out("slice_before_batch", b.slice(u, 0, 2, 5));
    m.out("slice_after_batch", b.slice(u, 2, 1, 2));
    m.out("pad_middle", b.pad(x, 1, 2, 1));
    m.out("pad_last", b.pad(x, 2, 0, 3));
    m.out("pad_before_batch", b.pad(u, 0, 1, 1));
    m.out("slice_pad", b.pad(b.slice(q, 2, 1, 3), 2, 1, 0));
    m.out("concat_last", b.concat(List.of(x, b.slice(w, 1, 0, 3), x), 2));
    m.out("concat_middle", b.concat(List.of(w, x), 1));
    m.out("concat_before_batch", b.concat(List.of(u, b.exp(u)), 0));
    m.out("concat_after_batch", b.concat(List.of(b.slice(q, 3, 0, 1), q), 3));
    m.out("slice_by_2", b.slice(w, 1, 0, 5, 2));
    m.out("slice_last_reversed", b.slice(w, 2, 3, -1, -1));
    m.out("slice_before_batch_by_3", b.slice(u, 0, 4, -1, -3));
    m.out("slice_empty", b.slice(w, 1, 2, 2));
    m.out("unslice_middle", b.unslice(x, 1, 1, 2, 6));
    m.out("unslice_last_reversed", b.unslice(x, 2, 6, -2, 7));
    m.out("unslice_before_batch", b.unslice(u, 0, 0, 3, 13));
  }

  private static void indexing(Model m, ScalarType t) {
    NodeBuilder b = m.b;
    Node table = m.gaussian("table", t, 10, 4);
    Node ids = m.input("ids", ScalarType.I32, Draw.IDS, B, 3);
    Node single = m.input("single", ScalarType.I32, Draw.IDS, B);
    Node updates = m.gaussian("updates", t, B, 3, 4);
    Node classes = m.input("classes", ScalarType.I32, Draw.ONE_HOT_IDS, B, 2);
    m.out("gather", b.gather(table, ids));
    m.out("gather_rank1", b.gather(table, single));
    m.out("scatter_add", b.scatterAdd(ids, updates, Shape.of(10, 4)));
    m.out("one_hot", b.oneHot(classes, 10, t));
    m.out("one_hot_used", b.mul(b.oneHot(single, 3, t), b.constant(2, t)));
    // the embedding bag's fused ops: padding ids (-1) skipped, weighted or not, bags of rank 1 and 2
    Node weights = m.gaussian("bag_weights", t, B, 3);
    Node dy = m.gaussian("bag_dy", t, B, 4);
    Node nested = m.input("nested_ids", ScalarType.I32, Draw.IDS, B, 2, 3);
    m.out("bag_sum", b.node(Op.BAG_SUM, List.of(table, ids), new Attrs.None()));
    m.out("bag_sum_weighted", b.node(Op.BAG_SUM, List.of(table, ids, weights), new Attrs.None()));
    m.out("bag_sum_nested", b.node(Op.BAG_SUM, List.of(table, nested), new Attrs.None()));
    m.out("bag_sum_grad", b.node(Op.BAG_SUM_GRAD, List.of(ids, dy), new Attrs.Target(Shape.of(10, 4))));
    m.out("bag_sum_grad_weighted",
        b.node(Op.BAG_SUM_GRAD, List.of(ids, dy, weights), new Attrs.Target(Shape.of(10, 4))));
  }

  /** argmax along every kind of axis (ties from small integers), argmin, take_along_axis, masked means. */
  private static void selection(Model m, ScalarType t) {
    NodeBuilder b = m.b;
    Node x = m.gaussian("x", t, B, 3, 4);
    Node k = m.input("k", t, Draw.SMALL_INTEGERS, B, 3, 4);
    Node n = m.input("n", ScalarType.I32, Draw.SMALL_INTEGERS, B, 5);
    Node idx = m.input("idx", ScalarType.I32, Draw.CLASS_IDS, B, 3, 2);
    Node rows = m.input("rows", ScalarType.I32, Draw.CLASS_IDS, B, 2, 4);
    m.out("argmax_last", b.argmax(k, 2, false));
    m.out("argmax_middle", b.argmax(k, 1, true));
    m.out("argmax_batch", b.argmax(x, 0, false));
    m.out("argmax_i32", b.argmax(n, 1, false));
    m.out("argmin", Selections.argmin(b, k, 2, false));
    m.out("argmax_used", b.cast(b.argmax(x, 2, false), t));
    m.out("take_along_last", Selections.takeAlongAxis(b, x, idx, 2));
    m.out("take_along_middle", Selections.takeAlongAxis(b, x, rows, 1));
    Node positive = b.greater(x, b.constant(0, t));
    m.out("masked_mean", Selections.maskedMean(b, b.mul(x, x), positive));
    m.out("masked_mean_none", Selections.maskedMean(b, x, b.greater(x, b.constant(100, t))));
    m.out("where_mask", b.where(b.mul(positive, b.sub(b.constant(1, t), b.equal(k, b.constant(0, t)))), x, k));
  }

  private static void pooling(Model m, ScalarType t) {
    NodeBuilder b = m.b;
    Node x = m.gaussian("x", t, B, 7, 5, 3);
    Node s = m.gaussian("s", t, B, 7, 2);
    Node at = b.poolArgmax(x, new Attrs.Pool(List.of(3, 2), List.of(2, 1), List.of(1, 1)));
    Node tiled = b.poolArgmax(x, new Attrs.Pool(List.of(2, 2), List.of(2, 2), List.of(0, 0)));
    Node atS = b.poolArgmax(s, new Attrs.Pool(List.of(3), List.of(2), List.of(1)));
    Node updates = m.gaussian("updates", t, B, 4, 6, 3);
    m.out("pool_argmax", at);
    m.out("max_pool", b.spatialTake(x, at));
    m.out("max_pool_tiled", b.spatialTake(x, tiled));
    m.out("max_pool1d", b.spatialTake(s, atS));
    m.out("spatial_put", b.spatialPut(at, updates, x.shape()));
    Attrs.Pool ceil = new Attrs.Pool(List.of(2, 2), List.of(2, 2), List.of(0, 0), true); // [B, 4, 3, C]
    m.out("max_pool_ceil_mode", b.spatialTake(x, b.poolArgmax(x, ceil)));
    m.out("avg_pool_ceil_mode", Pooling.avgPool(b, x, ceil));
  }

  /** SCAN: an Elman cell over 3 steps, stacked, last and backwards, and a loop inside a loop's body. */
  private static void loops(Model m, ScalarType t) {
    NodeBuilder b = m.b;
    Node init = m.gaussian("h0", t, B, 4);
    Node xs = m.gaussian("xs", t, B, 3, 2);
    Node w = m.gaussian("w", t, 4, 4);
    Node u = m.gaussian("u", t, 2, 4);
    m.out("stacked", elman(b, init, xs, w, u, true, false));
    m.out("last", elman(b, init, xs, w, u, false, true));
    // an outer loop over 2 steps whose body runs the inner loop over a [B, 3, 2] slice
    Node outer = m.gaussian("outer", t, B, 2, 3, 2);
    Node carry = dev.adjoint.compiler.ir.ScanBody.placeholder(b, "carry", init.type());
    Node slice = dev.adjoint.compiler.ir.ScanBody.placeholder(b, "x0", new dev.adjoint.compiler.ir.TensorType(t,
        Shape.of(B, 3, 2)));
    Node pw = dev.adjoint.compiler.ir.ScanBody.placeholder(b, "w0", w.type());
    Node pu = dev.adjoint.compiler.ir.ScanBody.placeholder(b, "w1", u.type());
    dev.adjoint.compiler.ir.ScanBody body = dev.adjoint.compiler.ir.ScanBody.of(List.of(carry, slice, pw, pu), 1,
        elman(b, carry, slice, pw, pu, false, false));
    m.out("nested", b.node(Op.SCAN, List.of(init, outer, w, u), new Attrs.Scan(body, 1, false, true)));
  }

  /** h' = tanh(h w + x u) over axis 1 of xs. */
  private static Node elman(NodeBuilder b, Node init, Node xs, Node w, Node u, boolean stacked, boolean reverse) {
    Node carry = dev.adjoint.compiler.ir.ScanBody.placeholder(b, "carry", init.type());
    Node x = dev.adjoint.compiler.ir.ScanBody.placeholder(b, "x0", new dev.adjoint.compiler.ir.TensorType(xs.dtype(),
        dev.adjoint.compiler.ir.Scans.remove(xs.shape(), 1)));
    Node pw = dev.adjoint.compiler.ir.ScanBody.placeholder(b, "w0", w.type());
    Node pu = dev.adjoint.compiler.ir.ScanBody.placeholder(b, "w1", u.type());
    Node next = b.tanh(b.add(b.matmul(carry, pw, false, false), b.matmul(x, pu, false, false)));
    dev.adjoint.compiler.ir.ScanBody body = dev.adjoint.compiler.ir.ScanBody.of(List.of(carry, x, pw, pu), 1, next);
    return b.node(Op.SCAN, List.of(init, xs, w, u), new Attrs.Scan(body, 1, reverse, stacked));
  }

  private static void matmul(Model m, ScalarType t) {
    NodeBuilder b = m.b;
    Node a = m.gaussian("a", t, B, 3);
    Node w = m.gaussian("w", t, 3, 4);
    Node wt = m.gaussian("wt", t, 4, 3);
    Node c = m.gaussian("c", t, B, 4);
    Node a3 = m.gaussian("a3", t, B, 2, 3);
    Node c3 = m.gaussian("c3", t, B, 2, 4);
    m.out("plain", b.matmul(a, w, false, false));
    m.out("transpose_b", b.matmul(a, wt, false, true));
    m.out("transpose_a", b.matmul(a, c, true, false));
    m.out("rank3", b.matmul(a3, w, false, false));
    m.out("rank3_transpose_b", b.matmul(a3, wt, false, true));
    m.out("rank3_transpose_a", b.matmul(a3, c3, true, false));
    // batches of products: per sample, per sample and head, and over a static batch
    Node q = m.gaussian("q", t, B, 5, 3);
    Node k = m.gaussian("k", t, B, 5, 3);
    Node v = m.gaussian("v", t, B, 3, 4);
    Node h = m.gaussian("h", t, B, 2, 5, 3);
    Node hk = m.gaussian("hk", t, B, 2, 3, 4);
    Node s = m.gaussian("s", t, 3, 2, 4);
    Node sw = m.gaussian("sw", t, 3, 4, 5);
    m.out("batched", b.batchMatmul(q, v, false, false));
    m.out("batched_transpose_b", b.batchMatmul(q, k, false, true));
    m.out("batched_transpose_a", b.batchMatmul(q, k, true, false));
    m.out("batched_folded_transpose", b.batchMatmul(q, b.transposeLast(k), false, false));
    m.out("batched_heads", b.batchMatmul(h, hk, false, false));
    m.out("batched_static", b.batchMatmul(s, sw, false, false));
  }

  private static Attrs.Conv conv(List<Integer> in, List<Integer> kernel, List<Integer> stride, List<Integer> before,
      List<Integer> after, List<Integer> dilation, int groups) {
    return new Attrs.Conv(kernel, stride, before, after, dilation, groups, in);
  }

  /**
   * CONV and its two cotangent ops: odd sizes (7x5 by 3x2, stride 2, padding 1), asymmetric
   * padding with dilation, groups, and a 1-D case; the f32 ones run im2col and the GEMM. A
   * convolution with a bias and a relu becomes CONV_BIAS_RELU in f32 through the pipeline.
   */
  private static void convolutions(Model m, ScalarType t) {
    NodeBuilder b = m.b;
    Attrs.Conv strided = conv(List.of(7, 5), List.of(3, 2), List.of(2, 2), List.of(1, 1), List.of(1, 1),
        List.of(1, 1), 1);
    Node x = m.gaussian("x", t, B, 7, 5, 2);
    Node w = m.gaussian("w", t, 3, 2, 2, 3);
    Node dy = m.gaussian("dy", t, B, 4, 3, 3);
    m.out("conv", b.node(Op.CONV, List.of(x, w), strided));
    m.out("conv_input_grad", b.node(Op.CONV_INPUT_GRAD, List.of(dy, w), strided));
    m.out("conv_filter_grad", b.node(Op.CONV_FILTER_GRAD, List.of(x, dy), strided));
    Node biased = b.add(b.node(Op.CONV, List.of(x, m.gaussian("wr", t, 3, 2, 2, 3)), strided),
        m.gaussian("bias", t, 3));
    m.out("conv_bias_relu", b.max(biased, b.constant(0, t))); // one CONV_BIAS_RELU in f32 through the pipeline
    Attrs.Conv dilated = conv(List.of(7, 5), List.of(3, 2), List.of(1, 1), List.of(1, 0), List.of(2, 1),
        List.of(2, 2), 1);
    m.out("conv_dilated", b.node(Op.CONV, List.of(x, m.gaussian("wd", t, 3, 2, 2, 2)), dilated));
    Attrs.Conv grouped = conv(List.of(5, 4), List.of(2, 2), List.of(1, 2), List.of(0, 0), List.of(0, 0),
        List.of(1, 1), 2);
    Node xg = m.gaussian("xg", t, B, 5, 4, 4);
    Node wg = m.gaussian("wg", t, 2, 2, 2, 4);
    Node dyg = m.gaussian("dyg", t, B, 4, 2, 4);
    m.out("conv_grouped", b.node(Op.CONV, List.of(xg, wg), grouped));
    m.out("conv_input_grad_grouped", b.node(Op.CONV_INPUT_GRAD, List.of(dyg, wg), grouped));
    m.out("conv_filter_grad_grouped", b.node(Op.CONV_FILTER_GRAD, List.of(xg, dyg), grouped));
    Attrs.Conv flat = conv(List.of(7), List.of(3), List.of(2), List.of(1), List.of(1), List.of(2), 1);
    Node x1 = m.gaussian("x1", t, B, 7, 3);
    Node w1 = m.gaussian("w1", t, 3, 3, 2);
    Node dy1 = m.gaussian("dy1", t, B, 3, 2);
    m.out("conv1d", b.node(Op.CONV, List.of(x1, w1), flat));
    m.out("conv1d_input_grad", b.node(Op.CONV_INPUT_GRAD, List.of(dy1, w1), flat));
    m.out("conv1d_filter_grad", b.node(Op.CONV_FILTER_GRAD, List.of(x1, dy1), flat));
  }

  private static void sources(Model m, ScalarType t) {
    NodeBuilder b = m.b;
    Node x = m.gaussian("x", t, B, 3);
    m.out("const_scalar", b.constant(1.25, t));
    m.out("const_matrix", b.node(Op.CONST, List.of(), new Attrs.Fill(-0.5, t, Shape.of(2, 3))));
    m.out("count_batch", b.count(x, List.of(0)));
    m.out("count_row", b.count(x, List.of(1)));
    m.out("mean", b.mean(x, List.of(0), false));
    m.out("uniform", b.randomUniform(Shape.of(B, 3), t));
    Node mask = b.node(Op.DROPOUT_MASK, List.of(),
        new Attrs.DropoutMask(42, 0.3, 1 / 0.7, t, Shape.of(B, 3)));
    m.out("dropout_mask", mask);
    m.out("dropped", b.mul(x, b.node(Op.DROPOUT_MASK, List.of(),
        new Attrs.DropoutMask(43, 0.5, 2, t, Shape.of(B, 3)))));
  }

  private static void losses(Model m, ScalarType t) {
    NodeBuilder b = m.b;
    Node logits = m.input("logits", t, Draw.WIDE, B, 5);
    Node logits3 = m.gaussian("logits3", t, B, 4, 3);
    Node labels = m.input("labels", ScalarType.I32, Draw.CLASS_IDS, B);
    Node labels3 = m.input("labels3", ScalarType.I32, Draw.CLASS_IDS, B, 2);
    Node logits35 = m.gaussian("logits35", t, B, 2, 5);
    Node distribution = m.positive("distribution", t, B, 5);
    Node z = m.input("z", t, Draw.WIDE, B, 3);
    Node y = m.positive("y", t, B, 3);
    m.out("log_softmax_last", b.node(Op.LOG_SOFTMAX, List.of(logits), new Attrs.Axes(List.of(1), true)));
    m.out("log_softmax_middle", b.node(Op.LOG_SOFTMAX, List.of(logits3), new Attrs.Axes(List.of(1), true)));
    m.out("log_softmax_batch", b.node(Op.LOG_SOFTMAX, List.of(logits3), new Attrs.Axes(List.of(0), true)));
    m.out("cross_entropy_ids", b.node(Op.SOFTMAX_CROSS_ENTROPY, List.of(logits, labels),
        new Attrs.CrossEntropy(0.1)));
    m.out("cross_entropy_rank3", b.node(Op.SOFTMAX_CROSS_ENTROPY, List.of(logits35, labels3),
        new Attrs.CrossEntropy(0)));
    m.out("cross_entropy_distribution", b.node(Op.SOFTMAX_CROSS_ENTROPY, List.of(logits, distribution),
        new Attrs.CrossEntropy(0)));
    m.out("sigmoid_bce", b.node(Op.SIGMOID_BCE, z, y));
  }

  /** ATTENTION without a mask, causal, with a shared mask, and with one mask per head (a query seeing no key too). */
  private static void attention(Model m, ScalarType t) {
    NodeBuilder b = m.b;
    Node q = m.gaussian("q", t, B, 2, 5, 4);
    Node k = m.gaussian("k", t, B, 2, 3, 4);
    Node v = m.gaussian("v", t, B, 2, 3, 2);
    Node shared = b.greater(m.gaussian("shared", t, 5, 3), b.constant(0, t));
    Node perHead = b.greater(m.gaussian("per_head", t, B, 2, 5, 3), b.constant(0.3, t));
    m.out("attention_plain", b.node(Op.ATTENTION, List.of(q, k, v), new Attrs.Attention(0.5, false)));
    m.out("attention_causal", b.node(Op.ATTENTION, List.of(q, k, v), new Attrs.Attention(0.5, true)));
    m.out("attention_shared", b.node(Op.ATTENTION, List.of(q, k, v, shared), new Attrs.Attention(0.7, false)));
    m.out("attention_per_head", b.node(Op.ATTENTION, List.of(q, k, v, perHead), new Attrs.Attention(0.7, true)));
  }

  private static void integers(Model m) {
    NodeBuilder b = m.b;
    ScalarType t = ScalarType.I32;
    Node x = m.input("x", t, Draw.SMALL_INTEGERS, B, 3, 4);
    Node y = m.input("y", t, Draw.SMALL_INTEGERS, B, 3, 4);
    Node nonzero = m.input("nonzero", t, Draw.NONZERO_INTEGERS, B, 3, 4);
    Node exponent = m.input("exponent", t, Draw.EXPONENTS, B, 3, 4);
    Node row = m.input("row", t, Draw.SMALL_INTEGERS, 4);
    m.out("add", b.add(x, y));
    m.out("sub", b.sub(x, y));
    m.out("mul", b.mul(x, y));
    m.out("div", b.div(x, nonzero));
    m.out("pow", b.pow(x, exponent));
    m.out("max", b.max(x, y));
    m.out("min", b.min(x, y));
    m.out("neg", b.neg(x));
    m.out("abs", b.abs(x));
    m.out("sign", b.sign(x));
    m.out("greater", b.greater(x, y));
    m.out("greater_equal", b.greaterEqual(x, y));
    m.out("equal", b.equal(x, y));
    m.out("where", b.where(b.greater(x, y), x, y));
    m.out("shift_by_row", b.add(x, row));
    m.out("scaled", b.mul(x, b.constant(3, t)));
    m.out("sum", b.sum(x, List.of(1), false));
    m.out("sum_gaps", b.sum(x, List.of(0, 2), true));
    m.out("max", b.reduceMax(x, List.of(2), false));
    m.out("max_gaps", b.reduceMax(x, List.of(0, 2), false));
    m.out("max_leading", b.reduceMax(x, List.of(0, 1), false));
  }

  private static void integerMovement(Model m) {
    NodeBuilder b = m.b;
    ScalarType t = ScalarType.I32;
    Node x = m.input("x", t, Draw.SMALL_INTEGERS, B, 3, 4);
    Node row = m.input("row", t, Draw.SMALL_INTEGERS, 4);
    Node ids = m.input("ids", t, Draw.IDS, B, 3);
    Node table = m.input("table", t, Draw.SMALL_INTEGERS, 10, 2);
    Node classes = m.input("classes", t, Draw.ONE_HOT_IDS, B);
    m.out("reshape", b.reshape(x, Shape.of(B, 12)));
    m.out("transpose", b.transpose(x, List.of(2, 0, 1)));
    m.out("slice", b.slice(x, 1, 1, 3));
    m.out("slice_strided", b.slice(x, 2, 3, -1, -2));
    m.out("unslice", b.unslice(x, 1, 0, 2, 5));
    m.out("pad", b.pad(x, 2, 1, 1));
    m.out("concat", b.concat(List.of(x, b.slice(x, 1, 0, 1)), 1));
    m.out("broadcast", b.broadcastTo(row, Shape.of(B, 3, 4)));
    m.out("shifted_ids", b.add(ids, b.constant(1, t)));
    m.out("gather", b.gather(table, ids));
    m.out("scatter_add", b.scatterAdd(ids, b.gather(table, ids), Shape.of(10, 2)));
    m.out("one_hot", b.oneHot(classes, 10, t));
  }

  private static void casts(Model m) {
    NodeBuilder b = m.b;
    Node f = m.input("f", ScalarType.F32, Draw.WIDE, B, 3);
    Node d = m.input("d", ScalarType.F64, Draw.WIDE, B, 3);
    Node i = m.input("i", ScalarType.I32, Draw.SMALL_INTEGERS, B, 3);
    m.out("f32_to_f64", b.cast(f, ScalarType.F64));
    m.out("f64_to_f32", b.cast(d, ScalarType.F32));
    m.out("f32_to_i32", b.cast(f, ScalarType.I32));
    m.out("f64_to_i32", b.cast(d, ScalarType.I32));
    m.out("i32_to_f32", b.cast(i, ScalarType.F32));
    m.out("i32_to_f64", b.cast(i, ScalarType.F64));
    m.out("i32_to_f32_used", b.mul(b.cast(i, ScalarType.F32), f));
  }

  // ---- the tests ----------------------------------------------------------------------

  @TestFactory
  Stream<DynamicTest> everyOpCompilesToWhatTheInterpreterComputes() {
    return cases().stream().flatMap(c -> Stream.of(
        DynamicTest.dynamicTest(c.name() + " as built", () -> check(c, false)),
        DynamicTest.dynamicTest(c.name() + " through the pipeline", () -> check(c, true))));
  }

  @Test
  void everyOpThatReachesCodeGenerationHasACase() {
    Set<Op> covered = EnumSet.noneOf(Op.class);
    for (Case c : cases()) {
      Graph g = c.build().graph();
      for (boolean pipeline : new boolean[] {false, true}) {
        for (Node n : graphs(g, pipeline).prediction().nodes()) {
          covered.add((Op) n.op());
        }
      }
    }
    List<Op> missing = new ArrayList<>();
    for (Op op : Op.values()) {
      if (!NOT_EMITTED.contains(op) && !covered.contains(op)) {
        missing.add(op);
      }
    }
    assertEquals(List.of(), missing, "ops without a code generation case in OpCodegenTest");
  }

  @Test
  void theKernelCasesCompileFusedKernels() {
    for (Case c : cases()) {
      if (c.name().startsWith("fused kernels")) {
        long kernels = graphs(c.build().graph(), true).prediction().nodes().stream()
            .filter(n -> n.op() == Op.ELEMENTWISE_KERNEL).count();
        assertEquals(4, kernels, c.name() + ": one kernel per output");
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> everyOpsCompiledGradientIsWhatTheInterpreterComputes() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.name() + " gradients", () -> checkGradients(c)));
  }

  /**
   * A training step (learning rate 0) of the case made {@link Case#trainable}, through the
   * training pipeline, against the interpreter's gradients on the graph as built; within
   * {@value #GRADIENT_TOLERANCE}·max(1, max |reference|) for f32 (sums over the batch),
   * {@value #F64_TOLERANCE}·max(1, max |reference|) for f64. Cases without a float output or
   * float input, or whose ops have no gradient, are skipped.
   */
  private static void checkGradients(Case c) {
    Model built = c.trainable();
    Graph graph = built.graph();
    org.junit.jupiter.api.Assumptions.assumeTrue(graph.loss() != null && !built.scales.isEmpty(),
        "no float output or input");
    Graph training;
    try {
      training = dev.adjoint.compiler.autodiff.TrainingGraph.of(graph);
    } catch (RuntimeException e) {
      org.junit.jupiter.api.Assumptions.abort("not differentiable: " + e.getMessage());
      return;
    }
    CompiledModel model = ModelCompiler.compile(GraphSet.of(graph), Optimizer.DEFAULT,
        List.of(), "OpGradientCase").newModel(MAX_BATCH);
    model.setLearningRate(0);
    for (int batch : new int[] {5, 1}) {
      Random random = new Random(c.name().hashCode() * 37L + batch);
      Map<String, F64Tensor> inputs = new LinkedHashMap<>();
      for (Node input : graph.inputs()) {
        F64Tensor value = draw(input, built.draws.get(input.sourceName()), batch, random);
        inputs.put(input.sourceName(), value);
        if (model.inputs().containsKey(input.sourceName())) {
          TrainedModels.set(model.input(input.sourceName()), value.data());
        }
      }
      Map<String, F64Tensor> params = new LinkedHashMap<>();
      built.scales.forEach((name, scale) -> {
        double[] ones = new double[(int) Math.max(1, scale.shape().staticSize())];
        java.util.Arrays.fill(ones, 1);
        params.put(name, F64Tensor.of(scale.shape().dims(), ones));
        TrainedModels.set(model.param(name), ones);
      });
      model.setSeed(SEED);
      model.setStep(STEP);
      model.trainStep(batch);
      Evaluation reference = new Interpreter(training).evaluate(Feed.of(inputs, params).withRng(SEED, STEP)
          .withMode(dev.adjoint.compiler.interp.Mode.TRAINING));
      for (Map.Entry<String, Node> g : training.gradients().entrySet()) {
        double[] expected = reference.value(g.getValue()).data();
        double scale = 1;
        for (double v : expected) {
          scale = Math.max(scale, Math.abs(v));
        }
        double tolerance = (g.getValue().dtype() == ScalarType.F32 ? GRADIENT_TOLERANCE : F64_TOLERANCE) * scale;
        dev.adjoint.runtime.model.Tensor actual = model.gradients().get(g.getKey());
        for (int i = 0; i < expected.length; i++) {
          double a = actual.get(i);
          boolean same = Double.isNaN(expected[i]) ? Double.isNaN(a) : Math.abs(a - expected[i]) <= tolerance;
          assertTrue(same, c.name() + ", batch " + batch + ", gradient of " + g.getKey() + "[" + i + "]: compiled " + a
              + ", interpreter " + expected[i]);
        }
      }
    }
  }

  private static void check(Case c, boolean pipeline) {
    Model built = c.build();
    Graph graph = built.graph();
    GraphSet graphs = graphs(graph, pipeline);
    CompiledModel model = ModelCompiler.compile(graphs, Optimizer.DEFAULT, List.of(),
        "OpCase").newModel(MAX_BATCH);
    Map<String, Draw> draws = built.draws;
    for (int batch : new int[] {5, 1}) {
      Random random = new Random(c.name().hashCode() * 31L + batch);
      Map<String, F64Tensor> inputs = new LinkedHashMap<>();
      for (Node input : graph.inputs()) {
        F64Tensor value = draw(input, draws.get(input.sourceName()), batch, random);
        inputs.put(input.sourceName(), value);
        if (model.inputs().containsKey(input.sourceName())) {
          TrainedModels.set(model.input(input.sourceName()), value.data());
        }
      }
      model.setSeed(SEED);
      model.setStep(STEP);
      model.predict(batch);
      Evaluation reference = new Interpreter(graph).evaluate(Feed.of(inputs, Map.of()).withRng(SEED, STEP));
      String where = c.name() + (pipeline ? " through the pipeline" : " as built") + ", batch " + batch;
      for (Map.Entry<String, Node> output : graph.outputs().entrySet()) {
        compare(reference.output(output.getKey()), model.output(output.getKey()), output.getValue().dtype(),
            where + ", output " + output.getKey());
      }
    }
  }

  /** Random values for an input, rounded to its dtype. */
  private static F64Tensor draw(Node input, Draw draw, int batch, Random random) {
    int[] shape = input.shape().concrete(batch);
    int size = 1;
    for (int d : shape) {
      size *= d;
    }
    double[] values = new double[size];
    for (int i = 0; i < size; i++) {
      double v = switch (draw) {
        case GAUSSIAN -> random.nextGaussian();
        case POSITIVE -> 0.1 + Math.abs(random.nextGaussian());
        case WIDE -> random.nextGaussian() * 20;
        case SMALL_INTEGERS -> random.nextInt(13) - 6;
        case NONZERO_INTEGERS -> (random.nextInt(4) + 1) * (random.nextBoolean() ? 1 : -1);
        case EXPONENTS -> random.nextInt(4);
        case IDS -> random.nextInt(11) - 1;
        case ONE_HOT_IDS -> random.nextInt(15) - 2;
        case CLASS_IDS -> random.nextInt(7) - 1;
      };
      values[i] = switch (input.dtype()) {
        case F32 -> (float) v;
        case F64 -> v;
        case I32 -> (int) v;
      };
    }
    return F64Tensor.of(shape, values);
  }

  private static void compare(F64Tensor expected, dev.adjoint.runtime.model.Tensor actual, ScalarType dtype, String where) {
    double[] values = expected.data();
    double tolerance = dtype == ScalarType.F32 ? F32_TOLERANCE : dtype == ScalarType.F64 ? F64_TOLERANCE : 0;
    for (int i = 0; i < values.length; i++) {
      double e = values[i];
      double a = actual.get(i);
      boolean same = Double.isNaN(e) ? Double.isNaN(a) : Math.abs(a - e) <= tolerance * Math.max(1, Math.abs(e));
      assertTrue(same, where + "[" + i + "]: compiled " + a + ", interpreter " + e);
    }
  }
}
