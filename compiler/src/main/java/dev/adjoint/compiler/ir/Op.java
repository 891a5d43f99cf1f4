package dev.adjoint.compiler.ir;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The closed set of primitive ops. Composite functions (softmax, cross-entropy, dense,
 * layer norm, dropout ...) are built from these in the front end; only optimization
 * passes add fused ops. Each op declares its group, its input count, the attribute record
 * it takes and its derivative rule ({@link Derivative}); {@link ShapeRules} gives each its
 * result type.
 *
 * <p>Arithmetic on i32 (ids shifted or scaled) is integer arithmetic: DIV truncates toward
 * zero, and results are truncated to 32 bits as a cast to i32 would. The front end only
 * builds ADD, SUB and MUL on i32.
 */
public enum Op {
  // sources
  INPUT(OpGroup.SOURCE, 0, Attrs.Input.class, Derivative.leaf()),
  PARAM(OpGroup.SOURCE, 0, Attrs.Param.class, Derivative.leaf()),
  STATE(OpGroup.SOURCE, 0, Attrs.State.class, Derivative.leaf()),
  CONST(OpGroup.SOURCE, 0, Attrs.Fill.class, Derivative.leaf()),

  /** max(1, the number of elements of the input along the axes): the divisor of a mean. */
  COUNT(OpGroup.SHAPE, 1, Attrs.Axes.class, Derivative.piecewiseConstant(1)),

  // elementwise, one input; a partial's node n is the op's output y, n.input(0) its input x
  NEG(OpGroup.ELEMENTWISE, 1, Derivative.linear((b, n, g) -> List.of(b.neg(g)))),
  /** d(1/x) = -y². */
  RECIP(OpGroup.ELEMENTWISE, 1, Derivative.elementwise((b, n) -> b.neg(b.mul(n, n)))),
  /** d e^x = y. */
  EXP(OpGroup.ELEMENTWISE, 1, Derivative.elementwise((b, n) -> n)),
  /** d log x = 1/x. */
  LOG(OpGroup.ELEMENTWISE, 1, Derivative.elementwise((b, n) -> b.recip(n.input(0)))),
  /** d log(1 + x) = 1/(1 + x). */
  LOG1P(OpGroup.ELEMENTWISE, 1, Derivative.elementwise((b, n) -> b.recip(b.shift(n.input(0), 1)))),
  /** d √x = 1/(2y). */
  SQRT(OpGroup.ELEMENTWISE, 1, Derivative.elementwise((b, n) -> b.div(b.constant(0.5, n), n))),
  /** d|x| = sign(x), 0 at 0. */
  ABS(OpGroup.ELEMENTWISE, 1, Derivative.elementwise((b, n) -> b.sign(n.input(0)))),
  /** -1, 0 or 1. */
  SIGN(OpGroup.ELEMENTWISE, 1, Derivative.piecewiseConstant(1)),
  /** d tanh x = 1 - y². */
  TANH(OpGroup.ELEMENTWISE, 1, Derivative.elementwise((b, n) -> b.sub(b.constant(1, n), b.mul(n, n)))),
  /** d σ(x) = y(1 - y). */
  SIGMOID(OpGroup.ELEMENTWISE, 1, Derivative.elementwise((b, n) -> b.mul(n, b.sub(b.constant(1, n), n)))),
  /** d erf x = 2/√π · e^(-x²). */
  ERF(OpGroup.ELEMENTWISE, 1, Derivative.elementwise(
      (b, n) -> b.scale(b.exp(b.neg(b.mul(n.input(0), n.input(0)))), 2 / Math.sqrt(Math.PI)))),
  /** Converts the dtype; only float to float carries a derivative. */
  CAST(OpGroup.ELEMENTWISE, 1, Attrs.Cast.class, Derivative.custom(
      (b, n, g) -> Collections.singletonList(n.input(0).dtype().isFloat() ? b.cast(g, n.input(0).dtype()) : null),
      (b, n, t) -> t.get(0) == null || !n.dtype().isFloat() ? null : b.cast(t.get(0), n.dtype()), true)),

