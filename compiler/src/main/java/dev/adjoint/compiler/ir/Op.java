package dev.adjoint.compiler.ir;

import com.palantir.javapoet.CodeBlock;
import dev.adjoint.runtime.ops.Erf;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The closed set of built-in primitive ops, each defined in one entry (see {@link Primitive}):
 * group, input count, attribute record, shape rule ({@link ShapeRules}), kernel (for
 * elementwise ops a {@link ElementKernel}: f64 evaluator and emission template; for the others
 * a {@link BackendKernel} each back end implements) and derivative rule ({@link Derivative}).
 * Composite functions (softmax, cross-entropy, dense, layer norm, dropout ...) are built
 * from these in the front end; only optimization passes add fused ops.
 *
 * <p>Arithmetic on i32 (ids shifted or scaled) is integer arithmetic: DIV truncates toward
 * zero, and results are truncated to 32 bits as a cast to i32 would. The front end only
 * builds ADD, SUB and MUL on i32.
 */
public enum Op implements Primitive {
  // sources
  INPUT(OpGroup.SOURCE, 0, Attrs.Input.class, ShapeRules::input, BackendKernel.SOURCE, Derivative.leaf()),
  PARAM(OpGroup.SOURCE, 0, Attrs.Param.class, ShapeRules::param, BackendKernel.SOURCE, Derivative.leaf()),
  STATE(OpGroup.SOURCE, 0, Attrs.State.class, ShapeRules::state, BackendKernel.SOURCE, Derivative.leaf()),
  CONST(OpGroup.SOURCE, 0, Attrs.Fill.class, ShapeRules::fill, BackendKernel.CONSTANT, Derivative.leaf()),

  /** max(1, the number of elements of the input along the axes): the divisor of a mean. */
  COUNT(OpGroup.SHAPE, 1, Attrs.Axes.class, ShapeRules::count, BackendKernel.COUNT, Derivative.piecewiseConstant(1)),

