package dev.adjoint.compiler.autodiff;

import static dev.adjoint.compiler.autodiff.GradientChecker.ANY;
import static dev.adjoint.compiler.autodiff.GradientChecker.AWAY_FROM_ZERO;
import static dev.adjoint.compiler.autodiff.GradientChecker.POSITIVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.adjoint.compiler.autodiff.GradientChecker.Domain;
import dev.adjoint.compiler.autodiff.GradientChecker.GraphContext;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every differentiable primitive against central finite differences, over several shapes. */
class PrimitiveGradientTest {

  private record Case(String name, Op op, List<Shape> shapes, List<Domain> domains, Function<GraphContext, Node> f) {}

  private static final List<Case> CASES = new ArrayList<>();
  private static final List<Shape> ELEMENTWISE_SHAPES = List.of(Shape.of(3), Shape.of(1, 4), Shape.of(2, 3),
      Shape.SCALAR);

  private static void add(String name, Op op, List<Shape> shapes, List<Domain> domains,
      Function<GraphContext, Node> f) {
    CASES.add(new Case(name, op, shapes, domains, f));
  }

  private static void unary(Op op, Domain domain) {
    for (Shape s : ELEMENTWISE_SHAPES) {
      add(op.text() + " " + s, op, List.of(s), List.of(domain), c -> c.b().node(op, c.p(0)));
    }
  }

  private static void binary(Op op, Domain first, Domain second) {
    for (Shape s : ELEMENTWISE_SHAPES) {
      add(op.text() + " " + s, op, List.of(s, s), List.of(first, second), c -> c.b().node(op, c.p(0), c.p(1)));
    }
  }

  private static Shape s(int... dims) {
    return Shape.of(dims);
  }

