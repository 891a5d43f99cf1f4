package dev.adjoint.compiler.ir;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/** The result type of every op from its inputs' types and its attributes; the single source of shape truth. */
public final class ShapeRules {
  private ShapeRules() {}

  /**
   * The result type, or a {@link ShapeException} saying why the inputs do not fit, or that
   * the result would not fit one Java array ({@link #checkSize}).
   */
  public static TensorType infer(Primitive op, List<TensorType> in, Attrs attrs) {
    TensorType type = inferShape(op, in, attrs);
    checkSize(type);
    return type;
  }

  /**
   * Throws a {@link ShapeException} (with a hint) when a tensor of this type has more
   * elements per sample than one Java array holds: the code generator and the runtime keep
   * every tensor in one array.
   */
  public static void checkSize(TensorType type) {
    checkSize(type, "");
  }

  /** As {@link #checkSize(TensorType)}, naming the tensor in the message: {@code "parameter 'e.table' "}. */
  public static void checkSize(TensorType type, String what) {
    long size = type.shape().staticSize();
    if (size > Shape.MAX_ELEMENTS) {
      String perSample = type.shape().hasBatch() ? " per sample" : "";
      String count = size == Long.MAX_VALUE ? "more than 9e18" : String.format("%,d", size);
      throw new ShapeException(what + type + " has " + count + " elements" + perSample + ", more than a Java array holds (" + String.format("%,d", Shape.MAX_ELEMENTS)
          + ")", "make its dimensions smaller: every tensor is kept in one array, of at most "
          + String.format("%,d", Shape.MAX_ELEMENTS) + " elements" + perSample);
    }
  }

  private static TensorType inferShape(Primitive op, List<TensorType> in, Attrs attrs) {
    if (op.arity() != Op.VARIADIC && in.size() != op.arity()) {
      throw new ShapeException(op.text() + " takes " + op.arity() + " inputs, got " + in.size());
    }
    if (!op.attrsType().isInstance(attrs)) {
      throw new ShapeException(op.text() + " takes " + op.attrsType().getSimpleName() + " attributes, got "
          + attrs.getClass().getSimpleName());
    }
    return op.infer(in, attrs);
  }

  // ---- the rules, as the op definitions name them --------------------------------------

  /** An elementwise op of any dtype: the result is the (first) input's type, all inputs alike. */
  public static final ShapeRule SAME = (op, in, attrs) -> {
    for (TensorType t : in) {
      requireSame(op, in.get(0), t);
    }
    return in.get(0);
  };

  /** As {@link #SAME}, for ops defined on floating-point values only. */
  public static final ShapeRule FLOAT = (op, in, attrs) -> {
    requireFloat(op, in.get(0).dtype());
    return SAME.infer(op, in, attrs);
  };

  /** Two or more inputs of one type, the result of that type. */
  public static final ShapeRule SAME_TYPES = SAME;

  /** {@link #SAME_TYPES} on floating-point values. */
  public static final ShapeRule FLOAT_SAME_TYPES = FLOAT;

  static TensorType input(Primitive op, List<TensorType> in, Attrs attrs) {
    Attrs.Input a = (Attrs.Input) attrs;
    return new TensorType(a.dtype(), a.shape());
  }

  static TensorType param(Primitive op, List<TensorType> in, Attrs attrs) {
    Attrs.Param a = (Attrs.Param) attrs;
    requireFloat(op, a.dtype());
    requireStatic(op, a.shape());
    return new TensorType(a.dtype(), a.shape());
  }

  static TensorType state(Primitive op, List<TensorType> in, Attrs attrs) {
    Attrs.State a = (Attrs.State) attrs;
    requireStatic(op, a.shape());
    return new TensorType(a.dtype(), a.shape());
  }

  static TensorType fill(Primitive op, List<TensorType> in, Attrs attrs) {
    Attrs.Fill a = (Attrs.Fill) attrs;
    return new TensorType(a.dtype(), a.shape());
  }

  static TensorType count(Primitive op, List<TensorType> in, Attrs attrs) {
    checkAxes(op, in.get(0).shape(), ((Attrs.Axes) attrs).axes());
    return new TensorType(in.get(0).dtype() == ScalarType.F64 ? ScalarType.F64 : ScalarType.F32, Shape.SCALAR);
  }

  static TensorType cast(Primitive op, List<TensorType> in, Attrs attrs) {
    return new TensorType(((Attrs.Cast) attrs).dtype(), in.get(0).shape());
  }

  static TensorType where(Primitive op, List<TensorType> in, Attrs attrs) {
    if (!in.get(0).shape().equals(in.get(1).shape())) {
      throw new ShapeException("where: condition " + in.get(0) + " and values " + in.get(1) + " differ in shape");
    }
    requireSame(op, in.get(1), in.get(2));
    return in.get(1);
  }