  // elementwise, one input; a partial's node n is the op's output y, n.input(0) its input x
  NEG(ShapeRules.SAME, ElementKernel.unary(x -> -x, o -> CodeBlock.of("(-$L)", o.get(0))),
      Derivative.linear((b, n, g) -> List.of(b.neg(g)))),
  /** d(1/x) = -y². */
  RECIP(ShapeRules.FLOAT, ElementKernel.unary(x -> 1 / x, o -> CodeBlock.of("$L / $L", o.literal(1, o.dtype(0)), o.get(0))),
      Derivative.elementwise((b, n) -> b.neg(b.mul(n, n)))),
  /** d e^x = y. */
  EXP(ShapeRules.FLOAT, ElementKernel.unary(Math::exp, Templates.floatScalars("exp")), Derivative.elementwise((b, n) -> n)),
  /** d log x = 1/x. */
  LOG(ShapeRules.FLOAT, ElementKernel.unary(Math::log, Templates.math("log")), Derivative.elementwise((b, n) -> b.recip(n.input(0)))),
  /** d log(1 + x) = 1/(1 + x). */
  LOG1P(ShapeRules.FLOAT, ElementKernel.unary(Math::log1p, Templates.floatScalars("log1p")),
      Derivative.elementwise((b, n) -> b.recip(b.shift(n.input(0), 1)))),
  /** d √x = 1/(2y). */
  SQRT(ShapeRules.FLOAT, ElementKernel.unary(Math::sqrt, Templates.math("sqrt")), Derivative.elementwise((b, n) -> b.div(b.constant(0.5, n), n))),
  /** d|x| = sign(x), 0 at 0. */
  ABS(ShapeRules.SAME, ElementKernel.unary(Math::abs, Templates.mathExact("abs")), Derivative.elementwise((b, n) -> b.sign(n.input(0)))),
  /** -1, 0 or 1. */
  SIGN(ShapeRules.SAME, ElementKernel.unary(Math::signum, o -> o.dtype(0) == ScalarType.I32
      ? CodeBlock.of("$T.signum($L)", Templates.INTEGER, o.get(0)) : CodeBlock.of("$T.signum($L)", Templates.MATH, o.get(0))),
      Derivative.piecewiseConstant(1)),
  /** d tanh x = 1 - y². */
  TANH(ShapeRules.FLOAT, ElementKernel.unary(Math::tanh, Templates.floatScalars("tanh")),
      Derivative.elementwise((b, n) -> b.sub(b.constant(1, n), b.mul(n, n)))),
  /** d σ(x) = y(1 - y). */
  SIGMOID(ShapeRules.FLOAT, ElementKernel.unary(Op::sigmoid, Templates.scalars("sigmoid")),
      Derivative.elementwise((b, n) -> b.mul(n, b.sub(b.constant(1, n), n)))),
  /** d erf x = 2/√π · e^(-x²). */
  ERF(ShapeRules.FLOAT, ElementKernel.unary(Erf::erf, Templates.scalars("erf")), Derivative.elementwise(
      (b, n) -> b.scale(b.exp(b.neg(b.mul(n.input(0), n.input(0)))), 2 / Math.sqrt(Math.PI)))),
  /** d sin x = cos x. */
  SIN(ShapeRules.FLOAT, ElementKernel.unary(Math::sin, Templates.math("sin")),
      Derivative.elementwise((b, n) -> b.cos(n.input(0)))),
  /** d cos x = -sin x. */
  COS(ShapeRules.FLOAT, ElementKernel.unary(Math::cos, Templates.math("cos")),
      Derivative.elementwise((b, n) -> b.neg(b.sin(n.input(0))))),
  /** The largest integer not above x; its derivative is zero (almost everywhere). */
  FLOOR(ShapeRules.FLOAT, ElementKernel.unary(Math::floor, Templates.math("floor")), Derivative.piecewiseConstant(1)),
  /** The nearest integer, halves to even (as NumPy and PyTorch round); zero derivative. */
  ROUND(ShapeRules.FLOAT, ElementKernel.unary(Math::rint, Templates.math("rint")), Derivative.piecewiseConstant(1)),
  /**
   * x itself, which differentiation treats as a constant: its derivative is zero. The
   * optimizer removes it once the graph is differentiated, so it costs nothing at run time.
   */
  STOP_GRADIENT(ShapeRules.SAME, ElementKernel.unary(x -> x, o -> o.get(0)), Derivative.piecewiseConstant(1)),
  /** Converts the dtype; only float to float carries a derivative. */
  CAST(OpGroup.ELEMENTWISE, 1, Attrs.Cast.class, ShapeRules::cast,
      ElementKernel.of((a, t, attrs) -> cast(a[0], ((Attrs.Cast) attrs).dtype()),
          o -> Templates.cast(((Attrs.Cast) o.attrs()).dtype(), o.get(0))),
      Derivative.custom(
      (b, n, g) -> Collections.singletonList(n.input(0).dtype().isFloat() ? b.cast(g, n.input(0).dtype()) : null),
      (b, n, t) -> t.get(0) == null || !n.dtype().isFloat() ? null : b.cast(t.get(0), n.dtype()), true)),