  /** n flat spatial indices below {@code positions}, repeating some (a put then adds). */
  private static double[] spatialIndices(int n, int positions) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = (i * 7 + i / 5) % positions;
    }
    return out;
  }

  private static Node ids(GraphContext c, int[] shape, double... values) {
    return c.fixed("ids", ScalarType.I32, F64Tensor.of(shape, values));
  }

  static {
    unary(Op.NEG, ANY);
    unary(Op.RECIP, AWAY_FROM_ZERO);
    unary(Op.EXP, ANY);
    unary(Op.LOG, POSITIVE);
    unary(Op.LOG1P, POSITIVE);
    unary(Op.SQRT, POSITIVE);
    unary(Op.ABS, AWAY_FROM_ZERO);
    unary(Op.TANH, ANY);
    unary(Op.SIGMOID, ANY);
    unary(Op.ERF, ANY);
    unary(Op.SIN, ANY);
    unary(Op.COS, ANY);
    for (Shape sh : ELEMENTWISE_SHAPES) {
      add("cast " + sh, Op.CAST, List.of(sh), List.of(ANY),
          c -> c.b().node(Op.CAST, List.of(c.p(0)), new Attrs.Cast(ScalarType.F64)));
    }
    binary(Op.ADD, ANY, ANY);
    binary(Op.SUB, ANY, ANY);
    binary(Op.MUL, ANY, ANY);
    binary(Op.DIV, ANY, AWAY_FROM_ZERO);
    binary(Op.POW, POSITIVE, ANY);
    binary(Op.MAX, ANY, ANY);
    binary(Op.MIN, ANY, ANY);
    for (Shape sh : ELEMENTWISE_SHAPES) {
      add("where " + sh, Op.WHERE, List.of(sh, sh, sh), List.of(AWAY_FROM_ZERO, ANY, ANY), c -> c.b().where(
          c.b().greater(c.p(0), c.b().constant(0, c.p(0))), c.p(1), c.p(2)));
    }
    for (Op op : List.of(Op.REDUCE_SUM, Op.REDUCE_MAX)) {
      for (List<Integer> axes : List.of(List.of(0), List.of(1), List.of(0, 2), List.of(0, 1, 2))) {
        for (boolean keep : new boolean[] {false, true}) {
          add(op.text() + " " + axes + (keep ? " keepdims" : ""), op, List.of(s(2, 3, 4)), List.of(ANY),
              c -> c.b().node(op, List.of(c.p(0)), new Attrs.Axes(axes, keep)));
        }
      }
      add(op.text() + " batch of one", op, List.of(s(1, 5)), List.of(ANY),
          c -> c.b().node(op, List.of(c.p(0)), new Attrs.Axes(List.of(0, 1), false)));
    }
    add("reshape", Op.RESHAPE, List.of(s(2, 3)), List.of(ANY), c -> c.b().reshape(c.p(0), s(3, 2)));
    add("reshape to rank 3", Op.RESHAPE, List.of(s(6)), List.of(ANY), c -> c.b().reshape(c.p(0), s(1, 2, 3)));
    add("broadcast [3] to [2,3]", Op.BROADCAST, List.of(s(3)), List.of(ANY), c -> c.b().broadcastTo(c.p(0), s(2, 3)));
    add("broadcast [2,1] to [2,3]", Op.BROADCAST, List.of(s(2, 1)), List.of(ANY),
        c -> c.b().broadcastTo(c.p(0), s(2, 3)));
    add("broadcast [] to [2,2]", Op.BROADCAST, List.of(Shape.SCALAR), List.of(ANY),
        c -> c.b().broadcastTo(c.p(0), s(2, 2)));
    add("broadcast [1,3,1] to [2,3,4]", Op.BROADCAST, List.of(s(1, 3, 1)), List.of(ANY),
        c -> c.b().broadcastTo(c.p(0), s(2, 3, 4)));
    add("transpose (2,0,1)", Op.TRANSPOSE, List.of(s(2, 3, 4)), List.of(ANY),
        c -> c.b().transpose(c.p(0), List.of(2, 0, 1)));
    add("transpose last two", Op.TRANSPOSE, List.of(s(3, 2)), List.of(ANY), c -> c.b().transposeLast(c.p(0)));
    add("slice", Op.SLICE, List.of(s(2, 5)), List.of(ANY), c -> c.b().slice(c.p(0), 1, 1, 4));
    add("slice first axis", Op.SLICE, List.of(s(4, 2)), List.of(ANY), c -> c.b().slice(c.p(0), 0, 0, 1));
    add("slice by 2", Op.SLICE, List.of(s(2, 5)), List.of(ANY), c -> c.b().slice(c.p(0), 1, 0, 5, 2));
    add("slice by 3 from 1, rank 3", Op.SLICE, List.of(s(2, 7, 3)), List.of(ANY),
        c -> c.b().slice(c.p(0), 1, 1, 7, 3));
    add("slice reversed", Op.SLICE, List.of(s(3, 4)), List.of(ANY), c -> c.b().slice(c.p(0), 1, 3, -1, -1));
    add("slice reversed by 2, batch of one", Op.SLICE, List.of(s(1, 5)), List.of(ANY),
        c -> c.b().slice(c.p(0), 1, 4, 0, -2));
    add("slice strided, batch of one", Op.SLICE, List.of(s(1, 6, 2)), List.of(ANY),
        c -> c.b().slice(c.p(0), 1, 1, 6, 2));
    add("slice empty", Op.SLICE, List.of(s(2, 3)), List.of(ANY),
        c -> c.b().add(c.b().sum(c.b().slice(c.p(0), 1, 2, 2), List.of(1), false), c.b().sum(c.p(0), List.of(1),
            false)));
    add("slice empty, end before start", Op.SLICE, List.of(s(2, 4)), List.of(ANY),
        c -> c.b().add(c.b().sum(c.b().slice(c.p(0), 1, 3, 1), List.of(1), false), c.b().sum(c.p(0), List.of(1),
            false)));
    add("slice of the last axis, empty by step", Op.SLICE, List.of(s(1, 3)), List.of(ANY),
        c -> c.b().slice(c.p(0), 1, 0, 0, 2));
    add("unslice", Op.UNSLICE, List.of(s(2, 3)), List.of(ANY), c -> c.b().unslice(c.p(0), 1, 0, 2, 6));
    add("unslice reversed, batch of one", Op.UNSLICE, List.of(s(1, 3, 2)), List.of(ANY),
        c -> c.b().unslice(c.p(0), 1, 4, -2, 5));
    add("pad", Op.PAD, List.of(s(2, 3)), List.of(ANY), c -> c.b().pad(c.p(0), 1, 2, 1));
    add("concat last axis", Op.CONCAT, List.of(s(2, 3), s(2, 1)), List.of(ANY, ANY),
        c -> c.b().concat(List.of(c.p(0), c.p(1)), 1));
    add("concat batch of one, three inputs", Op.CONCAT, List.of(s(1, 2), s(1, 3), s(1, 1)), List.of(ANY, ANY, ANY),
        c -> c.b().concat(List.of(c.p(0), c.p(1), c.p(2)), 1));
    add("concat first axis", Op.CONCAT, List.of(s(2, 3, 2), s(1, 3, 2)), List.of(ANY, ANY),
        c -> c.b().concat(List.of(c.p(0), c.p(1)), 0));
    add("concat middle axis, one input twice", Op.CONCAT, List.of(s(2, 2, 3)), List.of(ANY),
        c -> c.b().concat(List.of(c.p(0), c.b().exp(c.p(0)), c.p(0)), 1));
    add("gather", Op.GATHER, List.of(s(5, 3)), List.of(ANY),
        c -> c.b().gather(c.p(0), ids(c, new int[] {2, 3}, 0, 4, 4, -1, 2, 1)));
    add("scatter_add", Op.SCATTER_ADD, List.of(s(4, 3)), List.of(ANY),
        c -> c.b().scatterAdd(ids(c, new int[] {4}, 1, 1, -1, 3), c.p(0), s(5, 3)));
    for (int batch : new int[] {2, 1}) {
      int[] at = {batch, 4, 5, 3};
      add("spatial_take (batch " + batch + ")", Op.SPATIAL_TAKE, List.of(s(batch, 7, 5, 3)), List.of(ANY),
          c -> c.b().spatialTake(c.p(0), ids(c, at, spatialIndices(batch * 60, 35))));
      add("spatial_put (batch " + batch + ")", Op.SPATIAL_PUT, List.of(s(batch, 4, 5, 3)), List.of(ANY),
          c -> c.b().spatialPut(ids(c, at, spatialIndices(batch * 60, 35)), c.p(0), s(batch, 7, 5, 3)));
    }
    add("matmul", Op.MATMUL, List.of(s(2, 3), s(3, 4)), List.of(ANY, ANY),
        c -> c.b().matmul(c.p(0), c.p(1), false, false));
    add("matmul batch of one", Op.MATMUL, List.of(s(1, 3), s(3, 2)), List.of(ANY, ANY),
        c -> c.b().matmul(c.p(0), c.p(1), false, false));
    add("matmul rank-3 left", Op.MATMUL, List.of(s(2, 2, 3), s(3, 4)), List.of(ANY, ANY),
        c -> c.b().matmul(c.p(0), c.p(1), false, false));
    add("matmul vector left", Op.MATMUL, List.of(s(3), s(3, 4)), List.of(ANY, ANY),
        c -> c.b().matmul(c.p(0), c.p(1), false, false));
    add("matmul transposed B", Op.MATMUL, List.of(s(2, 3), s(4, 3)), List.of(ANY, ANY),
        c -> c.b().matmul(c.p(0), c.p(1), false, true));
    add("matmul transposed A", Op.MATMUL, List.of(s(4, 3), s(4, 5)), List.of(ANY, ANY),
        c -> c.b().matmul(c.p(0), c.p(1), true, false));
    add("matmul transposed A rank 3", Op.MATMUL, List.of(s(2, 2, 3), s(2, 2, 5)), List.of(ANY, ANY),
        c -> c.b().matmul(c.p(0), c.p(1), true, false));
    add("batch_matmul", Op.BATCH_MATMUL, List.of(s(2, 3, 4), s(2, 4, 2)), List.of(ANY, ANY),
        c -> c.b().batchMatmul(c.p(0), c.p(1), false, false));
    add("batch_matmul batch of one", Op.BATCH_MATMUL, List.of(s(1, 3, 2), s(1, 2, 3)), List.of(ANY, ANY),
        c -> c.b().batchMatmul(c.p(0), c.p(1), false, false));
    add("batch_matmul rank 4", Op.BATCH_MATMUL, List.of(s(2, 2, 1, 3), s(2, 2, 3, 2)), List.of(ANY, ANY),
        c -> c.b().batchMatmul(c.p(0), c.p(1), false, false));
    add("batch_matmul transposed B", Op.BATCH_MATMUL, List.of(s(2, 3, 4), s(2, 5, 4)), List.of(ANY, ANY),
        c -> c.b().batchMatmul(c.p(0), c.p(1), false, true));
    add("batch_matmul transposed A", Op.BATCH_MATMUL, List.of(s(3, 4, 2), s(3, 4, 3)), List.of(ANY, ANY),
        c -> c.b().batchMatmul(c.p(0), c.p(1), true, false));
    convolutions();
    attention();
    add("mode_switch", Op.MODE_SWITCH, List.of(s(2, 3)), List.of(ANY),
        c -> c.b().modeSwitch(c.b().exp(c.p(0)), c.b().scale(c.p(0), 2)));
    for (int axis : new int[] {0, 1}) {
      add("log_softmax axis " + axis, Op.LOG_SOFTMAX, List.of(s(3, 4)), List.of(ANY),
          c -> c.b().node(Op.LOG_SOFTMAX, List.of(c.p(0)), new Attrs.Axes(List.of(axis), true)));
    }
    for (double smoothing : new double[] {0, 0.1}) {
      add("softmax_cross_entropy classes smoothing " + smoothing, Op.SOFTMAX_CROSS_ENTROPY, List.of(s(3, 4)),
          List.of(ANY), c -> c.b().node(Op.SOFTMAX_CROSS_ENTROPY,
              List.of(c.p(0), ids(c, new int[] {3}, 2, 0, 7)), new Attrs.CrossEntropy(smoothing)));
    }
    add("softmax_cross_entropy batch of one", Op.SOFTMAX_CROSS_ENTROPY, List.of(s(1, 5)), List.of(ANY),
        c -> c.b().node(Op.SOFTMAX_CROSS_ENTROPY, List.of(c.p(0), ids(c, new int[] {1}, 4)),
            new Attrs.CrossEntropy(0)));
    add("softmax_cross_entropy distribution", Op.SOFTMAX_CROSS_ENTROPY, List.of(s(3, 4), s(3, 4)),
        List.of(ANY, ANY), c -> c.b().node(Op.SOFTMAX_CROSS_ENTROPY, List.of(c.p(0), c.p(1)),
            new Attrs.CrossEntropy(0)));
    for (Shape sh : ELEMENTWISE_SHAPES) {
      add("sigmoid_bce " + sh, Op.SIGMOID_BCE, List.of(sh, sh), List.of(ANY, ANY),
          c -> c.b().node(Op.SIGMOID_BCE, c.p(0), c.p(1)));
    }
  }

  /**
   * ATTENTION over two heads at T = 1, 2 and 7 with each kind of mask: none, causal, a 0/1
   * tensor (shared [T, T] with a fully masked row, or one block per head) and causal with a
   * tensor; q and k carry 3 features, v 2.
   */
  private static void attention() {
    for (int t : new int[] {1, 2, 7}) {
      List<Shape> shapes = List.of(s(2, t, 3), s(2, t, 3), s(2, t, 2));
      List<Domain> domains = List.of(ANY, ANY, ANY);
      for (boolean causal : new boolean[] {false, true}) {
        String kind = causal ? "causal" : "unmasked";
        add("attention " + kind + " T=" + t, Op.ATTENTION, shapes, domains, c -> c.b().node(Op.ATTENTION,
            List.of(c.p(0), c.p(1), c.p(2)), new Attrs.Attention(0.7, causal)));
        add("attention " + kind + " shared mask T=" + t, Op.ATTENTION, shapes, domains, c -> c.b().node(Op.ATTENTION,
            List.of(c.p(0), c.p(1), c.p(2), mask(c, new int[] {t, t}, 1)), new Attrs.Attention(0.7, causal)));
        add("attention " + kind + " mask per head T=" + t, Op.ATTENTION, shapes, domains, c -> c.b().node(
            Op.ATTENTION, List.of(c.p(0), c.p(1), c.p(2), mask(c, new int[] {2, t, t}, 2)),
            new Attrs.Attention(0.7, causal)));
      }
    }
  }

  /**
   * A 0/1 mask: 1 except every third element from {@code offset}, and the whole of row 1 of
   * the first block 0 (a query that sees no key).
   */
  private static Node mask(GraphContext c, int[] shape, int offset) {
    int t = shape[shape.length - 1];
    double[] values = new double[java.util.Arrays.stream(shape).reduce(1, (x, y) -> x * y)];
    for (int i = 0; i < values.length; i++) {
      boolean hiddenRow = t > 1 && i >= t && i < 2 * t;
      values[i] = hiddenRow || (i + offset) % 3 == 0 ? 0 : 1;
    }
    return c.fixed("mask", ScalarType.F64, F64Tensor.of(shape, values));
  }

  /** One convolution geometry: n samples of in (1 or 2 sizes) by inC channels, and the attributes. */
  private record ConvCase(String name, int n, int inC, int outC, Attrs.Conv attrs) {
    Shape image(int channels, boolean output) {
      int[] dims = new int[attrs.rank() + 2];
      dims[0] = n;
      for (int i = 0; i < attrs.rank(); i++) {
        dims[i + 1] = output ? attrs.outputSize(i) : attrs.inputSize().get(i);
      }
      dims[dims.length - 1] = channels;
      return Shape.of(dims);
    }

    Shape filters() {
      List<Integer> dims = new ArrayList<>(attrs.kernel());
      dims.add(inC / attrs.groups());
      dims.add(outC);
      return Shape.of(dims);
    }
  }

  private static Attrs.Conv conv(List<Integer> in, List<Integer> kernel, List<Integer> stride, List<Integer> before,
      List<Integer> after, List<Integer> dilation, int groups) {
    return new Attrs.Conv(kernel, stride, before, after, dilation, groups, in);
  }

  /**
   * CONV and its two cotangent ops over strides, paddings (symmetric and not), dilations,
   * groups, odd sizes (7x5 by 3x2, stride 2), a batch of one and a 1-D case.
   */
  private static void convolutions() {
    List<ConvCase> geometries = List.of(
        new ConvCase("7x5 kernel 3x2 stride 2 pad 1", 2, 2, 3,
            conv(List.of(7, 5), List.of(3, 2), List.of(2, 2), List.of(1, 1), List.of(1, 1), List.of(1, 1), 1)),
        new ConvCase("batch of one 7x5 dilation 2 pad 1/2", 1, 2, 2,
            conv(List.of(7, 5), List.of(3, 2), List.of(1, 1), List.of(1, 0), List.of(2, 1), List.of(2, 2), 1)),
        new ConvCase("groups 2 stride 1x2", 2, 4, 2,
            conv(List.of(5, 4), List.of(2, 2), List.of(1, 2), List.of(0, 0), List.of(0, 0), List.of(1, 1), 2)),
        new ConvCase("1-D length 7 kernel 3 stride 2 dilation 2 pad 1", 2, 3, 2,
            conv(List.of(7), List.of(3), List.of(2), List.of(1), List.of(1), List.of(2), 1)));
    for (ConvCase g : geometries) {
      Shape x = g.image(g.inC(), false);
      Shape dy = g.image(g.outC(), true);
      add("conv " + g.name(), Op.CONV, List.of(x, g.filters()), List.of(ANY, ANY),
          c -> c.b().node(Op.CONV, List.of(c.p(0), c.p(1)), g.attrs()));
      add("conv_input_grad " + g.name(), Op.CONV_INPUT_GRAD, List.of(dy, g.filters()), List.of(ANY, ANY),
          c -> c.b().node(Op.CONV_INPUT_GRAD, List.of(c.p(0), c.p(1)), g.attrs()));
      add("conv_filter_grad " + g.name(), Op.CONV_FILTER_GRAD, List.of(x, dy), List.of(ANY, ANY),
          c -> c.b().node(Op.CONV_FILTER_GRAD, List.of(c.p(0), c.p(1)), g.attrs()));
    }
  }

  @TestFactory
  Stream<DynamicTest> everyDifferentiablePrimitiveAgreesWithFiniteDifferences() {
    return CASES.stream().map(k -> DynamicTest.dynamicTest(k.name(),
        () -> GradientChecker.check(k.name(), k.shapes(), k.domains(), k.f(), k.name().hashCode())));
  }

  /** A differentiable op without a case here, or without a rule, fails this test by name. */
  @Test
  void everyDifferentiableOpHasARuleAndACheck() {
    Set<Op> checked = EnumSet.noneOf(Op.class);
    CASES.forEach(k -> checked.add(k.op()));
    checked.add(Op.SCAN); // a loop over a body graph: ScanGradientTest, reverse mode (its forward mode is refused)
    List<String> missing = new ArrayList<>();
    for (Op op : Op.values()) {
      assertNotNull(op.derivative(), op + " has no derivative rule");
      boolean afterDifferentiation = op.derivative().kind().equals("formed after differentiation");
      if (!op.derivative().isConstant() && !afterDifferentiation && !checked.contains(op)) {
        missing.add(op.text());
      }
    }
    assertEquals(List.of(), missing, "differentiable ops without a finite-difference check");
  }

  /** Ids, class indices and conditions are marked as having no derivative. */
  @Test
  void nonDifferentiableInputsAreMarked() {
    assertEquals(false, Op.GATHER.derivative().differentiable(1));
    assertEquals(false, Op.SCATTER_ADD.derivative().differentiable(0));
    assertEquals(false, Op.WHERE.derivative().differentiable(0));
    assertEquals(true, Op.ONE_HOT.derivative().isConstant());
    assertEquals(true, Op.GREATER.derivative().isConstant());
    assertEquals("linear", Op.RESHAPE.derivative().kind());
    assertEquals("bilinear", Op.MATMUL.derivative().kind());
    assertEquals("bilinear", Op.BATCH_MATMUL.derivative().kind());
    assertEquals(false, Op.ATTENTION.derivative().differentiable(3));
  }

  /** Fused loops exist only after differentiation; asking for their derivative says so. */
  @Test
  void kernelsRefuseToBeDifferentiated() {
    assertEquals("formed after differentiation", Op.ELEMENTWISE_KERNEL.derivative().kind());
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> Op.ELEMENTWISE_KERNEL.derivative().vjp(null, null, null));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("formed after differentiation"),
        e.getMessage());
  }
}
