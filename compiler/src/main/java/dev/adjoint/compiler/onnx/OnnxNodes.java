package dev.adjoint.compiler.onnx;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.onnx.OnnxModel.Attribute;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Each inference op as ONNX nodes: one node for most (the element-wise ops, reductions,
 * movements, products), a few where layouts differ (a channels-last convolution transposed to
 * ONNX's channels-first and back; a comparison cast back to its 0/1 values), and max pooling's
 * POOL_ARGMAX and SPATIAL_TAKE pair as one MaxPool. Any other op fails with its name and place.
 */
final class OnnxNodes {
  /** The ops export writes, besides the sources (inputs, parameters, state, constants). */
  static final Set<Op> EXPORTED = Set.of(Op.COUNT, Op.NEG, Op.RECIP, Op.EXP, Op.LOG, Op.LOG1P, Op.SQRT, Op.ABS, Op.SIGN,
      Op.TANH, Op.SIGMOID, Op.ERF, Op.SIN, Op.COS, Op.FLOOR, Op.ROUND, Op.STOP_GRADIENT, Op.CAST, Op.ADD, Op.SUB,
      Op.MUL, Op.DIV, Op.POW, Op.MAX, Op.MIN, Op.GREATER, Op.GREATER_EQUAL, Op.EQUAL, Op.WHERE, Op.REDUCE_SUM,
      Op.REDUCE_MAX, Op.ARGMAX, Op.RESHAPE, Op.BROADCAST, Op.TRANSPOSE, Op.SLICE, Op.UNSLICE, Op.PAD, Op.CONCAT, Op.GATHER,
      Op.POOL_ARGMAX, Op.SPATIAL_TAKE, Op.ONE_HOT, Op.MATMUL, Op.BATCH_MATMUL, Op.CONV, Op.CONV_INPUT_GRAD, Op.LOG_SOFTMAX,
      Op.ATTENTION);

  private final OnnxModel model;
  private final Map<Node, String> values;
  private final Set<Node> deferred = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

  OnnxNodes(OnnxModel model, Map<Node, String> values) {
    this.model = model;
    this.values = values;
  }

  /** The ONNX value holding a node's result. */
  String value(Node n) {
    String v = values.get(n);
    if (v == null) {
      throw unsupported(n, deferred.contains(n) ? "an index read other than by max pooling's take" : "");
    }
    return v;
  }

  /** Refuses the first op of the graph's that has no ONNX form, before anything is written. */
  static void check(Iterable<Node> nodes) {
    for (Node n : nodes) {
      boolean source = n.op() == Op.INPUT || n.op() == Op.PARAM || n.op() == Op.STATE || n.op() == Op.CONST;
      if (!source && !EXPORTED.contains(n.op())) {
        throw unsupported(n, "");
      }
    }
  }

  /** Writes the ONNX nodes of {@code n}, whose inputs are written. */
  void add(Node n) {
    if (n.op() == Op.POOL_ARGMAX) {
      deferred.add(n);
      return;
    }
    values.put(n, translate(n));
  }

  private String translate(Node n) {
    if (!(n.op() instanceof Op op)) {
      throw unsupported(n, "");
    }
    String doc = n.span().shortLocation();
    return switch (op) {
      case CONST -> constant(n);
      case COUNT -> count(n);
      case NEG -> unary("Neg", n);
      case RECIP -> unary("Reciprocal", n);
      case EXP -> unary("Exp", n);
      case LOG -> unary("Log", n);
      case LOG1P -> model.node("Log", doc, List.of(model.node("Add", doc, List.of(value(n.input(0)),
          scalar(n.dtype(), 1)))));
      case SQRT -> unary("Sqrt", n);
      case ABS -> unary("Abs", n);
      case SIGN -> unary("Sign", n);
      case TANH -> unary("Tanh", n);
      case SIGMOID -> unary("Sigmoid", n);
      case ERF -> unary("Erf", n);
      case SIN -> unary("Sin", n);
      case COS -> unary("Cos", n);
      case FLOOR -> unary("Floor", n);
      case ROUND -> unary("Round", n);
      case STOP_GRADIENT -> unary("Identity", n);
      case CAST -> cast(doc, value(n.input(0)), n.dtype());
      case ADD -> binary("Add", n);
      case SUB -> binary("Sub", n);
      case MUL -> binary("Mul", n);
      case DIV -> binary("Div", n);
      case POW -> binary("Pow", n);
      case MAX -> binary("Max", n);
      case MIN -> binary("Min", n);
      case GREATER -> cast(doc, binary("Greater", n), n.dtype());
      case GREATER_EQUAL -> cast(doc, binary("GreaterOrEqual", n), n.dtype());
      case EQUAL -> cast(doc, binary("Equal", n), n.dtype());
      case WHERE -> model.node("Where", doc, List.of(cast(doc, value(n.input(0)), null), value(n.input(1)),
          value(n.input(2))));
      case REDUCE_SUM -> reduceSum(n);
      case REDUCE_MAX -> reduceMax(n);
      case ARGMAX -> argmax(n);
      case RESHAPE -> model.node("Reshape", doc, List.of(value(n.input(0)),
          model.longs(longs(n.attrs(Attrs.Target.class).shape().dims()))));
      case BROADCAST -> model.node("Expand", doc, List.of(value(n.input(0)),
          model.longs(batchAsOne(n.attrs(Attrs.Target.class).shape()))));
      case TRANSPOSE -> transpose(doc, value(n.input(0)), n.attrs(Attrs.Permutation.class).perm());
      case SLICE -> slice(n);
      case UNSLICE -> unslice(n);
      case PAD -> pad(n);
      case CONCAT -> concat(n);
      case GATHER -> padded(n, model.node("Gather", doc, List.of(value(n.input(0)), nonNegative(n.input(1))),
          Attribute.of("axis", 0L)));
      case SPATIAL_TAKE -> maxPool(n);
      case ONE_HOT -> oneHot(n);
      case MATMUL -> matmul(n);
      case BATCH_MATMUL -> batchMatmul(n);
      case CONV -> ConvExport.conv(model, n, value(n.input(0)), value(n.input(1)));
      case CONV_INPUT_GRAD -> ConvExport.transposed(model, n, value(n.input(0)), value(n.input(1)));
      case LOG_SOFTMAX -> model.node("LogSoftmax", doc, List.of(value(n.input(0))),
          Attribute.of("axis", (long) n.attrs(Attrs.Axes.class).axes().get(0)));
      case ATTENTION -> attention(n);
      default -> throw unsupported(n, "");
    };
  }

  private String unary(String opType, Node n) {
    return model.node(opType, n.span().shortLocation(), List.of(value(n.input(0))));
  }

  private String binary(String opType, Node n) {
    return model.node(opType, n.span().shortLocation(), List.of(value(n.input(0)), value(n.input(1))));
  }

  /** A Cast to {@code dtype}, or to bool when it is null. */
  private String cast(String doc, String value, ScalarType dtype) {
    long to = dtype == null ? OnnxModel.BOOL : OnnxExport.elementType(dtype);
    return model.node("Cast", doc, List.of(value), Attribute.of("to", to));
  }

  /** A constant's fill; a batch axis becomes 1, which ONNX's broadcasting stretches as Adjoint's would. */
  private String constant(Node n) {
    Attrs.Fill f = n.attrs(Attrs.Fill.class);
    long[] dims = batchAsOne(f.shape());
    long size = 1;
    for (long d : dims) {
      size *= d;
    }
    String name = model.fresh("const");
    return switch (f.dtype()) {
      case F32 -> {
        float[] v = new float[Math.toIntExact(size)];
        java.util.Arrays.fill(v, (float) f.value());
        yield model.floats(name, dims, v);
      }
      case F64 -> {
        double[] v = new double[Math.toIntExact(size)];
        java.util.Arrays.fill(v, f.value());
        yield model.doubles(name, dims, v);
      }
      case I32 -> {
        int[] v = new int[Math.toIntExact(size)];
        java.util.Arrays.fill(v, (int) f.value());
        yield model.ints(name, dims, v);
      }
    };
  }

  /** max(1, the product of the axes' sizes): a constant, or read from the shape when the batch is among them. */
  private String count(Node n) {
    List<Integer> axes = n.attrs(Attrs.Axes.class).axes();
    Shape s = n.input(0).shape();
    String doc = n.span().shortLocation();
    if (axes.stream().noneMatch(a -> s.dim(a) == Shape.BATCH)) {
      long product = 1;
      for (int a : axes) {
        product *= s.dim(a);
      }
      return OnnxExport.elementType(n) == OnnxModel.DOUBLE
          ? model.doubles(model.fresh("const"), new long[0], new double[] {Math.max(1, product)})
          : model.floats(model.fresh("const"), new long[0], new float[] {Math.max(1, product)});
    }
    String shape = model.node("Shape", doc, List.of(value(n.input(0))));
    String sizes = model.node("Gather", doc, List.of(shape, model.longs(longs(axes))), Attribute.of("axis", 0L));
    String product = model.node("ReduceProd", doc, List.of(sizes), Attribute.of("keepdims", 0L));
    String atLeastOne = model.node("Max", doc, List.of(product, model.longs(1)));
    String scalar = model.node("Reshape", doc, List.of(atLeastOne, model.longs()));
    return cast(doc, scalar, n.dtype());
  }

  /** A sum over no axes is the tensor itself (ONNX would sum over all of them). */
  private String reduceSum(Node n) {
    Attrs.Axes a = n.attrs(Attrs.Axes.class);
    if (a.axes().isEmpty()) {
      return unary("Identity", n);
    }
    return model.node("ReduceSum", n.span().shortLocation(), List.of(value(n.input(0)), model.longs(longs(a.axes()))),
        Attribute.of("keepdims", a.keepDims() ? 1L : 0L));
  }

  private String reduceMax(Node n) {
    Attrs.Axes a = n.attrs(Attrs.Axes.class);
    if (a.axes().isEmpty()) {
      return unary("Identity", n);
    }
    return model.node("ReduceMax", n.span().shortLocation(), List.of(value(n.input(0))), Attribute.ints("axes", a.axes()),
        Attribute.of("keepdims", a.keepDims() ? 1L : 0L));
  }

  /** ArgMax gives int64 indices, the first of equal maxima as Adjoint's; cast to int32. */
  private String argmax(Node n) {
    Attrs.Axes a = n.attrs(Attrs.Axes.class);
    String doc = n.span().shortLocation();
    String index = model.node("ArgMax", doc, List.of(value(n.input(0))), Attribute.of("axis", (long) a.axes().get(0)),
        Attribute.of("keepdims", a.keepDims() ? 1L : 0L));
    return cast(doc, index, ScalarType.I32);
  }

  private String transpose(String doc, String value, List<Integer> perm) {
    return model.node("Transpose", doc, List.of(value), Attribute.ints("perm", perm));
  }

  /** Python's range(start, end, step) along one axis; a negative end is "before the first", as ONNX writes it. */
  private String slice(Node n) {
    Attrs.Slice s = n.attrs(Attrs.Slice.class);
    long end = s.step() < 0 && s.end() < 0 ? Long.MIN_VALUE : s.end();
    return model.node("Slice", n.span().shortLocation(), List.of(value(n.input(0)), model.longs(s.start()),
        model.longs(end), model.longs(s.axis()), model.longs(s.step())));
  }

  /** Ids with padding (negative ids) replaced by 0, since ONNX counts negative indices from the end. */
  private String nonNegative(Node ids) {
    return model.node("Max", ids.span().shortLocation(), List.of(value(ids),
        model.ints(model.fresh("const"), new long[0], new int[] {0})));
  }

  /** A lookup's rows zeroed where its id (input 1 of a gather, 0 of a one-hot) is negative: Adjoint's padding. */
  private String padded(Node n, String rows) {
    String doc = n.span().shortLocation();
    String ids = value(n.input(n.op() == Op.GATHER ? 1 : 0));
    String kept = model.node("GreaterOrEqual", doc, List.of(ids, model.ints(model.fresh("const"), new long[0],
        new int[] {0})));
    String factor = model.node("Unsqueeze", doc, List.of(cast(doc, kept, n.dtype()), model.longs(-1)));
    return model.node("Mul", doc, List.of(rows, factor));
  }

  /** A unit-step unslice is a pad with zeros; a strided one (a gradient's form) has no ONNX form here. */
  private String unslice(Node n) {
    Attrs.Unslice u = n.attrs(Attrs.Unslice.class);
    if (u.step() != 1) {
      throw unsupported(n, "a strided unslice");
    }
    int rank = n.shape().rank();
    long[] pads = new long[2 * rank];
    pads[u.axis()] = u.start();
    pads[rank + u.axis()] = u.size() - u.start() - n.input(0).shape().dim(u.axis());
    return model.node("Pad", n.span().shortLocation(), List.of(value(n.input(0)), model.longs(pads)));
  }

  private String pad(Node n) {
    Attrs.Pad p = n.attrs(Attrs.Pad.class);
    int rank = n.shape().rank();
    long[] pads = new long[2 * rank];
    pads[p.axis()] = p.before();
    pads[rank + p.axis()] = p.after();
    return model.node("Pad", n.span().shortLocation(), List.of(value(n.input(0)), model.longs(pads)));
  }

  private String concat(Node n) {
    List<String> in = new ArrayList<>();
    n.inputs().forEach(i -> in.add(value(i)));
    return model.node("Concat", n.span().shortLocation(), in, Attribute.of("axis", (long) n.attrs(Attrs.Concat.class).axis()));
  }

  /** SPATIAL_TAKE of a POOL_ARGMAX of the same tensor: the maximum of each window, as MaxPool (channels first). */
  private String maxPool(Node n) {
    Node at = n.input(1);
    if (at.op() != Op.POOL_ARGMAX || at.input(0) != n.input(0)) {
      throw unsupported(n, "a take at indices other than max pooling's of the same tensor");
    }
    Attrs.Pool p = at.attrs(Attrs.Pool.class);
    String doc = n.span().shortLocation();
    int rank = n.shape().rank();
    String first = transpose(doc, value(n.input(0)), ConvExport.channelsFirst(rank));
    List<Integer> pads = new ArrayList<>(p.padding());
    pads.addAll(p.padding());
    String pooled = model.node("MaxPool", doc, List.of(first), Attribute.ints("kernel_shape", p.kernel()),
        Attribute.ints("strides", p.stride()), Attribute.ints("pads", pads),
        Attribute.of("ceil_mode", p.ceilMode() ? 1L : 0L));
    return transpose(doc, pooled, ConvExport.channelsLast(rank));
  }

  /** OneHot over int64 ids into floats (the types ONNX Runtime implements), cast to the op's dtype. */
  private String oneHot(Node n) {
    Attrs.OneHot h = n.attrs(Attrs.OneHot.class);
    String doc = n.span().shortLocation();
    String ids = model.node("Cast", doc, List.of(nonNegative(n.input(0))), Attribute.of("to", (long) OnnxModel.INT64));
    String offOn = model.floats(model.fresh("const"), new long[] {2}, new float[] {0, 1});
    String rows = model.node("OneHot", doc, List.of(ids, model.longs(h.classes()), offOn), Attribute.of("axis", -1L));
    return padded(n, h.dtype() == ScalarType.F32 ? rows : cast(doc, rows, h.dtype()));
  }

  /** a·b or a·bᵀ with b a [k, n] matrix; aᵀ·b is a gradient's form, never an inference graph's. */
  private String matmul(Node n) {
    Attrs.Matmul m = n.attrs(Attrs.Matmul.class);
    if (m.transposeA()) {
      throw unsupported(n, "the product aᵀ·b");
    }
    String doc = n.span().shortLocation();
    String b = value(n.input(1));
    if (m.transposeB()) {
      b = transpose(doc, b, List.of(1, 0));
    }
    return model.node("MatMul", doc, List.of(value(n.input(0)), b));
  }

  private String batchMatmul(Node n) {
    Attrs.Matmul m = n.attrs(Attrs.Matmul.class);
    String doc = n.span().shortLocation();
    int rank = n.shape().rank();
    String a = value(n.input(0));
    String b = value(n.input(1));
    if (m.transposeA()) {
      a = transpose(doc, a, lastTwoSwapped(rank));
    }
    if (m.transposeB()) {
      b = transpose(doc, b, lastTwoSwapped(rank));
    }
    return model.node("MatMul", doc, List.of(a, b));
  }

  /**
   * softmax(scale · q·kᵀ, masked)·v over the last two axes, as the runtime's kernel: a score
   * whose mask value is 0, or (causal) whose key comes after its query, becomes -1e30.
   */
  private String attention(Node n) {
    Attrs.Attention a = n.attrs(Attrs.Attention.class);
    String doc = n.span().shortLocation();
    int rank = n.shape().rank();
    ScalarType dtype = n.dtype();
    String kt = transpose(doc, value(n.input(1)), lastTwoSwapped(rank));
    String scores = model.node("MatMul", doc, List.of(value(n.input(0)), kt));
    scores = model.node("Mul", doc, List.of(scores, scalar(dtype, a.scale())));
    String hidden = scalar(dtype, -1e30);
    if (n.inputs().size() == 4) {
      scores = model.node("Where", doc, List.of(cast(doc, value(n.input(3)), null), scores, hidden));
    }
    if (a.causal()) {
      int queries = n.input(0).shape().dim(rank - 2);
      int keys = n.input(1).shape().dim(rank - 2);
      float[] kept = new float[queries * keys];
      for (int q = 0; q < queries; q++) {
        for (int k = 0; k <= q && k < keys; k++) {
          kept[q * keys + k] = 1;
        }
      }
      String mask = model.floats(model.fresh("causal"), new long[] {queries, keys}, kept);
      scores = model.node("Where", doc, List.of(cast(doc, mask, null), scores, hidden));
    }
    String weights = model.node("Softmax", doc, List.of(scores), Attribute.of("axis", -1L));
    return model.node("MatMul", doc, List.of(weights, value(n.input(2))));
  }

  private String scalar(ScalarType dtype, double v) {
    return dtype == ScalarType.F64 ? model.doubles(model.fresh("const"), new long[0], new double[] {v})
        : model.floats(model.fresh("const"), new long[0], new float[] {(float) v});
  }

  private static List<Integer> lastTwoSwapped(int rank) {
    List<Integer> perm = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      perm.add(i);
    }
    perm.set(rank - 2, rank - 1);
    perm.set(rank - 1, rank - 2);
    return perm;
  }

  private static long[] longs(int[] dims) {
    long[] out = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      out[i] = dims[i];
    }
    return out;
  }

  private static long[] longs(List<Integer> values) {
    return values.stream().mapToLong(Integer::longValue).toArray();
  }

  private static long[] batchAsOne(Shape shape) {
    long[] out = longs(shape.dims());
    for (int i = 0; i < out.length; i++) {
      out[i] = out[i] == Shape.BATCH ? 1 : out[i];
    }
    return out;
  }

  static OnnxExportException unsupported(Node n, String what) {
    return new OnnxExportException(n.span().location() + ": " + n.op().text()
        + (what.isEmpty() ? "" : " (" + what + ")") + " has no ONNX form in adjoint's export; the ops that export are "
        + "listed in docs/onnx.md");
  }
}
