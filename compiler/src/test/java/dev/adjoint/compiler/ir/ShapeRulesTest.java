package dev.adjoint.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shape rules called directly, past the front end's own checks: the IR refuses what no
 * program should hand it (a parameter of ids, a one-hot of floats, axes out of order), and
 * each range check holds exactly at its edge.
 */
class ShapeRulesTest {
  private static final int B = Shape.BATCH;

  private static TensorType f32(int... dims) {
    return new TensorType(ScalarType.F32, Shape.of(dims));
  }

  private static TensorType i32(int... dims) {
    return new TensorType(ScalarType.I32, Shape.of(dims));
  }

  private static TensorType infer(Primitive op, Attrs attrs, TensorType... in) {
    return ShapeRules.infer(op, List.of(in), attrs);
  }

  private static String refused(Primitive op, Attrs attrs, TensorType... in) {
    return assertThrows(ShapeException.class, () -> infer(op, attrs, in)).getMessage();
  }

  @Test
  void sourcesOfTheWrongKindAreRefused() {
    Init zeros = Init.of(Init.Kind.ZEROS);
    assertTrue(refused(Op.PARAM, new Attrs.Param("w", ScalarType.I32, Shape.of(3), zeros, ParamRole.WEIGHT))
        .contains("needs a floating-point input, got i32"));
    assertTrue(refused(Op.PARAM, new Attrs.Param("w", ScalarType.F32, Shape.of(B, 3), zeros, ParamRole.WEIGHT))
        .contains("cannot depend on the batch size B"));
    assertTrue(refused(Op.STATE, new Attrs.State("s", ScalarType.F32, Shape.of(B), 0))
        .contains("cannot depend on the batch size B"));
    assertTrue(refused(Op.RANDOM_UNIFORM, new Attrs.Random(0, ScalarType.I32, Shape.of(B, 2)))
        .contains("needs a floating-point input"));
    assertTrue(refused(Op.DROPOUT_MASK, new Attrs.DropoutMask(0, 0.5, 2, ScalarType.I32, Shape.of(B, 2)))
        .contains("needs a floating-point input"));
  }

  @Test
  void idsMustBeI32() {
    assertTrue(refused(Op.ONE_HOT, new Attrs.OneHot(3, ScalarType.F32), f32(B)).contains("needs i32 ids"));
    assertTrue(refused(Op.GATHER, Attrs.NONE, f32(5, 2), f32(B)).contains("needs i32 ids"));
    assertTrue(refused(Op.SCATTER_ADD, new Attrs.Target(Shape.of(5, 2)), f32(B), f32(B, 2))
        .contains("needs i32 ids"));
    assertEquals(f32(B, 2), infer(Op.GATHER, Attrs.NONE, f32(5, 2), i32(B)));
  }

  @Test
  void axesAreInRangeSortedAndDistinct() {
    Attrs.Axes last = new Attrs.Axes(List.of(1), true);
    assertEquals(f32(B, 1), infer(Op.REDUCE_SUM, last, f32(B, 4)));
    assertTrue(refused(Op.REDUCE_SUM, new Attrs.Axes(List.of(2), true), f32(B, 4)).contains("axis 2 is out of range"));
    assertTrue(refused(Op.REDUCE_SUM, new Attrs.Axes(List.of(-1), true), f32(B, 4)).contains("out of range"));
    assertTrue(refused(Op.REDUCE_SUM, new Attrs.Axes(List.of(1, 0), false), f32(B, 4))
        .contains("axes must be sorted and distinct"));
    assertTrue(refused(Op.REDUCE_SUM, new Attrs.Axes(List.of(1, 1), false), f32(B, 4))
        .contains("axes must be sorted and distinct"));
    assertEquals(f32(), infer(Op.REDUCE_SUM, new Attrs.Axes(List.of(0, 1), false), f32(B, 4)));
    assertTrue(refused(Op.COUNT, new Attrs.Axes(List.of(3), false), f32(B, 4)).contains("out of range"));
    assertTrue(refused(Op.LOG_SOFTMAX, new Attrs.Axes(List.of(2), true), f32(B, 4)).contains("out of range"));
    assertTrue(refused(Op.LOG_SOFTMAX, last, i32(B, 4)).contains("needs a floating-point input"));
  }