  // elementwise, two inputs of the same shape and dtype
  ADD(OpGroup.ELEMENTWISE, 2, Derivative.linear((b, n, g) -> List.of(g, g), true, true)),
  SUB(OpGroup.ELEMENTWISE, 2, Derivative.linear((b, n, g) -> List.of(g, b.neg(g)), true, true)),
  MUL(OpGroup.ELEMENTWISE, 2, Derivative.bilinear((b, n, g) -> List.of(b.mul(g, n.input(1)), b.mul(g, n.input(0))))),
  /** ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = -y/b. */
  DIV(OpGroup.ELEMENTWISE, 2, Derivative.elementwise(
      (b, n) -> b.recip(n.input(1)),
      (b, n) -> b.neg(b.div(n, n.input(1))))),
  /** ∂(a^b)/∂a = b·a^(b-1), ∂(a^b)/∂b = y·log a. */
  POW(OpGroup.ELEMENTWISE, 2, Derivative.elementwise(
      (b, n) -> b.mul(n.input(1), b.pow(n.input(0), b.shift(n.input(1), -1))),
      (b, n) -> b.mul(n, b.log(n.input(0))))),
  /** The larger input takes the derivative; on a tie the second does (so relu'(0) = 0). */
  MAX(OpGroup.ELEMENTWISE, 2, Derivative.elementwise(
      (b, n) -> b.greater(n.input(0), n.input(1)),
      (b, n) -> b.sub(b.constant(1, n), b.greater(n.input(0), n.input(1))))),
  /** The smaller input takes the derivative; on a tie the second does. */
  MIN(OpGroup.ELEMENTWISE, 2, Derivative.elementwise(
      (b, n) -> b.greater(n.input(1), n.input(0)),
      (b, n) -> b.sub(b.constant(1, n), b.greater(n.input(1), n.input(0))))),
  /** 1 where a &gt; b, else 0, in the inputs' dtype. */
  GREATER(OpGroup.ELEMENTWISE, 2, Derivative.piecewiseConstant(2)),
  /** 1 where a &gt;= b, else 0. */
  GREATER_EQUAL(OpGroup.ELEMENTWISE, 2, Derivative.piecewiseConstant(2)),
  /** 1 where a == b, else 0. */
  EQUAL(OpGroup.ELEMENTWISE, 2, Derivative.piecewiseConstant(2)),

  /** where(condition, a, b): a where the condition is non-zero, else b. The condition has no derivative. */
  WHERE(OpGroup.ELEMENTWISE, 3, Derivative.custom(
      (b, n, g) -> Arrays.asList(null, b.where(n.input(0), g, b.constant(0, g)),
          b.where(n.input(0), b.constant(0, g), g)),
      (b, n, t) -> t.get(1) == null && t.get(2) == null ? null : b.where(n.input(0),
          t.get(1) == null ? Derivative.zerosLike(b, n) : t.get(1),
          t.get(2) == null ? Derivative.zerosLike(b, n) : t.get(2)),
      false, true, true)),

  // reductions
  REDUCE_SUM(OpGroup.REDUCTION, 1, Attrs.Axes.class, Derivative.linear(
      (b, n, g) -> List.of(Derivative.expandReduced(b, g, n.input(0), n.attrs(Attrs.Axes.class))))),
  /** The maximum's derivative is shared evenly among the elements that attain it. */
  REDUCE_MAX(OpGroup.REDUCTION, 1, Attrs.Axes.class, Derivative.custom(
      (b, n, g) -> List.of(b.mul(Derivative.expandReduced(b, g, n.input(0), n.attrs(Attrs.Axes.class)),
          Derivatives.maxShare(b, n))),
      (b, n, t) -> t.get(0) == null ? null : b.node(Op.REDUCE_SUM,
          List.of(b.mul(t.get(0), Derivatives.maxShare(b, n))), n.attrs()),
      true)),

  // movement
  RESHAPE(OpGroup.MOVEMENT, 1, Attrs.Target.class, Derivative.linear(
      (b, n, g) -> List.of(b.reshape(g, n.input(0).shape())))),
  /** Numpy broadcasting to a target shape: dimensions aligned from the right, size-1 dims expanded. */
  BROADCAST(OpGroup.MOVEMENT, 1, Attrs.Target.class, Derivative.linear(
      (b, n, g) -> List.of(Derivative.unbroadcast(b, g, n.input(0).shape())))),
  TRANSPOSE(OpGroup.MOVEMENT, 1, Attrs.Permutation.class, Derivative.linear(
      (b, n, g) -> List.of(b.transpose(g, Derivative.inverse(n.attrs(Attrs.Permutation.class).perm()))))),
  SLICE(OpGroup.MOVEMENT, 1, Attrs.Slice.class, Derivative.linear((b, n, g) -> {
    Attrs.Slice s = n.attrs(Attrs.Slice.class);
    return List.of(b.pad(g, s.axis(), s.start(), n.input(0).shape().dim(s.axis()) - s.end()));
  })),
  PAD(OpGroup.MOVEMENT, 1, Attrs.Pad.class, Derivative.linear((b, n, g) -> {
    Attrs.Pad p = n.attrs(Attrs.Pad.class);
    return List.of(b.slice(g, p.axis(), p.before(), p.before() + n.input(0).shape().dim(p.axis())));
  })),

  // indexing; ids never have a derivative
  /** gather(table[N, D], ids[...]) gives [..., D]; a negative id gives a row of zeros (padding). */
  GATHER(OpGroup.INDEXING, 2, Attrs.None.class, Derivative.linear(
      (b, n, g) -> Arrays.asList(b.scatterAdd(n.input(1), g, n.input(0).shape()), null), true, false)),
  /** scatter_add(ids[...], updates[..., D]) into zeros of the target shape [N, D]; negative ids are skipped. */
  SCATTER_ADD(OpGroup.INDEXING, 2, Attrs.Target.class, Derivative.linear(
      (b, n, g) -> Arrays.asList(null, b.gather(g, n.input(0))), false, true)),
  /** one_hot(ids[...]) gives [..., C]; an id outside [0, C) gives a row of zeros. */
  ONE_HOT(OpGroup.INDEXING, 1, Attrs.OneHot.class, Derivative.piecewiseConstant(1)),