  // elementwise, two inputs of the same shape and dtype
  ADD(ShapeRules.SAME_TYPES, ElementKernel.of((a, t, x) -> integral(a[0] + a[1], t), Templates.infix("+")),
      Derivative.linear((b, n, g) -> List.of(g, g), true, true)),
  SUB(ShapeRules.SAME_TYPES, ElementKernel.of((a, t, x) -> integral(a[0] - a[1], t), Templates.infix("-")),
      Derivative.linear((b, n, g) -> List.of(g, b.neg(g)), true, true)),
  MUL(ShapeRules.SAME_TYPES, ElementKernel.of((a, t, x) -> integral(a[0] * a[1], t), Templates.infix("*")),
      Derivative.bilinear((b, n, g) -> List.of(b.mul(g, n.input(1)), b.mul(g, n.input(0))))),
  /** ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = -y/b. */
  DIV(ShapeRules.SAME_TYPES, ElementKernel.of((a, t, x) -> t == ScalarType.I32 ? integerDivide(a[0], a[1]) : a[0] / a[1],
      Templates.infix("/")), Derivative.elementwise(
      (b, n) -> b.recip(n.input(1)),
      (b, n) -> b.neg(b.div(n, n.input(1))))),
  /** ∂(a^b)/∂a = b·a^(b-1), ∂(a^b)/∂b = y·log a. */
  POW(ShapeRules.SAME_TYPES, ElementKernel.of((a, t, x) -> integral(Math.pow(a[0], a[1]), t),
      // i32 powers truncate toward zero, as the evaluator's cast to i32 does
      o -> o.dtype(0) == ScalarType.I32 ? Templates.cast(ScalarType.I32, Templates.call(Templates.MATH, "pow", o))
          : Templates.math("pow").emit(o)), Derivative.elementwise(
      (b, n) -> b.mul(n.input(1), b.pow(n.input(0), b.shift(n.input(1), -1))),
      (b, n) -> b.mul(n, b.log(n.input(0))))),
  /** The larger input takes the derivative; on a tie the second does (so relu'(0) = 0). */
  MAX(ShapeRules.SAME_TYPES, ElementKernel.of((a, t, x) -> Math.max(a[0], a[1]), Templates.mathExact("max")),
      Derivative.elementwise(
      (b, n) -> b.greater(n.input(0), n.input(1)),
      (b, n) -> b.sub(b.constant(1, n), b.greater(n.input(0), n.input(1))))),
  /** The smaller input takes the derivative; on a tie the second does. */
  MIN(ShapeRules.SAME_TYPES, ElementKernel.of((a, t, x) -> Math.min(a[0], a[1]), Templates.mathExact("min")),
      Derivative.elementwise(
      (b, n) -> b.greater(n.input(1), n.input(0)),
      (b, n) -> b.sub(b.constant(1, n), b.greater(n.input(1), n.input(0))))),
  /** 1 where a &gt; b, else 0, in the inputs' dtype. */
  GREATER(ShapeRules.SAME_TYPES, ElementKernel.of((a, t, x) -> a[0] > a[1] ? 1 : 0, Templates.compare(">")),
      Derivative.piecewiseConstant(2)),
  /** 1 where a &gt;= b, else 0. */
  GREATER_EQUAL(ShapeRules.SAME_TYPES, ElementKernel.of((a, t, x) -> a[0] >= a[1] ? 1 : 0, Templates.compare(">=")),
      Derivative.piecewiseConstant(2)),
  /** 1 where a == b, else 0. */
  EQUAL(ShapeRules.SAME_TYPES, ElementKernel.of((a, t, x) -> a[0] == a[1] ? 1 : 0, Templates.compare("==")),
      Derivative.piecewiseConstant(2)),

  /** where(condition, a, b): a where the condition is non-zero, else b. The condition has no derivative. */
  WHERE(ShapeRules::where, ElementKernel.of((a, t, x) -> a[0] != 0 ? a[1] : a[2],
      o -> CodeBlock.of("($L != $L ? $L : $L)", o.get(0), o.literal(0, o.dtype(0)), o.get(1), o.get(2))),
      Derivative.custom(
      (b, n, g) -> Arrays.asList(null, b.where(n.input(0), g, b.constant(0, g)),
          b.where(n.input(0), b.constant(0, g), g)),
      (b, n, t) -> t.get(1) == null && t.get(2) == null ? null : b.where(n.input(0),
          t.get(1) == null ? Derivative.zerosLike(b, n) : t.get(1),
          t.get(2) == null ? Derivative.zerosLike(b, n) : t.get(2)),
      false, true, true)),

  // reductions
  REDUCE_SUM(OpGroup.REDUCTION, 1, Attrs.Axes.class, ShapeRules::reduce, BackendKernel.REDUCE_SUM, Derivative.linear(
      (b, n, g) -> List.of(Derivative.expandReduced(b, g, n.input(0), n.attrs(Attrs.Axes.class))))),
  /** The maximum's derivative is shared evenly among the elements that attain it. */
  REDUCE_MAX(OpGroup.REDUCTION, 1, Attrs.Axes.class, ShapeRules::reduce, BackendKernel.REDUCE_MAX, Derivative.custom(
      (b, n, g) -> List.of(b.mul(Derivative.expandReduced(b, g, n.input(0), n.attrs(Attrs.Axes.class)),
          Derivatives.maxShare(b, n))),
      (b, n, t) -> t.get(0) == null ? null : b.node(Op.REDUCE_SUM,
          List.of(b.mul(t.get(0), Derivatives.maxShare(b, n))), n.attrs()),
      true)),

  /**
   * The index of the largest element along one axis, as i32: the first on a tie, and the first
   * element when the others are not larger (so a NaN there wins, one elsewhere never does).
   * An index has no derivative; a float computed from one is a constant to training.
   */
  ARGMAX(OpGroup.REDUCTION, 1, Attrs.Axes.class, ShapeRules::argmax, BackendKernel.ARGMAX,
      Derivative.piecewiseConstant(1)),

