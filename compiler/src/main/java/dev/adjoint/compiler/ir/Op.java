package dev.adjoint.compiler.ir;

/**
 * The closed set of primitive ops. Composite functions (softmax, cross-entropy, dense,
 * layer norm, dropout ...) are built from these in the front end; only optimization
 * passes add fused ops. Each op declares its group, its input count and the attribute
 * record it takes; {@link ShapeRules} gives each its result type.
 *
 * <p>Arithmetic on i32 (ids shifted or scaled) is integer arithmetic: DIV truncates toward
 * zero, and results are truncated to 32 bits as a cast to i32 would. The front end only
 * builds ADD, SUB and MUL on i32.
 */
public enum Op {
  // sources
  INPUT(OpGroup.SOURCE, 0, Attrs.Input.class),
  PARAM(OpGroup.SOURCE, 0, Attrs.Param.class),
  STATE(OpGroup.SOURCE, 0, Attrs.State.class),
  CONST(OpGroup.SOURCE, 0, Attrs.Fill.class),

  /** max(1, the number of elements of the input along the axes): the divisor of a mean. */
  COUNT(OpGroup.SHAPE, 1, Attrs.Axes.class),

  // elementwise, one input
  NEG(OpGroup.ELEMENTWISE, 1),
  RECIP(OpGroup.ELEMENTWISE, 1),
  EXP(OpGroup.ELEMENTWISE, 1),
  LOG(OpGroup.ELEMENTWISE, 1),
  LOG1P(OpGroup.ELEMENTWISE, 1),
  SQRT(OpGroup.ELEMENTWISE, 1),
  ABS(OpGroup.ELEMENTWISE, 1),
  /** -1, 0 or 1. */
  SIGN(OpGroup.ELEMENTWISE, 1),
  TANH(OpGroup.ELEMENTWISE, 1),
  SIGMOID(OpGroup.ELEMENTWISE, 1),
  ERF(OpGroup.ELEMENTWISE, 1),
  CAST(OpGroup.ELEMENTWISE, 1, Attrs.Cast.class),

  // elementwise, two inputs of the same shape and dtype
  ADD(OpGroup.ELEMENTWISE, 2),
  SUB(OpGroup.ELEMENTWISE, 2),
  MUL(OpGroup.ELEMENTWISE, 2),
  DIV(OpGroup.ELEMENTWISE, 2),
  POW(OpGroup.ELEMENTWISE, 2),
  MAX(OpGroup.ELEMENTWISE, 2),
  MIN(OpGroup.ELEMENTWISE, 2),
  /** 1 where a &gt; b, else 0, in the inputs' dtype. */
  GREATER(OpGroup.ELEMENTWISE, 2),
  /** 1 where a &gt;= b, else 0. */
  GREATER_EQUAL(OpGroup.ELEMENTWISE, 2),
  /** 1 where a == b, else 0. */
  EQUAL(OpGroup.ELEMENTWISE, 2),

  /** where(condition, a, b): a where the condition is non-zero, else b. */
  WHERE(OpGroup.ELEMENTWISE, 3),

  // reductions
  REDUCE_SUM(OpGroup.REDUCTION, 1, Attrs.Axes.class),
  REDUCE_MAX(OpGroup.REDUCTION, 1, Attrs.Axes.class),

  // movement
  RESHAPE(OpGroup.MOVEMENT, 1, Attrs.Target.class),
  /** Numpy broadcasting to a target shape: dimensions aligned from the right, size-1 dims expanded. */
  BROADCAST(OpGroup.MOVEMENT, 1, Attrs.Target.class),
  TRANSPOSE(OpGroup.MOVEMENT, 1, Attrs.Permutation.class),
  SLICE(OpGroup.MOVEMENT, 1, Attrs.Slice.class),
  PAD(OpGroup.MOVEMENT, 1, Attrs.Pad.class),

  // indexing
  /** gather(table[N, D], ids[...]) gives [..., D]; a negative id gives a row of zeros (padding). */
  GATHER(OpGroup.INDEXING, 2),
  /** scatter_add(ids[...], updates[..., D]) into zeros of the target shape [N, D]; negative ids are skipped. */
  SCATTER_ADD(OpGroup.INDEXING, 2, Attrs.Target.class),
  /** one_hot(ids[...]) gives [..., C]; an id outside [0, C) gives a row of zeros. */
  ONE_HOT(OpGroup.INDEXING, 1, Attrs.OneHot.class),

  /**
   * a @ b, with each operand seen as a matrix whose rows are all its leading dimensions:
   * a[..., k] @ b[k, n] gives [..., n]; with transposeB, b is [n, k]; with transposeA,
   * a[..., k] and b[..., n] share leading dimensions and the result is [k, n].
   */
  MATMUL(OpGroup.MATMUL, 2, Attrs.Matmul.class),

  RANDOM_UNIFORM(OpGroup.RANDOM, 0, Attrs.Random.class),

  /** mode_switch(training, inference): the first input when training, the second otherwise. */
  MODE_SWITCH(OpGroup.CONTROL, 2);

  private final OpGroup group;
  private final int arity;
  private final Class<? extends Attrs> attrsType;

  Op(OpGroup group, int arity) {
    this(group, arity, Attrs.None.class);
  }

  Op(OpGroup group, int arity, Class<? extends Attrs> attrsType) {
    this.group = group;
    this.arity = arity;
    this.attrsType = attrsType;
  }

  public OpGroup group() {
    return group;
  }

  /** How many inputs a node of this op has. */
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