  @Test
  void whereNeedsValuesOfOneType() {
    assertTrue(refused(Op.WHERE, Attrs.NONE, f32(B, 2), f32(B, 2), new TensorType(ScalarType.F64, Shape.of(B, 2)))
        .contains("needs operands of the same type"));
  }

  @Test
  void softmaxCrossEntropyNeedsFloatLogitsWithAClassAxis() {
    Attrs.CrossEntropy none = new Attrs.CrossEntropy(0);
    assertEquals(f32(B), infer(Op.SOFTMAX_CROSS_ENTROPY, none, f32(B, 3), i32(B)));
    assertTrue(refused(Op.SOFTMAX_CROSS_ENTROPY, none, i32(B, 3), i32(B)).contains("needs a floating-point input"));
    assertTrue(refused(Op.SOFTMAX_CROSS_ENTROPY, none, f32(), i32()).contains("needs logits with a class axis"));
    assertEquals(f32(), infer(Op.SOFTMAX_CROSS_ENTROPY, none, f32(3), i32()), "one sample's logits");
  }

  @Test
  void aSliceReachesExactlyTheLastElement() {
    assertEquals(f32(B, 2), infer(Op.SLICE, new Attrs.Slice(1, 3, 5), f32(B, 5)));
    assertTrue(refused(Op.SLICE, new Attrs.Slice(1, 3, 6), f32(B, 5)).contains("3:6 is out of range"));
    assertEquals(f32(B, 3), infer(Op.SLICE, new Attrs.Slice(1, 0, 5, 2), f32(B, 5)), "0, 2, 4");
    assertTrue(refused(Op.SLICE, new Attrs.Slice(1, 1, 7, 2), f32(B, 5)).contains("out of range"), "1, 3, 5");
    assertEquals(f32(B, 5), infer(Op.SLICE, new Attrs.Slice(1, 4, -1, -1), f32(B, 5)), "4 down to 0");
    assertTrue(refused(Op.SLICE, new Attrs.Slice(1, 5, -1, -1), f32(B, 5)).contains("out of range"));
    assertTrue(refused(Op.SLICE, new Attrs.Slice(1, -1, 2), f32(B, 5)).contains("out of range"));
    assertEquals(f32(B, 0), infer(Op.SLICE, new Attrs.Slice(1, 5, 5), f32(B, 5)), "empty at the end");
    assertEquals(f32(B, 0), infer(Op.SLICE, new Attrs.Slice(1, -1, -1), f32(B, 5)), "empty before the start");
    assertTrue(refused(Op.SLICE, new Attrs.Slice(1, 6, 6), f32(B, 5)).contains("out of range"));
    assertTrue(refused(Op.SLICE, new Attrs.Slice(1, -2, -2), f32(B, 5)).contains("out of range"));
    assertTrue(refused(Op.SLICE, new Attrs.Slice(0, 0, 1), f32(B, 5)).contains("cannot be sliced"));
    assertTrue(refused(Op.SLICE, new Attrs.Slice(2, 0, 1), f32(B, 5)).contains("cannot be sliced"));
    // a long stride whose last element overflows an int is out of range, not wrapped around
    assertTrue(refused(Op.SLICE, new Attrs.Slice(0, 0, Integer.MAX_VALUE, 1 << 30), f32(5)).contains("out of range"));
  }

  @Test
  void anUnsliceFitsItsAxisExactly() {
    assertEquals(f32(B, 7), infer(Op.UNSLICE, new Attrs.Unslice(1, 1, 2, 7), f32(B, 3)), "1, 3, 5 of 7");
    assertEquals(f32(B, 6), infer(Op.UNSLICE, new Attrs.Unslice(1, 1, 2, 6), f32(B, 3)), "1, 3, 5 of 6");
    assertTrue(refused(Op.UNSLICE, new Attrs.Unslice(1, 1, 2, 5), f32(B, 3)).contains("do not fit an axis of 5"));
    assertTrue(refused(Op.UNSLICE, new Attrs.Unslice(1, 3, 1, 3), f32(B, 1)).contains("do not fit"));
    assertEquals(f32(B, 3), infer(Op.UNSLICE, new Attrs.Unslice(1, 2, 1, 3), f32(B, 1)));
    assertTrue(refused(Op.UNSLICE, new Attrs.Unslice(1, 0, 1 << 30, 1 << 30), f32(B, 3)).contains("do not fit"));
    assertEquals(f32(B, 0), infer(Op.UNSLICE, new Attrs.Unslice(1, 0, 1, 0), f32(B, 0)));
  }