  // movement
  RESHAPE(OpGroup.MOVEMENT, 1, Attrs.Target.class, ShapeRules::reshape, BackendKernel.RESHAPE, Derivative.linear(
      (b, n, g) -> List.of(b.reshape(g, n.input(0).shape())))),
  /** Numpy broadcasting to a target shape: dimensions aligned from the right, size-1 dims expanded. */
  BROADCAST(OpGroup.MOVEMENT, 1, Attrs.Target.class, ShapeRules::broadcast, BackendKernel.BROADCAST, Derivative.linear(
      (b, n, g) -> List.of(Derivative.unbroadcast(b, g, n.input(0).shape())))),
  TRANSPOSE(OpGroup.MOVEMENT, 1, Attrs.Permutation.class, ShapeRules::transpose, BackendKernel.TRANSPOSE,
      Derivative.linear(
      (b, n, g) -> List.of(b.transpose(g, Derivative.inverse(n.attrs(Attrs.Permutation.class).perm()))))),
  /** Every step-th element of one axis; its derivative puts the gradient back in zeros. */
  SLICE(OpGroup.MOVEMENT, 1, Attrs.Slice.class, ShapeRules::slice, BackendKernel.SLICE, Derivative.linear((b, n, g) -> {
    Attrs.Slice s = n.attrs(Attrs.Slice.class);
    int size = n.input(0).shape().dim(s.axis());
    return List.of(s.step() == 1 ? b.pad(g, s.axis(), s.start(), size - s.start() - s.length())
        : b.unslice(g, s.axis(), s.start(), s.step(), size));
  })),
  /** A strided slice's elements back at their places in zeros: the derivative of SLICE with a step. */
  UNSLICE(OpGroup.MOVEMENT, 1, Attrs.Unslice.class, ShapeRules::unslice, BackendKernel.UNSLICE,
      Derivative.linear((b, n, g) -> {
        Attrs.Unslice u = n.attrs(Attrs.Unslice.class);
        int length = n.input(0).shape().dim(u.axis());
        return List.of(b.slice(g, u.axis(), u.start(), u.start() + length * u.step(), u.step()));
      })),
  PAD(OpGroup.MOVEMENT, 1, Attrs.Pad.class, ShapeRules::pad, BackendKernel.PAD, Derivative.linear((b, n, g) -> {
    Attrs.Pad p = n.attrs(Attrs.Pad.class);
    return List.of(b.slice(g, p.axis(), p.before(), p.before() + n.input(0).shape().dim(p.axis())));
  })),

  /**
   * Its inputs side by side along one axis (not the batch's), each copied once. Linear in
   * each input: an input's cotangent is its slice of the output's.
   */
  CONCAT(OpGroup.MOVEMENT, Op.VARIADIC, Attrs.Concat.class, ShapeRules::concat, BackendKernel.CONCAT,
      Derivative.linearInEach(Derivatives::concatTranspose)),

  // indexing; ids never have a derivative
  /** gather(table[N, D], ids[...]) gives [..., D]; a negative id gives a row of zeros (padding). */
  GATHER(OpGroup.INDEXING, 2, Attrs.None.class, ShapeRules::gather, BackendKernel.GATHER, Derivative.linear(
      (b, n, g) -> Arrays.asList(b.scatterAdd(n.input(1), g, n.input(0).shape()), null), true, false)),
  /** scatter_add(ids[...], updates[..., D]) into zeros of the target shape [N, D]; negative ids are skipped. */
  SCATTER_ADD(OpGroup.INDEXING, 2, Attrs.Target.class, ShapeRules::scatterAdd, BackendKernel.SCATTER_ADD, Derivative.linear(
      (b, n, g) -> Arrays.asList(null, b.gather(g, n.input(0))), false, true)),
  /**
   * pool_argmax(x[B, S..., C]) gives i32 [B, O..., C]: for each pooling window and channel,
   * the flat spatial index (row-major over S...) of its first maximum. Max pooling keeps it
   * for its backward pass; an index has no derivative.
   */
  POOL_ARGMAX(OpGroup.INDEXING, 1, Attrs.Pool.class, ShapeRules::poolArgmax, BackendKernel.POOL_ARGMAX,
      Derivative.piecewiseConstant(1)),
  /**
   * spatial_take(x[B, S..., C], at[B, O..., C]) gives [B, O..., C]: each channel's value at the
   * flat spatial index {@code at} of the same sample. Linear in x: its cotangent is put back.
   */
  SPATIAL_TAKE(OpGroup.INDEXING, 2, Attrs.None.class, ShapeRules::spatialTake, BackendKernel.SPATIAL_TAKE,
      Derivative.linear((b, n, g) -> Arrays.asList(b.spatialPut(n.input(1), g, n.input(0).shape()), null), true,
          false)),
  /**
   * spatial_put(at[B, O..., C], updates[B, O..., C]) into zeros of [B, S..., C]: each update added
   * at its flat spatial index. Linear in the updates: their cotangent is taken back.
   */
  SPATIAL_PUT(OpGroup.INDEXING, 2, Attrs.Target.class, ShapeRules::spatialPut, BackendKernel.SPATIAL_PUT,
      Derivative.linear((b, n, g) -> Arrays.asList(null, b.spatialTake(g, n.input(0))), false, true)),
  /** one_hot(ids[...]) gives [..., C]; an id outside [0, C) gives a row of zeros. */
  ONE_HOT(OpGroup.INDEXING, 1, Attrs.OneHot.class, ShapeRules::oneHot, BackendKernel.ONE_HOT, Derivative.piecewiseConstant(1)),