  static TensorType oneHot(Primitive op, List<TensorType> in, Attrs attrs) {
    Attrs.OneHot a = (Attrs.OneHot) attrs;
    requireIds(op, in.get(0));
    if (a.classes() < 1) {
      throw new ShapeException("one_hot needs at least one class, got " + a.classes());
    }
    return new TensorType(a.dtype(), in.get(0).shape().append(a.classes()));
  }

  static TensorType random(Primitive op, List<TensorType> in, Attrs attrs) {
    Attrs.Random a = (Attrs.Random) attrs;
    requireFloat(op, a.dtype());
    return new TensorType(a.dtype(), a.shape());
  }

  static TensorType logSoftmax(Primitive op, List<TensorType> in, Attrs attrs) {
    requireFloat(op, in.get(0).dtype());
    Attrs.Axes a = (Attrs.Axes) attrs;
    checkAxes(op, in.get(0).shape(), a.axes());
    if (a.axes().size() != 1 || !a.keepDims()) {
      throw new ShapeException("log_softmax works along one axis, kept");
    }
    return in.get(0);
  }

  static TensorType dropoutMask(Primitive op, List<TensorType> in, Attrs attrs) {
    Attrs.DropoutMask a = (Attrs.DropoutMask) attrs;
    requireFloat(op, a.dtype());
    return new TensorType(a.dtype(), a.shape());
  }

  private static void requireFloat(Primitive op, ScalarType dtype) {
    if (!dtype.isFloat()) {
      throw new ShapeException(op.text() + " needs a floating-point input, got " + dtype.text());
    }
  }

  private static void requireIds(Primitive op, TensorType ids) {
    if (ids.dtype() != ScalarType.I32) {
      throw new ShapeException(op.text() + " needs i32 ids, got " + ids);
    }
  }

  private static void requireStatic(Primitive op, Shape shape) {
    if (shape.hasBatch()) {
      throw new ShapeException(op.text() + " cannot depend on the batch size B: " + shape);
    }
  }

  private static void requireSame(Primitive op, TensorType a, TensorType b) {
    if (!a.equals(b)) {
      throw new ShapeException(op.text() + " needs operands of the same type, got " + a + " and " + b);
    }
  }

  static void checkAxes(Primitive op, Shape shape, List<Integer> axes) {
    var seen = new HashSet<Integer>();
    int previous = -1;
    for (int axis : axes) {
      if (axis < 0 || axis >= shape.rank()) {
        throw new ShapeException(op.text() + ": axis " + axis + " is out of range for " + shape);
      }
      if (!seen.add(axis) || axis < previous) {
        throw new ShapeException(op.text() + ": axes must be sorted and distinct, got " + axes);
      }
      previous = axis;
    }
  }

  static TensorType reduce(Primitive op, List<TensorType> in, Attrs attrs) {
    TensorType x = in.get(0);
    Attrs.Axes a = (Attrs.Axes) attrs;
    checkAxes(op, x.shape(), a.axes());
    List<Integer> dims = new ArrayList<>();
    for (int i = 0; i < x.shape().rank(); i++) {
      if (!a.axes().contains(i)) {
        dims.add(x.shape().dim(i));
      } else if (a.keepDims()) {
        dims.add(1);
      }
    }
    return new TensorType(x.dtype(), Shape.of(dims));
  }

  /** One axis of a non-empty extent, dropped or kept as size 1; the result holds i32 indices. */
  static TensorType argmax(Primitive op, List<TensorType> in, Attrs attrs) {
    Attrs.Axes a = (Attrs.Axes) attrs;
    if (a.axes().size() != 1) {
      throw new ShapeException(op.text() + " works along one axis, got " + a.axes().size());
    }
    TensorType reduced = reduce(op, in, attrs);
    int axis = a.axes().get(0);
    if (in.get(0).shape().dim(axis) == 0) {
      throw new ShapeException(op.text() + ": axis " + axis + " of " + in.get(0) + " is empty, so it has no largest element");
    }
    return new TensorType(ScalarType.I32, reduced.shape());
  }

  static TensorType reshape(Primitive op, List<TensorType> in, Attrs attrs) {
    TensorType x = in.get(0);
    Shape to = ((Attrs.Target) attrs).shape();
    if (x.shape().hasBatch() != to.hasBatch() || x.shape().staticSize() != to.staticSize()) {
      throw new ShapeException("cannot reshape " + x.shape() + " to " + to
          + (x.shape().hasBatch() != to.hasBatch() ? ": the batch dimension B must stay a dimension of its own"
              : ": the sizes differ"));
    }
    return new TensorType(x.dtype(), to);
  }