  @Test
  void padAndConcatAtTheirEdges() {
    assertEquals(f32(B, 3), infer(Op.PAD, new Attrs.Pad(1, 0, 0), f32(B, 3)));
    assertTrue(refused(Op.PAD, new Attrs.Pad(1, -1, 0), f32(B, 3)).contains("cannot pad axis 1"));
    assertTrue(refused(Op.PAD, new Attrs.Pad(2, 0, 0), f32(B, 3)).contains("cannot pad axis 2"));
    assertEquals(f32(B, 5), infer(Op.CONCAT, new Attrs.Concat(1), f32(B, 2), f32(B, 3)));
    assertTrue(refused(Op.CONCAT, new Attrs.Concat(2), f32(B, 2), f32(B, 3)).contains("out of range"));
    assertTrue(refused(Op.CONCAT, new Attrs.Concat(-1), f32(B, 2), f32(B, 3)).contains("out of range"));
    int half = (int) (Shape.MAX_ELEMENTS / 2);
    assertEquals(f32(half * 2), infer(Op.CONCAT, new Attrs.Concat(0), f32(half), f32(half)));
    assertTrue(refused(Op.CONCAT, new Attrs.Concat(0), f32(half), f32(half + 2)).contains("would have"));
  }

  @Test
  void aTensorOfTheLargestArrayFitsAndOneMoreDoesNot() {
    int max = (int) Shape.MAX_ELEMENTS;
    assertEquals(f32(max), infer(Op.RESHAPE, new Attrs.Target(Shape.of(max)), f32(max)));
    String message = refused(Op.BROADCAST, new Attrs.Target(Shape.of(B, 2, max)), f32(B, 1, max));
    assertTrue(message.contains("elements per sample, more than a Java array holds"), message);
    ShapeException e = assertThrows(ShapeException.class,
        () -> ShapeRules.checkSize(f32(3, max / 2), "parameter 'w' "));
    assertTrue(e.getMessage().startsWith("parameter 'w' f32[3," + (max / 2) + "] has "), e.getMessage());
  }

  @Test
  void theBatchOfABatchedProductStaysOutOfItsMatrices() {
    Attrs.Matmul plain = new Attrs.Matmul(false, false);
    assertEquals(f32(B, 2, 4), infer(Op.BATCH_MATMUL, plain, f32(B, 2, 3), f32(B, 3, 4)));
    assertTrue(refused(Op.BATCH_MATMUL, plain, f32(2, B, 3), f32(2, 3, 4)).contains("B must be a batch dimension"));
    assertTrue(refused(Op.BATCH_MATMUL, plain, f32(2, 3, 4), f32(2, 4, B)).contains("B must be a batch dimension"));
  }

  @Test
  void aTransposeIsAPermutationOfTheAxes() {
    assertEquals(f32(3, B), infer(Op.TRANSPOSE, new Attrs.Permutation(List.of(1, 0)), f32(B, 3)));
    assertTrue(refused(Op.TRANSPOSE, new Attrs.Permutation(List.of(1, 2)), f32(B, 3)).contains("is not a permutation"));
    assertTrue(refused(Op.TRANSPOSE, new Attrs.Permutation(List.of(-1, 0)), f32(B, 3)).contains("is not a permutation"));
  }

  @Test
  void aKernelReadsOnlyValuesBeforeEachInstruction() {
    Attrs.Instruction exp = new Attrs.Instruction(Op.EXP, List.of(0), Attrs.NONE);
    assertEquals(f32(B, 2), infer(Op.ELEMENTWISE_KERNEL, new Attrs.Kernel(List.of(exp), ScalarType.F32, Shape.of(B, 2)),
        f32(B, 2)));
    Attrs.Instruction ahead = new Attrs.Instruction(Op.EXP, List.of(1), Attrs.NONE);
    assertTrue(refused(Op.ELEMENTWISE_KERNEL, new Attrs.Kernel(List.of(ahead), ScalarType.F32, Shape.of(B, 2)),
        f32(B, 2)).contains("reads $1 before it exists"));
  }