  /**
   * a @ b, with each operand seen as a matrix whose rows are all its leading dimensions:
   * a[..., k] @ b[k, n] gives [..., n]; with transposeB, b is [n, k]; with transposeA,
   * a[..., k] and b[..., n] share leading dimensions and the result is [k, n].
   * Its cotangents are products with the other operand, transposed so that no transpose
   * is ever materialized.
   */
  MATMUL(OpGroup.MATMUL, 2, Attrs.Matmul.class, ShapeRules::matmul, BackendKernel.MATMUL, Derivative.bilinear(Derivatives::matmulTranspose)),
  /**
   * A batch of matrix products over shared leading (batch) dimensions: a[..., m, k] @
   * b[..., k, n] gives [..., m, n]; with transposeA a is [..., k, m], with transposeB b is
   * [..., n, k] (not both). The leading dimensions are equal (the front end broadcasts
   * first) and the last two static. Its cotangents are batched products with the other
   * operand, transposed as MATMUL's are, so no transpose is materialized.
   */
  BATCH_MATMUL(OpGroup.MATMUL, 2, Attrs.Matmul.class, ShapeRules::batchMatmul, BackendKernel.BATCH_MATMUL,
      Derivative.bilinear(Derivatives::batchMatmulTranspose)),

  /**
   * conv(x[N, spatial..., C_in], filters[k..., C_in/groups, C_out]) gives [N, out..., C_out]:
   * a channels-last convolution over one or two spatial axes (see {@link Attrs.Conv}).
   * Bilinear; the cotangents are CONV_INPUT_GRAD and CONV_FILTER_GRAD, and the three ops are
   * closed under differentiation, so a gradient can be differentiated again.
   */
  CONV(OpGroup.MATMUL, 2, Attrs.Conv.class, ShapeRules::conv, BackendKernel.CONV,
      Derivative.bilinear(Derivatives::convTranspose)),
  /**
   * conv_input_grad(dy[N, out..., C_out], filters) gives [N, in..., C_in]: the transposed
   * convolution, CONV's cotangent with respect to x. Bilinear as CONV is.
   */
  CONV_INPUT_GRAD(OpGroup.MATMUL, 2, Attrs.Conv.class, ShapeRules::convInputGrad, BackendKernel.CONV_INPUT_GRAD,
      Derivative.bilinear(Derivatives::convInputGradTranspose)),
  /**
   * conv_filter_grad(x[N, in..., C_in], dy[N, out..., C_out]) gives [k..., C_in/groups, C_out]:
   * CONV's cotangent with respect to the filters. Bilinear as CONV is.
   */
  CONV_FILTER_GRAD(OpGroup.MATMUL, 2, Attrs.Conv.class, ShapeRules::convFilterGrad, BackendKernel.CONV_FILTER_GRAD,
      Derivative.bilinear(Derivatives::convFilterGradTranspose)),