  /**
   * a @ b, with each operand seen as a matrix whose rows are all its leading dimensions:
   * a[..., k] @ b[k, n] gives [..., n]; with transposeB, b is [n, k]; with transposeA,
   * a[..., k] and b[..., n] share leading dimensions and the result is [k, n].
   * Its cotangents are products with the other operand, transposed so that no transpose
   * is ever materialized.
   */
  MATMUL(OpGroup.MATMUL, 2, Attrs.Matmul.class, Derivative.bilinear(Derivatives::matmulTranspose)),

  RANDOM_UNIFORM(OpGroup.RANDOM, 0, Attrs.Random.class, Derivative.leaf()),

  /**
   * mode_switch(training, inference): the first input when training, the second otherwise.
   * Linear in both, so each input's cotangent is the output's in its own mode.
   */
  MODE_SWITCH(OpGroup.CONTROL, 2, Attrs.None.class, Derivative.linear((b, n, g) -> List.of(
      b.modeSwitch(g, Derivative.zerosLike(b, g)), b.modeSwitch(Derivative.zerosLike(b, g), g)), true, true)),

  // fused: made only by optimizing passes
  /**
   * log(softmax(x)) along one axis (keepdims attrs), as x - max - log Σ e^(x - max).
   * d: g - e^y · Σ g, where e^y is the softmax: no probability is ever divided by.
   */
  LOG_SOFTMAX(OpGroup.FUSED, 1, Attrs.Axes.class, Derivative.custom(
      (b, n, g) -> List.of(b.sub(g, b.mul(b.exp(n), b.sum(g, n.attrs(Attrs.Axes.class).axes(), true)))),
      (b, n, t) -> t.get(0) == null ? null
          : b.sub(t.get(0), b.sum(b.mul(b.exp(n), t.get(0)), n.attrs(Attrs.Axes.class).axes(), true)),
      true)),
  /**
   * Per-sample cross-entropy of softmax(logits) over the last axis: -Σ t · log_softmax(z),
   * with t the smoothed one-hot of class indices (i32 target) or a given distribution.
   * d/dz: g · (softmax(z) · Σt - t).
   */
  SOFTMAX_CROSS_ENTROPY(OpGroup.FUSED, 2, Attrs.CrossEntropy.class, Derivative.custom(
      Derivatives::softmaxCrossEntropyVjp, Derivatives::softmaxCrossEntropyJvp, true, true)),
  /** Binary cross-entropy of sigmoid(z) against y, elementwise: max(z, 0) - z·y + log1p(e^-|z|). */
  SIGMOID_BCE(OpGroup.FUSED, 2, Derivative.elementwise(
      (b, n) -> b.sub(b.sigmoid(n.input(0)), n.input(1)),
      (b, n) -> b.neg(n.input(0)))),
  /** Dropout's mask in one draw: the scale 1/(1 - p) where kept, 0 where dropped. */
  DROPOUT_MASK(OpGroup.FUSED, 0, Attrs.DropoutMask.class, Derivative.leaf()),
  /**
   * A chain of elementwise ops computed in one loop. Kernels are formed after
   * differentiation, for the code generator, so they are never differentiated.
   */
  ELEMENTWISE_KERNEL(OpGroup.FUSED, Op.VARIADIC, Attrs.Kernel.class, Derivative.formedAfterDifferentiation());

  /** The arity of an op that takes any number of inputs. */
  public static final int VARIADIC = -1;

  private final OpGroup group;
  private final int arity;
  private final Class<? extends Attrs> attrsType;

  private final Derivative derivative;

  Op(OpGroup group, int arity, Derivative derivative) {
    this(group, arity, Attrs.None.class, derivative);
  }

  Op(OpGroup group, int arity, Class<? extends Attrs> attrsType, Derivative derivative) {
    this.group = group;
    this.arity = arity;
    this.attrsType = attrsType;
    this.derivative = derivative;
  }

  /** The op's derivative rule, in reverse and forward mode. */
  public Derivative derivative() {
    return derivative;
  }

  public OpGroup group() {
    return group;
  }

  /** How many inputs a node of this op has, or {@link #VARIADIC}. */
  public int arity() {
    return arity;
  }

  /** The attribute record this op takes ({@link Attrs.None} for none). */
  public Class<? extends Attrs> attrsType() {
    return attrsType;
  }

  public boolean isSource() {
    return group == OpGroup.SOURCE;
  }

  public boolean isElementwise() {
    return group == OpGroup.ELEMENTWISE;
  }

  /** As dumps print it: {@code reduce_sum}. */
  public String text() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