  private static Attrs.Conv conv2d(int kh, int kw, int stride, int pad, int groups, int h, int w) {
    return new Attrs.Conv(List.of(kh, kw), List.of(stride, stride), List.of(pad, pad), List.of(pad, pad),
        List.of(1, 1), groups, List.of(h, w));
  }

  @Test
  void aConvolutionFitsItsFiltersAndItsGeometry() {
    Attrs.Conv c = conv2d(3, 2, 2, 1, 1, 7, 5);
    TensorType filters = f32(3, 2, 2, 4);
    assertEquals(f32(B, 4, 3, 4), infer(Op.CONV, c, f32(B, 7, 5, 2), filters), "(7 + 2 - 3) / 2 + 1 by (5 + 2 - 2) / 2 + 1");
    assertEquals(f32(B, 7, 5, 2), infer(Op.CONV_INPUT_GRAD, c, f32(B, 4, 3, 4), filters));
    assertEquals(filters, infer(Op.CONV_FILTER_GRAD, c, f32(B, 7, 5, 2), f32(B, 4, 3, 4)));
    assertTrue(refused(Op.CONV, c, f32(B, 7, 5, 2), new TensorType(ScalarType.F64, Shape.of(3, 2, 2, 4)))
        .contains("two floating-point operands of one dtype"));
    assertTrue(refused(Op.CONV, c, i32(B, 7, 5, 2), new TensorType(ScalarType.I32, Shape.of(3, 2, 2, 4)))
        .contains("two floating-point operands"));
    assertTrue(refused(Op.CONV, c, f32(B, 7, 2), filters).contains("the input must be [N, H, W, C]"));
    assertTrue(refused(Op.CONV, c, f32(7, B, 5, 2), filters).contains("only the first axis of the input may be"));
    assertTrue(refused(Op.CONV, c, f32(B, 7, 5, 2), f32(3, 3, 2, 4)).contains("the filters must be [3, 2]"));
    assertTrue(refused(Op.CONV, c, f32(B, 7, 5, 3), filters).contains("the filters must be"));
    assertTrue(refused(Op.CONV, c, f32(B, 6, 5, 2), filters).contains("does not have the spatial size [7, 5]"));
    assertTrue(refused(Op.CONV_INPUT_GRAD, c, f32(B, 4, 4, 4), filters).contains("does not fit the filters"));
    assertTrue(refused(Op.CONV_FILTER_GRAD, c, f32(B, 7, 5, 2), f32(B, 4, 2, 4)).contains("does not fit the input"));
    Attrs.Conv tooLarge = conv2d(9, 2, 1, 0, 1, 7, 5);
    assertTrue(refused(Op.CONV, tooLarge, f32(B, 7, 5, 2), f32(9, 2, 2, 4)).contains("larger than the padded input"));
    Attrs.Conv exact = conv2d(7, 5, 1, 0, 1, 7, 5);
    assertEquals(f32(B, 1, 1, 4), infer(Op.CONV, exact, f32(B, 7, 5, 2), f32(7, 5, 2, 4)), "a kernel as large as the input");
  }

  @Test
  void aFusedConvolutionTakesOneBiasPerOutputChannel() {
    Attrs.Conv c = conv2d(3, 2, 2, 1, 1, 7, 5);
    TensorType filters = f32(3, 2, 2, 4);
    assertEquals(f32(B, 4, 3, 4), infer(Op.CONV_BIAS_RELU, c, f32(B, 7, 5, 2), filters, f32(4)));
    assertTrue(refused(Op.CONV_BIAS_RELU, c, f32(B, 7, 5, 2), filters, f32(3)).contains("not one f32 per output channel [4]"));
    assertTrue(refused(Op.CONV_BIAS_RELU, c, f32(B, 7, 5, 2), filters, f32(1, 4)).contains("per output channel"));
    assertTrue(refused(Op.CONV_BIAS_RELU, c, f32(B, 7, 5, 2), filters, new TensorType(ScalarType.F64, Shape.of(4)))
        .contains("per output channel"));
    assertTrue(refused(Op.CONV_BIAS_RELU, c, f32(B, 6, 5, 2), filters, f32(4)).contains("spatial size"));
  }