  /**
   * attention(q[..., Tq, d], k[..., Tk, d], v[..., Tk, dv] [, mask]) gives
   * softmax(masked(scale·q·kᵀ))·v, [..., Tq, dv]: scaled dot-product attention in one kernel
   * that keeps no probabilities (see {@link AttentionRule}: masked scores become -1e30; the
   * rule recomputes the probabilities from differentiable ops). The mask has no derivative.
   */
  ATTENTION(OpGroup.MATMUL, Op.VARIADIC, Attrs.Attention.class, ShapeRules::attention, BackendKernel.ATTENTION,
      Derivative.custom(AttentionRule::vjp, AttentionRule::jvp, true, true, true, false)),

  RANDOM_UNIFORM(OpGroup.RANDOM, 0, Attrs.Random.class, ShapeRules::random, BackendKernel.RANDOM_UNIFORM,
      Derivative.leaf()),

  /**
   * mode_switch(training, inference): the first input when training, the second otherwise.
   * Linear in both, so each input's cotangent is the output's in its own mode.
   */
  MODE_SWITCH(OpGroup.CONTROL, 2, Attrs.None.class, ShapeRules.SAME_TYPES, BackendKernel.MODE_SWITCH, Derivative.linear((b, n, g) -> List.of(
      b.modeSwitch(g, Derivative.zerosLike(b, g)), b.modeSwitch(Derivative.zerosLike(b, g), g)), true, true)),

  // fused: made only by optimizing passes
  /**
   * log(softmax(x)) along one axis (keepdims attrs), as x - max - log Σ e^(x - max).
   * d: g - e^y · Σ g, where e^y is the softmax: no probability is ever divided by.
   */
  LOG_SOFTMAX(OpGroup.FUSED, 1, Attrs.Axes.class, ShapeRules::logSoftmax, BackendKernel.LOG_SOFTMAX, Derivative.custom(
      (b, n, g) -> List.of(b.sub(g, b.mul(b.exp(n), b.sum(g, n.attrs(Attrs.Axes.class).axes(), true)))),
      (b, n, t) -> t.get(0) == null ? null
          : b.sub(t.get(0), b.sum(b.mul(b.exp(n), t.get(0)), n.attrs(Attrs.Axes.class).axes(), true)),
      true)),
  /**
   * Per-sample cross-entropy of softmax(logits) over the last axis: -Σ t · log_softmax(z),
   * with t the smoothed one-hot of class indices (i32 target) or a given distribution.
   * d/dz: g · (softmax(z) · Σt - t).
   */
  SOFTMAX_CROSS_ENTROPY(OpGroup.FUSED, 2, Attrs.CrossEntropy.class, ShapeRules::softmaxCrossEntropy,
      BackendKernel.SOFTMAX_CROSS_ENTROPY, Derivative.custom(
      Derivatives::softmaxCrossEntropyVjp, Derivatives::softmaxCrossEntropyJvp, true, true)),
  /** Binary cross-entropy of sigmoid(z) against y, elementwise: max(z, 0) - z·y + log1p(e^-|z|). */
  SIGMOID_BCE(OpGroup.FUSED, 2, Attrs.None.class, ShapeRules.FLOAT_SAME_TYPES,
      ElementKernel.of((a, t, x) -> Math.max(a[0], 0) - a[0] * a[1] + Math.log1p(Math.exp(-Math.abs(a[0]))),
          Templates.scalars("sigmoidBce")), Derivative.elementwise(
      (b, n) -> b.sub(b.sigmoid(n.input(0)), n.input(1)),
      (b, n) -> b.neg(n.input(0)))),
  /** Dropout's mask in one draw: the scale 1/(1 - p) where kept, 0 where dropped. */
  DROPOUT_MASK(OpGroup.FUSED, 0, Attrs.DropoutMask.class, ShapeRules::dropoutMask, BackendKernel.DROPOUT_MASK,
      Derivative.leaf()),
  /**
   * bag_sum(table[rows, width], ids[..., L] [, weights[..., L]]) gives [..., width]: each bag's
   * rows of the table at its non-negative ids, weighted, summed; the work follows the ids
   * present, not L. Formed after differentiation (passes.EmbeddingBagFusion), never differentiated.
   */
  BAG_SUM(OpGroup.FUSED, Op.VARIADIC, Attrs.None.class, ShapeRules::bagSum, BackendKernel.BAG_SUM,
      Derivative.formedAfterDifferentiation()),
  /**
   * bag_sum_grad(ids[..., L], dy[..., width] [, weights[..., L]]) to [rows, width]: the table's
   * gradient of BAG_SUM, each present id's row receiving its weight times its bag's dy.
   * Formed after differentiation (passes.EmbeddingBagFusion), never differentiated.
   */
  BAG_SUM_GRAD(OpGroup.FUSED, Op.VARIADIC, Attrs.Target.class, ShapeRules::bagSumGrad,
      BackendKernel.BAG_SUM_GRAD, Derivative.formedAfterDifferentiation()),
  /**
   * A chain of elementwise ops computed in one loop. Kernels are formed after
   * differentiation, for the code generator, so they are never differentiated.
   */
  ELEMENTWISE_KERNEL(OpGroup.FUSED, Op.VARIADIC, Attrs.Kernel.class, ShapeRules::kernel,
      BackendKernel.ELEMENTWISE_KERNEL, Derivative.formedAfterDifferentiation()),
  /**
   * conv_bias_relu(x, filters, bias[C_out]) gives max(conv(x, filters) + bias, 0): a
   * convolution layer with its bias and relu as the GEMM's epilogue, one kernel call. Formed
   * after differentiation (passes.ConvEpilogueFusion), so never differentiated.
   */
  CONV_BIAS_RELU(OpGroup.FUSED, 3, Attrs.Conv.class, ShapeRules::convBiasRelu, BackendKernel.CONV_BIAS_RELU,
      Derivative.formedAfterDifferentiation()),