  /** The numpy broadcast of two shapes, or a {@link ShapeException}. */
  public static Shape broadcastShapes(Shape a, Shape b) {
    int rank = Math.max(a.rank(), b.rank());
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.rank() ? 1 : a.dim(i - (rank - a.rank()));
      int db = i < rank - b.rank() ? 1 : b.dim(i - (rank - b.rank()));
      if (da == db || db == 1) {
        out[i] = da;
      } else if (da == 1) {
        out[i] = db;
      } else {
        throw new ShapeException("dimension " + Shape.dimText(da) + " does not broadcast against "
            + Shape.dimText(db) + " (sizes must be equal, or one of them 1)");
      }
    }
    try {
      return Shape.of(out);
    } catch (IllegalArgumentException e) {
      throw new ShapeException("shapes " + a + " and " + b + " broadcast to two batch dimensions");
    }
  }

  static TensorType broadcast(Primitive op, List<TensorType> in, Attrs attrs) {
    return broadcast(in.get(0), ((Attrs.Target) attrs).shape());
  }

  private static TensorType broadcast(TensorType x, Shape to) {
    Shape from = x.shape();
    if (from.rank() > to.rank()) {
      throw new ShapeException("cannot broadcast " + from + " to fewer dimensions " + to);
    }
    int offset = to.rank() - from.rank();
    for (int i = 0; i < from.rank(); i++) {
      int d = from.dim(i);
      if (d != 1 && d != to.dim(i + offset)) {
        throw new ShapeException("cannot broadcast " + from + " to " + to);
      }
    }
    return new TensorType(x.dtype(), to);
  }

  static TensorType transpose(Primitive op, List<TensorType> in, Attrs attrs) {
    TensorType x = in.get(0);
    List<Integer> perm = ((Attrs.Permutation) attrs).perm();
    int rank = x.shape().rank();
    if (perm.size() != rank || new HashSet<>(perm).size() != rank
        || perm.stream().anyMatch(p -> p < 0 || p >= rank)) {
      throw new ShapeException("transpose: " + perm + " is not a permutation of the axes of " + x.shape());
    }
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      out[i] = x.shape().dim(perm.get(i));
    }
    return new TensorType(x.dtype(), Shape.of(out));
  }

  static TensorType slice(Primitive op, List<TensorType> in, Attrs attrs) {
    TensorType x = in.get(0);
    Attrs.Slice s = (Attrs.Slice) attrs;
    Shape shape = x.shape();
    if (s.axis() < 0 || s.axis() >= shape.rank() || shape.dim(s.axis()) == Shape.BATCH) {
      throw new ShapeException("slice: axis " + s.axis() + " of " + shape + " cannot be sliced");
    }
    int dim = shape.dim(s.axis());
    int length = s.length();
    boolean inRange = length == 0 ? s.start() >= -1 && s.start() <= dim
        : within(s.start(), dim) && within(s.start() + (long) (length - 1) * s.step(), dim);
    if (!inRange) {
      throw new ShapeException("slice: " + s.start() + ":" + s.end() + (s.step() == 1 ? "" : ":" + s.step())
          + " is out of range for " + shape);
    }
    return new TensorType(x.dtype(), shape.with(s.axis(), length));
  }

  private static boolean within(long index, int dim) {
    return index >= 0 && index < dim;
  }

  static TensorType unslice(Primitive op, List<TensorType> in, Attrs attrs) {
    TensorType x = in.get(0);
    Attrs.Unslice u = (Attrs.Unslice) attrs;
    Shape shape = x.shape();
    if (u.axis() < 0 || u.axis() >= shape.rank() || shape.dim(u.axis()) == Shape.BATCH) {
      throw new ShapeException("unslice: axis " + u.axis() + " of " + shape + " cannot be unsliced");
    }
    int length = shape.dim(u.axis());
    boolean inRange = u.size() >= 0 && (length == 0 || within(u.start(), u.size())
        && within(u.start() + (long) (length - 1) * u.step(), u.size()));
    if (!inRange) {
      throw new ShapeException("unslice: " + length + " elements from " + u.start() + " by " + u.step()
          + " do not fit an axis of " + u.size());
    }
    return new TensorType(x.dtype(), shape.with(u.axis(), u.size()));
  }

  static TensorType pad(Primitive op, List<TensorType> in, Attrs attrs) {
    TensorType x = in.get(0);
    Attrs.Pad p = (Attrs.Pad) attrs;
    Shape shape = x.shape();
    if (p.axis() < 0 || p.axis() >= shape.rank() || shape.dim(p.axis()) == Shape.BATCH
        || p.before() < 0 || p.after() < 0) {
      throw new ShapeException("pad: cannot pad axis " + p.axis() + " of " + shape);
    }
    return new TensorType(x.dtype(), shape.with(p.axis(), shape.dim(p.axis()) + p.before() + p.after()));
  }

  /**
   * CONCAT: one or more inputs of one dtype and rank, alike in every dimension but the axis,
   * which may not be the batch's (that would mix samples); the result's axis is their sum.
   */
  static TensorType concat(Primitive op, List<TensorType> in, Attrs attrs) {
    int axis = ((Attrs.Concat) attrs).axis();
    if (in.isEmpty()) {
      throw new ShapeException("concat needs at least one tensor");
    }
    Shape first = in.get(0).shape();
    if (axis < 0 || axis >= first.rank()) {
      throw new ShapeException("concat: axis " + axis + " is out of range for " + in.get(0));
    }
    if (first.dim(axis) == Shape.BATCH) {
      throw new ShapeException("concat: axis " + axis + " of " + in.get(0) + " is the batch B, which cannot be joined",
          "every sample of a batch is computed apart; join along another axis");
    }
    long total = 0;
    for (int i = 0; i < in.size(); i++) {
      TensorType t = in.get(i);
      if (t.dtype() != in.get(0).dtype()) {
        throw new ShapeException("concat: tensors " + in.get(0) + " and " + t + " differ in dtype");
      }
      if (t.shape().rank() != first.rank() || !t.shape().with(axis, 1).equals(first.with(axis, 1))) {
        throw new ShapeException("concat along axis " + axis + ": shapes " + in.get(0) + " and " + t
            + " differ in another axis", "all dimensions but the one joined must be equal");
      }
      total += t.shape().dim(axis);
    }
    if (total > Shape.MAX_ELEMENTS) {
      throw new ShapeException("concat: axis " + axis + " would have " + total + " elements");
    }
    return new TensorType(in.get(0).dtype(), first.with(axis, (int) total));
  }

  static TensorType gather(Primitive op, List<TensorType> in, Attrs attrs) {
    TensorType table = in.get(0);
    TensorType ids = in.get(1);
    requireIds(Op.GATHER, ids);
    if (table.shape().rank() != 2 || table.shape().hasBatch()) {
      throw new ShapeException("gather needs a [rows, width] table, got " + table);
    }
    return new TensorType(table.dtype(), ids.shape().append(table.shape().dim(1)));
  }

  static TensorType scatterAdd(Primitive op, List<TensorType> in, Attrs attrs) {
    TensorType ids = in.get(0);
    TensorType updates = in.get(1);
    Shape to = ((Attrs.Target) attrs).shape();
    requireIds(Op.SCATTER_ADD, ids);
    if (to.rank() != 2 || to.hasBatch()) {
      throw new ShapeException("scatter_add needs a [rows, width] target, got " + to);
    }
    if (!updates.shape().equals(ids.shape().append(to.dim(1)))) {
      throw new ShapeException("scatter_add: updates " + updates + " do not match ids " + ids + " and width "
          + to.dim(1));
    }
    return new TensorType(updates.dtype(), to);
  }

  static TensorType poolArgmax(Primitive op, List<TensorType> in, Attrs attrs) {
    TensorType x = in.get(0);
    Attrs.Pool w = (Attrs.Pool) attrs;
    requireFloat(op, x.dtype());
    Shape s = x.shape();
    int spatial = w.kernel().size();
    if (s.rank() != spatial + 2 || s.batchAxis() > 0) {
      throw new ShapeException(op.text() + " needs [B, S..., C] with " + spatial + " spatial axes, got " + x);
    }
    int[] out = s.dims();
    for (int i = 0; i < spatial; i++) {
      int k = w.kernel().get(i);
      int st = w.stride().get(i);
      int p = w.padding().get(i);
      if (k < 1 || st < 1 || p < 0 || 2 * p > k || s.dim(i + 1) + 2 * p < k) {
        throw new ShapeException(op.text() + ": window " + w.text() + " does not fit " + x);
      }
      out[i + 1] = w.outputSize(i, s.dim(i + 1));
    }
    return new TensorType(ScalarType.I32, Shape.of(out));
  }

  static TensorType spatialTake(Primitive op, List<TensorType> in, Attrs attrs) {
    TensorType x = in.get(0);
    TensorType at = in.get(1);
    requireFloat(op, x.dtype());
    requireIds(op, at);
    requireSpatialPair(op, x.shape(), at.shape());
    return new TensorType(x.dtype(), at.shape());
  }

  static TensorType spatialPut(Primitive op, List<TensorType> in, Attrs attrs) {
    TensorType at = in.get(0);
    TensorType updates = in.get(1);
    Shape to = ((Attrs.Target) attrs).shape();
    requireIds(op, at);
    requireFloat(op, updates.dtype());
    if (!updates.shape().equals(at.shape())) {
      throw new ShapeException(op.text() + ": updates " + updates + " do not match the indices " + at);
    }
    requireSpatialPair(op, to, at.shape());
    return new TensorType(updates.dtype(), to);
  }

  /** A tensor [B, S..., C] and indices [B, O..., C] into it: the same rank, batch and channels. */
  private static void requireSpatialPair(Primitive op, Shape x, Shape at) {
    if (x.rank() < 3 || at.rank() != x.rank() || x.batchAxis() > 0 || at.dim(0) != x.dim(0)
        || at.last() != x.last()) {
      throw new ShapeException(op.text() + " needs [B, S..., C] and indices [B, O..., C], got " + x + " and " + at);
    }
  }

  static TensorType softmaxCrossEntropy(Primitive op, List<TensorType> in, Attrs attrs) {
    TensorType logits = in.get(0);
    TensorType target = in.get(1);
    requireFloat(Op.SOFTMAX_CROSS_ENTROPY, logits.dtype());
    Shape s = logits.shape();
    if (s.rank() < 1) {
      throw new ShapeException("softmax_cross_entropy needs logits with a class axis, got " + logits);
    }
    Shape perSample = s.slice(0, s.rank() - 1);
    boolean indices = target.dtype() == ScalarType.I32 && target.shape().equals(perSample);
    if (!indices && !target.equals(logits)) {
      throw new ShapeException("softmax_cross_entropy: target " + target + " is neither class indices shaped "
          + perSample + " nor a distribution like " + logits);
    }
    return new TensorType(logits.dtype(), perSample);
  }

  /** A kernel's inputs broadcast to its shape; each instruction type-checks like its op. */
  static TensorType kernel(Primitive op, List<TensorType> in, Attrs attrs) {
    Attrs.Kernel k = (Attrs.Kernel) attrs;
    List<TensorType> values = new ArrayList<>();
    for (TensorType t : in) {
      broadcast(t, k.shape());
      values.add(new TensorType(t.dtype(), k.shape()));
    }
    if (k.program().isEmpty()) {
      throw new ShapeException("a kernel needs at least one instruction");
    }
    for (Attrs.Instruction instruction : k.program()) {
      if (!instruction.op().isElementwise()) {
        throw new ShapeException("a kernel computes elementwise ops only, got " + instruction.op().text());
      }
      List<TensorType> args = new ArrayList<>();
      for (int a : instruction.args()) {
        if (a < 0 || a >= values.size()) {
          throw new ShapeException("kernel instruction " + instruction + " reads $" + a + " before it exists");
        }
        args.add(values.get(a));
      }
      values.add(infer(instruction.op(), args, instruction.attrs()));
    }
    TensorType result = values.get(values.size() - 1);
    if (!result.equals(new TensorType(k.dtype(), k.shape()))) {
      throw new ShapeException("kernel computes " + result + " but declares " + k.dtype().text() + k.shape());
    }
    return result;
  }

  /** conv(x[N, in..., C_in], w[k..., C_in/groups, C_out]) gives [N, out..., C_out]; see {@link Attrs.Conv}. */
  static TensorType conv(Primitive op, List<TensorType> in, Attrs attrs) {
    Attrs.Conv c = (Attrs.Conv) attrs;
    TensorType x = in.get(0);
    TensorType w = in.get(1);
    requireConvOperands(op, x, w);
    int inC = checkImage(op, x.shape(), c, "input");
    checkFilters(op, w.shape(), c, inC);
    for (int i = 0; i < c.rank(); i++) {
      if (x.shape().dim(i + 1) != c.inputSize().get(i)) {
        throw new ShapeException(op.text() + ": the input " + x.shape() + " does not have the spatial size "
            + c.inputSize() + " of the attributes");
      }
    }
    return new TensorType(x.dtype(), outputShape(x.shape().dim(0), c, w.shape().last()));
  }

  /** conv_bias_relu(x, w, bias[C_out]) gives conv(x, w)'s type; the bias is one value per output channel. */
  /** bag_sum(table[rows, width], ids[..., L] [, weights[..., L]]) gives [..., width]. */
  static TensorType bagSum(Primitive op, List<TensorType> in, Attrs attrs) {
    if (in.size() != 2 && in.size() != 3) {
      throw new ShapeException(op.text() + " takes a table, ids and optional weights, got " + in.size() + " inputs");
    }
    TensorType table = in.get(0);
    TensorType ids = in.get(1);
    requireIds(op, ids);
    if (table.shape().rank() != 2 || table.shape().hasBatch() || !table.dtype().isFloat()) {
      throw new ShapeException(op.text() + " needs a float [rows, width] table, got " + table);
    }
    requireBagWeights(op, in, 2, ids, table.dtype());
    return new TensorType(table.dtype(), bagsOf(op, ids).append(table.shape().dim(1)));
  }

  /** bag_sum_grad(ids[..., L], dy[..., width] [, weights[..., L]]) to [rows, width]. */
  static TensorType bagSumGrad(Primitive op, List<TensorType> in, Attrs attrs) {
    if (in.size() != 2 && in.size() != 3) {
      throw new ShapeException(op.text() + " takes ids, dy and optional weights, got " + in.size() + " inputs");
    }
    TensorType ids = in.get(0);
    TensorType dy = in.get(1);
    Shape to = ((Attrs.Target) attrs).shape();
    requireIds(op, ids);
    if (to.rank() != 2 || to.hasBatch()) {
      throw new ShapeException(op.text() + " needs a [rows, width] target, got " + to);
    }
    if (!dy.dtype().isFloat() || !dy.shape().equals(bagsOf(op, ids).append(to.dim(1)))) {
      throw new ShapeException(op.text() + ": dy " + dy + " is not one float row of width " + to.dim(1)
          + " per bag of ids " + ids);
    }
    requireBagWeights(op, in, 2, ids, dy.dtype());
    return new TensorType(dy.dtype(), to);
  }

  private static Shape bagsOf(Primitive op, TensorType ids) {
    if (ids.shape().rank() < 1) {
      throw new ShapeException(op.text() + " needs ids with a bag axis, got " + ids);
    }
    return ids.shape().slice(0, ids.shape().rank() - 1);
  }

  private static void requireBagWeights(Primitive op, List<TensorType> in, int at, TensorType ids, ScalarType dtype) {
    if (in.size() > at && (in.get(at).dtype() != dtype || !in.get(at).shape().equals(ids.shape()))) {
      throw new ShapeException(op.text() + ": weights " + in.get(at) + " are not one " + dtype.text()
          + " per id of " + ids);
    }
  }

  static TensorType convBiasRelu(Primitive op, List<TensorType> in, Attrs attrs) {
    TensorType y = conv(op, in.subList(0, 2), attrs);
    TensorType bias = in.get(2);
    if (bias.dtype() != y.dtype() || !bias.shape().equals(Shape.of(y.shape().last()))) {
      throw new ShapeException(op.text() + ": the bias " + bias + " is not one " + y.dtype().text()
          + " per output channel [" + y.shape().last() + "]");
    }
    return y;
  }

  /** conv_input_grad(dy[N, out..., C_out], w[k..., C_in/groups, C_out]) gives [N, in..., C_in]. */
  static TensorType convInputGrad(Primitive op, List<TensorType> in, Attrs attrs) {
    Attrs.Conv c = (Attrs.Conv) attrs;
    TensorType dy = in.get(0);
    TensorType w = in.get(1);
    requireConvOperands(op, dy, w);
    int outC = checkImage(op, dy.shape(), c, "output gradient");
    int inC = w.shape().dim(w.shape().rank() - 2) * c.groups();
    checkFilters(op, w.shape(), c, inC);
    if (!dy.shape().equals(outputShape(dy.shape().dim(0), c, outC)) || w.shape().last() != outC) {
      throw new ShapeException(op.text() + ": the output gradient " + dy.shape() + " does not fit the filters "
          + w.shape() + " and " + c.text());
    }
    int[] dims = new int[c.rank() + 2];
    dims[0] = dy.shape().dim(0);
    for (int i = 0; i < c.rank(); i++) {
      dims[i + 1] = c.inputSize().get(i);
    }
    dims[c.rank() + 1] = inC;
    return new TensorType(dy.dtype(), Shape.of(dims));
  }

  /** conv_filter_grad(x[N, in..., C_in], dy[N, out..., C_out]) gives [k..., C_in/groups, C_out]. */
  static TensorType convFilterGrad(Primitive op, List<TensorType> in, Attrs attrs) {
    Attrs.Conv c = (Attrs.Conv) attrs;
    TensorType x = in.get(0);
    TensorType dy = in.get(1);
    requireConvOperands(op, x, dy);
    int inC = checkImage(op, x.shape(), c, "input");
    int outC = checkImage(op, dy.shape(), c, "output gradient");
    if (!dy.shape().equals(outputShape(x.shape().dim(0), c, outC)) || outC % c.groups() != 0
        || inC % c.groups() != 0) {
      throw new ShapeException(op.text() + ": the output gradient " + dy.shape() + " does not fit the input "
          + x.shape() + " and " + c.text());
    }
    int[] dims = new int[c.rank() + 2];
    for (int i = 0; i < c.rank(); i++) {
      dims[i] = c.kernel().get(i);
    }
    dims[c.rank()] = inC / c.groups();
    dims[c.rank() + 1] = outC;
    return new TensorType(x.dtype(), Shape.of(dims));
  }

  private static void requireConvOperands(Primitive op, TensorType a, TensorType b) {
    if (a.dtype() != b.dtype() || !a.dtype().isFloat()) {
      throw new ShapeException(op.text() + " needs two floating-point operands of one dtype, got " + a + " and " + b);
    }
  }

  /** Checks an image [N, spatial..., C] of the attributes' rank (a batch or size first, no batch after) and returns C. */
  private static int checkImage(Primitive op, Shape s, Attrs.Conv c, String what) {
    if (s.rank() != c.rank() + 2) {
      throw new ShapeException(op.text() + ": the " + what + " must be [N, " + (c.rank() == 1 ? "L" : "H, W")
          + ", C], got " + s);
    }
    for (int i = 1; i < s.rank(); i++) {
      if (s.dim(i) == Shape.BATCH) {
        throw new ShapeException(op.text() + ": only the first axis of the " + what + " may be the batch, got " + s);
      }
    }
    return s.last();
  }

  private static void checkFilters(Primitive op, Shape w, Attrs.Conv c, int inC) {
    boolean fits = w.rank() == c.rank() + 2 && !w.hasBatch() && inC % c.groups() == 0
        && w.dim(c.rank()) == inC / c.groups() && w.last() % c.groups() == 0;
    for (int i = 0; fits && i < c.rank(); i++) {
      fits = w.dim(i) == c.kernel().get(i);
    }
    if (!fits) {
      throw new ShapeException(op.text() + ": the filters must be " + c.kernel() + " by [C_in / groups, C_out] = ["
          + (inC % c.groups() == 0 ? Integer.toString(inC / c.groups()) : inC + "/" + c.groups())
          + ", C_out] with C_out divisible by " + c.groups() + ", got " + w);
    }
    for (int i = 0; i < c.rank(); i++) {
      if (c.outputSize(i) < 1) {
        throw new ShapeException(op.text() + ": the kernel " + c.kernel() + " (dilation " + c.dilation()
            + ") is larger than the padded input " + c.inputSize());
      }
    }
  }

  private static Shape outputShape(int n, Attrs.Conv c, int channels) {
    int[] dims = new int[c.rank() + 2];
    dims[0] = n;
    for (int i = 0; i < c.rank(); i++) {
      dims[i + 1] = c.outputSize(i);
    }
    dims[c.rank() + 1] = channels;
    return Shape.of(dims);
  }

  static TensorType matmul(Primitive op, List<TensorType> in, Attrs attrs) {
    TensorType a = in.get(0);
    TensorType b = in.get(1);
    Attrs.Matmul m = (Attrs.Matmul) attrs;
    if (a.dtype() != b.dtype() || !a.dtype().isFloat()) {
      throw new ShapeException("matmul needs two floating-point operands of one dtype, got " + a + " and " + b);
    }
    Shape sa = a.shape();
    Shape sb = b.shape();
    if (sa.rank() < 1 || sb.rank() < 1) {
      throw new ShapeException("matmul needs operands of rank 1 or more, got " + sa + " and " + sb);
    }
    if (m.transposeA() && m.transposeB()) {
      throw new ShapeException("matmul: transposing both operands is not supported");
    }
    if (m.transposeA()) {
      if (!sa.slice(0, sa.rank() - 1).equals(sb.slice(0, sb.rank() - 1))) {
        throw new ShapeException("matmul (aᵀ·b): leading dimensions of " + sa + " and " + sb + " differ");
      }
      return new TensorType(a.dtype(), Shape.of(sa.last(), sb.last()));
    }
    if (sb.rank() != 2 || sb.hasBatch()) {
      throw new ShapeException("matmul: the right operand must be a [k, n] matrix, got " + sb);
    }
    int k = m.transposeB() ? sb.dim(1) : sb.dim(0);
    int n = m.transposeB() ? sb.dim(0) : sb.dim(1);
    if (sa.last() != k) {
      throw new ShapeException("matmul: inner dimensions differ: " + sa + " @ " + (m.transposeB() ? sb + "ᵀ" : sb)
          + " (" + Shape.dimText(sa.last()) + " vs " + k + ")");
    }
    return new TensorType(a.dtype(), sa.slice(0, sa.rank() - 1).append(n));
  }

  static TensorType batchMatmul(Primitive op, List<TensorType> in, Attrs attrs) {
    TensorType a = in.get(0);
    TensorType b = in.get(1);
    Attrs.Matmul m = (Attrs.Matmul) attrs;
    if (a.dtype() != b.dtype() || !a.dtype().isFloat()) {
      throw new ShapeException("batch_matmul needs two floating-point operands of one dtype, got " + a + " and " + b);
    }
    Shape sa = a.shape();
    Shape sb = b.shape();
    if (sa.rank() < 3 || sa.rank() != sb.rank()) {
      throw new ShapeException("batch_matmul needs operands of one rank, 3 or more, got " + sa + " and " + sb);
    }
    if (m.transposeA() && m.transposeB()) {
      throw new ShapeException("batch_matmul: transposing both operands is not supported");
    }
    int rank = sa.rank();
    Shape batch = sa.slice(0, rank - 2);
    if (!batch.equals(sb.slice(0, rank - 2))) {
      throw new ShapeException("batch_matmul: batch dimensions of " + sa + " and " + sb + " differ");
    }
    for (int axis = rank - 2; axis < rank; axis++) {
      if (sa.dim(axis) == Shape.BATCH || sb.dim(axis) == Shape.BATCH) {
        throw new ShapeException("batch_matmul: B must be a batch dimension, not a matrix's, in " + sa + " and " + sb);
      }
    }
    int rows = m.transposeA() ? sa.last() : sa.dim(rank - 2);
    int k = m.transposeA() ? sa.dim(rank - 2) : sa.last();
    int bk = m.transposeB() ? sb.last() : sb.dim(rank - 2);
    int n = m.transposeB() ? sb.dim(rank - 2) : sb.last();
    if (k != bk) {
      throw new ShapeException("batch_matmul: inner dimensions differ: " + k + " vs " + bk + " in " + sa + " and " + sb);
    }
    return new TensorType(a.dtype(), batch.append(rows, n));
  }

  /**
   * attention(q[..., Tq, d], k[..., Tk, d], v[..., Tk, dv] [, mask]) gives [..., Tq, dv]: one
   * float dtype, equal leading dimensions (at least one), static sequence and feature sizes; the mask is
   * [Tq, Tk] (shared) or [..., Tq, Tk] in the same dtype.
   */
  static TensorType attention(Primitive op, List<TensorType> in, Attrs attrs) {
    if (in.size() != 3 && in.size() != 4) {
      throw new ShapeException("attention takes q, k, v and an optional mask, got " + in.size() + " inputs");
    }
    TensorType q = in.get(0);
    requireFloat(op, q.dtype());
    Shape sq = q.shape();
    Shape sk = in.get(1).shape();
    Shape sv = in.get(2).shape();
    int rank = sq.rank();
    if (rank < 3 || sk.rank() != rank || sv.rank() != rank || in.get(1).dtype() != q.dtype()
        || in.get(2).dtype() != q.dtype()) {
      throw new ShapeException("attention needs q, k and v of one float dtype and rank (3 or more), got " + q + ", "
          + in.get(1) + " and " + in.get(2));
    }
    Shape lead = sq.slice(0, rank - 2);
    if (!lead.equals(sk.slice(0, rank - 2)) || !lead.equals(sv.slice(0, rank - 2))) {
      throw new ShapeException("attention: the leading dimensions of q " + sq + ", k " + sk + " and v " + sv
          + " differ");
    }
    for (Shape s : List.of(sq, sk, sv)) {
      if (s.dim(rank - 2) == Shape.BATCH || s.last() == Shape.BATCH) {
        throw new ShapeException("attention: B must be a leading dimension, not a sequence or feature one, in " + s);
      }
    }
    if (sk.last() != sq.last() || sv.dim(rank - 2) != sk.dim(rank - 2)) {
      throw new ShapeException("attention: q " + sq + " and k " + sk + " need one feature size, k and v " + sv
          + " one sequence length");
    }
    if (in.size() == 4) {
      TensorType mask = in.get(3);
      Shape block = Shape.of(sq.dim(rank - 2), sk.dim(rank - 2));
      if (mask.dtype() != q.dtype() || !mask.shape().equals(block) && !mask.shape().equals(lead.append(
          block.dim(0), block.dim(1)))) {
        throw new ShapeException("attention: the mask must be " + block + " or " + lead.append(block.dim(0),
            block.dim(1)) + " in " + q.dtype().text() + ", got " + mask);
      }
    }
    return new TensorType(q.dtype(), lead.append(sq.dim(rank - 2), sv.last()));
  }
}