  @Test
  void aBagSumGivesOneRowPerBagAndItsGradientTheTablesShape() {
    Attrs none = new Attrs.None();
    TensorType f64 = new TensorType(ScalarType.F64, Shape.of(B, 5));
    assertEquals(f32(B, 3), infer(Op.BAG_SUM, none, f32(10, 3), i32(B, 5)));
    assertEquals(f32(B, 2, 3), infer(Op.BAG_SUM, none, f32(10, 3), i32(B, 2, 5), f32(B, 2, 5)));
    assertEquals(f32(3), infer(Op.BAG_SUM, none, f32(10, 3), i32(5)), "one bag");
    assertTrue(refused(Op.BAG_SUM, none, f32(10, 3)).contains("takes a table, ids and optional weights, got 1"));
    assertTrue(refused(Op.BAG_SUM, none, f32(10, 3), i32(B, 5), f32(B, 5), f32(B, 5)).contains("got 4 inputs"));
    assertTrue(refused(Op.BAG_SUM, none, f32(10, 3), f32(B, 5)).contains("i32"));
    assertTrue(refused(Op.BAG_SUM, none, f32(3), i32(B, 5)).contains("needs a float [rows, width] table"));
    assertTrue(refused(Op.BAG_SUM, none, f32(B, 3), i32(B, 5)).contains("needs a float [rows, width] table"));
    assertTrue(refused(Op.BAG_SUM, none, i32(10, 3), i32(B, 5)).contains("needs a float [rows, width] table"));
    assertTrue(refused(Op.BAG_SUM, none, f32(10, 3), i32()).contains("needs ids with a bag axis"));
    assertTrue(refused(Op.BAG_SUM, none, f32(10, 3), i32(B, 5), f32(B, 4)).contains("are not one f32 per id"));
    assertTrue(refused(Op.BAG_SUM, none, f32(10, 3), i32(B, 5), f64).contains("are not one f32 per id"));

    Attrs.Target table = new Attrs.Target(Shape.of(10, 3));
    assertEquals(f32(10, 3), infer(Op.BAG_SUM_GRAD, table, i32(B, 5), f32(B, 3)));
    assertEquals(f32(10, 3), infer(Op.BAG_SUM_GRAD, table, i32(B, 2, 5), f32(B, 2, 3), f32(B, 2, 5)));
    assertTrue(refused(Op.BAG_SUM_GRAD, table, i32(B, 5)).contains("takes ids, dy and optional weights, got 1"));
    assertTrue(refused(Op.BAG_SUM_GRAD, table, i32(B, 5), f32(B, 3), f32(B, 5), f32(B, 5)).contains("got 4"));
    assertTrue(refused(Op.BAG_SUM_GRAD, table, f32(B, 5), f32(B, 3)).contains("i32"));
    assertTrue(refused(Op.BAG_SUM_GRAD, new Attrs.Target(Shape.of(10)), i32(B, 5), f32(B, 3))
        .contains("needs a [rows, width] target"));
    assertTrue(refused(Op.BAG_SUM_GRAD, new Attrs.Target(Shape.of(B, 3)), i32(B, 5), f32(B, 3))
        .contains("needs a [rows, width] target"));
    assertTrue(refused(Op.BAG_SUM_GRAD, table, i32(B, 5), f32(B, 4)).contains("is not one float row of width 3"));
    assertTrue(refused(Op.BAG_SUM_GRAD, table, i32(B, 5), i32(B, 3)).contains("is not one float row"));
    assertTrue(refused(Op.BAG_SUM_GRAD, table, i32(B, 5), f32(B, 3), f32(5)).contains("are not one f32 per id"));
  }