  // loops
  /**
   * scan(init, sequences..., constants...): a loop over the time axis of its sequences that
   * runs its body ({@link ScanBody}) once per step, from the carry and each sequence's step
   * slice (and the constants) to the next carry; gives every step's carry stacked along the
   * axis, or the last (see {@link Attrs.Scan}). Its derivative is more loops: the reverse loop
   * over the saved carries, and one loop per input ({@link ScanDerivative}).
   */
  SCAN(OpGroup.CONTROL, Op.VARIADIC, Attrs.Scan.class, Scans::infer, BackendKernel.SCAN, ScanDerivative.rule());

  /** The arity of an op that takes any number of inputs. */
  public static final int VARIADIC = -1;

  private final OpGroup group;
  private final int arity;
  private final Class<? extends Attrs> attrsType;
  private final ShapeRule shape;
  private final Kernel kernel;
  private final Derivative derivative;

  /** An elementwise op without attributes; its arity is its derivative's. */
  Op(ShapeRule shape, ElementKernel kernel, Derivative derivative) {
    this(OpGroup.ELEMENTWISE, derivative.arity(), Attrs.None.class, shape, kernel, derivative);
  }

  Op(OpGroup group, int arity, Class<? extends Attrs> attrsType, ShapeRule shape, Kernel kernel,
      Derivative derivative) {
    this.group = group;
    this.arity = arity;
    this.attrsType = attrsType;
    this.shape = shape;
    this.kernel = kernel;
    this.derivative = derivative;
  }

  @Override
  public Derivative derivative() {
    return derivative;
  }

  @Override
  public OpGroup group() {
    return group;
  }

  @Override
  public int arity() {
    return arity;
  }

  @Override
  public Class<? extends Attrs> attrsType() {
    return attrsType;
  }

  @Override
  public TensorType infer(List<TensorType> in, Attrs attrs) {
    return shape.infer(this, in, attrs);
  }

  @Override
  public Kernel kernel() {
    return kernel;
  }

  // ---- scalar semantics shared by the kernels -----------------------------------------

  /** 1/(1+e^-x) for x ≥ 0 and e^x/(1+e^x) below, so that neither side overflows. */
  static double sigmoid(double x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1 + e);
  }

  /** A value converted as CAST does: f32 rounds through float, i32 truncates toward zero (as Java's (int) does). */
  public static double cast(double v, ScalarType dtype) {
    return switch (dtype) {
      case F32 -> (double) (float) v;
      case I32 -> (double) (int) v;
      case F64 -> v;
    };
  }

  private static double integral(double v, ScalarType dtype) {
    return dtype == ScalarType.I32 ? cast(v, ScalarType.I32) : v;
  }

  private static double integerDivide(double a, double b) {
    if (b == 0) {
      throw new IllegalArgumentException("integer division by zero");
    }
    return (double) ((int) a / (int) b);
  }

  @Override
  public String text() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