  @Test
  void groupsDivideBothChannelCounts() {
    Attrs.Conv two = conv2d(1, 1, 1, 0, 2, 3, 3);
    assertEquals(f32(B, 3, 3, 6), infer(Op.CONV, two, f32(B, 3, 3, 4), f32(1, 1, 2, 6)));
    assertTrue(refused(Op.CONV, two, f32(B, 3, 3, 4), f32(1, 1, 2, 5)).contains("C_out divisible by 2"));
    assertTrue(refused(Op.CONV, two, f32(B, 3, 3, 3), f32(1, 1, 2, 6)).contains("[3/2, C_out]"));
    assertTrue(refused(Op.CONV_FILTER_GRAD, two, f32(B, 3, 3, 4), f32(B, 3, 3, 5)).contains("does not fit the input"));
    assertTrue(refused(Op.CONV_FILTER_GRAD, two, f32(B, 3, 3, 3), f32(B, 3, 3, 6)).contains("does not fit the input"));
    assertEquals(f32(1, 1, 2, 6), infer(Op.CONV_FILTER_GRAD, two, f32(B, 3, 3, 4), f32(B, 3, 3, 6)));
  }

  @Test
  void aPoolingWindowFitsThePaddedInput() {
    Attrs.Pool halfPadded = new Attrs.Pool(List.of(2, 2), List.of(2, 2), List.of(1, 1));
    assertEquals(i32(B, 4, 3, 3), infer(Op.POOL_ARGMAX, halfPadded, f32(B, 7, 5, 3)));
    Attrs.Pool overHalf = new Attrs.Pool(List.of(3, 3), List.of(1, 1), List.of(2, 2));
    assertTrue(refused(Op.POOL_ARGMAX, overHalf, f32(B, 7, 5, 3)).contains("does not fit"));
    Attrs.Pool whole = new Attrs.Pool(List.of(7, 5), List.of(1, 1), List.of(0, 0));
    assertEquals(i32(B, 1, 1, 3), infer(Op.POOL_ARGMAX, whole, f32(B, 7, 5, 3)), "a window as large as the input");
    Attrs.Pool larger = new Attrs.Pool(List.of(8, 5), List.of(1, 1), List.of(0, 0));
    assertTrue(refused(Op.POOL_ARGMAX, larger, f32(B, 7, 5, 3)).contains("does not fit"));
    Attrs.Pool still = new Attrs.Pool(List.of(2, 2), List.of(0, 1), List.of(0, 0));
    assertTrue(refused(Op.POOL_ARGMAX, still, f32(B, 7, 5, 3)).contains("does not fit"));
    assertTrue(refused(Op.POOL_ARGMAX, halfPadded, i32(B, 7, 5, 3)).contains("needs a floating-point input"));
    assertTrue(refused(Op.POOL_ARGMAX, halfPadded, f32(B, 7, 5)).contains("with 2 spatial axes"));
    assertTrue(refused(Op.POOL_ARGMAX, halfPadded, f32(7, B, 5, 3)).contains("with 2 spatial axes"));
  }

  @Test
  void takeAndPutPairATensorWithItsWindowsMaxima() {
    assertEquals(f32(B, 4, 3, 3), infer(Op.SPATIAL_TAKE, Attrs.NONE, f32(B, 7, 5, 3), i32(B, 4, 3, 3)));
    assertTrue(refused(Op.SPATIAL_TAKE, Attrs.NONE, f32(B, 7, 5, 3), f32(B, 4, 3, 3)).contains("needs i32 ids"));
    assertTrue(refused(Op.SPATIAL_TAKE, Attrs.NONE, i32(B, 7, 5, 3), i32(B, 4, 3, 3)).contains("floating-point"));
    assertTrue(refused(Op.SPATIAL_TAKE, Attrs.NONE, f32(B, 7, 5, 3), i32(B, 4, 3, 2)).contains("needs [B, S..., C]"));
    assertTrue(refused(Op.SPATIAL_TAKE, Attrs.NONE, f32(B, 7, 5, 3), i32(B, 4, 3)).contains("needs [B, S..., C]"));
    assertTrue(refused(Op.SPATIAL_TAKE, Attrs.NONE, f32(B, 7), i32(B, 4)).contains("needs [B, S..., C]"));
    Attrs.Target image = new Attrs.Target(Shape.of(B, 7, 5, 3));
    assertEquals(f32(B, 7, 5, 3), infer(Op.SPATIAL_PUT, image, i32(B, 4, 3, 3), f32(B, 4, 3, 3)));
    assertTrue(refused(Op.SPATIAL_PUT, image, i32(B, 4, 3, 3), f32(B, 4, 2, 3)).contains("do not match the indices"));
    assertTrue(refused(Op.SPATIAL_PUT, image, f32(B, 4, 3, 3), f32(B, 4, 3, 3)).contains("needs i32 ids"));
    assertTrue(refused(Op.SPATIAL_PUT, image, i32(B, 4, 3, 3), i32(B, 4, 3, 3)).contains("floating-point"));
  }

  @Test
  void attentionTakesQueriesKeysValuesAndAMask() {
    Attrs a = new Attrs.Attention(0.5, false);
    assertEquals(f32(B, 2, 5, 3), infer(Op.ATTENTION, a, f32(B, 2, 5, 4), f32(B, 2, 6, 4), f32(B, 2, 6, 3)));
    assertEquals(f32(2, 5, 3), infer(Op.ATTENTION, a, f32(2, 5, 4), f32(2, 6, 4), f32(2, 6, 3), f32(5, 6)),
        "a shared mask");
    assertEquals(f32(B, 5, 3), infer(Op.ATTENTION, a, f32(B, 5, 4), f32(B, 6, 4), f32(B, 6, 3), f32(B, 5, 6)),
        "a mask per sample");
    assertTrue(refused(Op.ATTENTION, a, f32(2, 5, 4), f32(2, 6, 4)).contains("takes q, k, v and an optional mask"));
    assertTrue(refused(Op.ATTENTION, a, f32(2, 5, 4), f32(2, 6, 4), f32(2, 6, 3), f32(5, 6), f32(5, 6))
        .contains("takes q, k, v and an optional mask, got 5"));
    assertTrue(refused(Op.ATTENTION, a, i32(2, 5, 4), i32(2, 6, 4), i32(2, 6, 3)).contains("floating-point"));
    assertTrue(refused(Op.ATTENTION, a, f32(5, 4), f32(6, 4), f32(6, 3)).contains("rank (3 or more)"));
    assertTrue(refused(Op.ATTENTION, a, f32(2, 5, 4), f32(2, 2, 6, 4), f32(2, 6, 3)).contains("rank (3 or more)"));
    assertTrue(refused(Op.ATTENTION, a, f32(2, 5, 4), f32(2, 6, 4), f32(2, 2, 6, 3)).contains("rank (3 or more)"));
    assertTrue(refused(Op.ATTENTION, a, f32(2, 5, 4), i32(2, 6, 4), f32(2, 6, 3)).contains("one float dtype"));
    assertTrue(refused(Op.ATTENTION, a, f32(2, 5, 4), f32(2, 6, 4), i32(2, 6, 3)).contains("one float dtype"));
    assertTrue(refused(Op.ATTENTION, a, f32(2, 5, 4), f32(3, 6, 4), f32(2, 6, 3)).contains("leading dimensions"));
    assertTrue(refused(Op.ATTENTION, a, f32(2, 5, 4), f32(2, 6, 4), f32(3, 6, 3)).contains("leading dimensions"));
    assertTrue(refused(Op.ATTENTION, a, f32(2, B, 4), f32(2, 6, 4), f32(2, 6, 3)).contains("B must be a leading"));
    assertTrue(refused(Op.ATTENTION, a, f32(2, 5, 4), f32(2, 6, B), f32(2, 6, 3)).contains("B must be a leading"));
    assertTrue(refused(Op.ATTENTION, a, f32(2, 5, 4), f32(2, 6, 4), f32(2, 6, B)).contains("B must be a leading"));
    assertTrue(refused(Op.ATTENTION, a, f32(2, 5, 4), f32(2, 6, 3), f32(2, 6, 3)).contains("one feature size"));
    assertTrue(refused(Op.ATTENTION, a, f32(2, 5, 4), f32(2, 6, 4), f32(2, 7, 3)).contains("one sequence length"));
    assertTrue(refused(Op.ATTENTION, a, f32(2, 5, 4), f32(2, 6, 4), f32(2, 6, 3), i32(5, 6))
        .contains("the mask must be [5,6] or [2,5,6]"));
    assertTrue(refused(Op.ATTENTION, a, f32(2, 5, 4), f32(2, 6, 4), f32(2, 6, 3), f32(6, 5))
        .contains("the mask must be"));
    assertTrue(refused(Op.ATTENTION, a, f32(2, 5, 4), f32(2, 6, 4), f32(2, 6, 3), f32(3, 5, 6))
        .contains("the mask must be"));
  }
}
