package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.BackendKernel;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ElementKernel;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of the method that computes one node into its buffer: a loop nest, or a call
 * to a runtime kernel (matrix products, gathers, the fused softmax kernels).
 */
final class NodeEmitter {
  private NodeEmitter() {}

  /** The step of a matrix product (or convolution) that adds {@code bias} (a [cols] array) as its epilogue. */
  static CodeBlock matmulBias(Node node, List<Operand> in, Operand.Array out, Operand.Array bias) {
    if (node.op() == Op.CONV) {
      return ConvEmitter.emitBias(node, array(in.get(0)), array(in.get(1)), bias, out);
    }
    return matmul(node, array(in.get(0)), array(in.get(1)), out, bias);
  }

  static CodeBlock emit(Node node, List<Operand> in, Operand.Array out) {
    if (node.op().kernel() instanceof ElementKernel) {
      return ElementwiseEmitter.emit(node, in, out);
    }
    return switch ((BackendKernel) node.op().kernel()) {
      case CONSTANT -> fill(out, JavaText.literal(node.attrs(Attrs.Fill.class).value(), node.dtype()));
      case COUNT -> fill(out, Lowering.count(node));
      case RESHAPE, BROADCAST -> copy(in.get(0), out, node);
      case MATMUL -> matmul(node, array(in.get(0)), array(in.get(1)), out, null);
      case BATCH_MATMUL -> batchMatmul(node, array(in.get(0)), array(in.get(1)), out);
      case CONV -> ConvEmitter.emit("forward", node, node.input(0), node, array(in.get(0)), array(in.get(1)), out);
      case CONV_INPUT_GRAD ->
          ConvEmitter.emit("inputGradient", node, node, node.input(0), array(in.get(0)), array(in.get(1)), out);
      case CONV_FILTER_GRAD ->
          ConvEmitter.emit("filterGradient", node, node.input(0), node.input(1), array(in.get(0)), array(in.get(1)), out);
      case CONV_BIAS_RELU -> ConvEmitter.emitBiasRelu(node, array(in.get(0)), array(in.get(1)), array(in.get(2)), out);
      case REDUCE_SUM, REDUCE_MAX -> ReductionEmitter.emit(node, array(in.get(0)), out);
      case ARGMAX -> ReductionEmitter.argmax(node, array(in.get(0)), out);
      case TRANSPOSE -> MovementEmitter.transpose(node, array(in.get(0)), out);
      case SLICE -> MovementEmitter.slice(node, array(in.get(0)), out);
      case UNSLICE -> MovementEmitter.unslice(node, array(in.get(0)), out);
      case PAD -> MovementEmitter.pad(node, array(in.get(0)), out);
      case CONCAT -> MovementEmitter.concat(node, in.stream().map(NodeEmitter::array).toList(), out);
      case GATHER -> CodeBlock.of("$T.gather($L, $L, $L, $L, $L, $L);\n", RuntimeTypes.INDEXING, array(in.get(0)).ref(),
          node.input(0).shape().dim(0), node.input(0).shape().dim(1), array(in.get(1)).ref(),
          Sizes.size(node.input(1).shape()), out.ref());
      case SCATTER_ADD -> CodeBlock.of("$T.scatterAdd($L, $L, $L, $L, $L, $L);\n", RuntimeTypes.INDEXING,
          array(in.get(0)).ref(),
          Sizes.size(node.input(0).shape()), array(in.get(1)).ref(), node.shape().dim(0), node.shape().dim(1),
          out.ref());
      case BAG_SUM -> CodeBlock.of("$T.sum($L, $L, $L, $L, $L, $L, $L, $L);\n", RuntimeTypes.BAGS,
          array(in.get(0)).ref(), node.input(0).shape().dim(0), node.input(0).shape().dim(1), array(in.get(1)).ref(),
          in.size() > 2 ? array(in.get(2)).ref() : "null",
          bags(node.input(1)),
          node.input(1).shape().last(), out.ref());
      case BAG_SUM_GRAD -> CodeBlock.of("$T.sumGradient($L, $L, $L, $L, $L, $L, $L, $L);\n", RuntimeTypes.BAGS,
          array(in.get(0)).ref(), in.size() > 2 ? array(in.get(2)).ref() : "null", array(in.get(1)).ref(),
          bags(node.input(0)), node.input(0).shape().last(),
          node.shape().dim(0), node.shape().dim(1), out.ref());
      case ONE_HOT -> CodeBlock.of("$T.oneHot($L, $L, $L, $L);\n", RuntimeTypes.INDEXING, array(in.get(0)).ref(),
          Sizes.size(node.input(0).shape()), node.attrs(Attrs.OneHot.class).classes(), out.ref());
      case POOL_ARGMAX -> poolArgmax(node, array(in.get(0)), out);
      case SPATIAL_TAKE -> CodeBlock.of("$T.take($L, $L, $L, $L, $L, $L, $L);\n", RuntimeTypes.MAX_POOL,
          array(in.get(0)).ref(), positions(node.input(0).shape()), node.shape().last(), array(in.get(1)).ref(),
          positions(node.shape()), Sizes.size(node.shape()), out.ref());
      case SPATIAL_PUT -> CodeBlock.of("$T.put($L, $L, $L, $L, $L, $L, $L);\n", RuntimeTypes.MAX_POOL,
          array(in.get(0)).ref(), array(in.get(1)).ref(), positions(node.input(0).shape()), node.shape().last(),
          Sizes.size(node.input(0).shape()), positions(node.shape()), out.ref());
      case RANDOM_UNIFORM -> random(node.attrs(Attrs.Random.class).stream(), null, 0, out);
      case DROPOUT_MASK -> {
        Attrs.DropoutMask m = node.attrs(Attrs.DropoutMask.class);
        yield random(m.stream(), m, m.scale(), out);
      }
      case LOG_SOFTMAX -> logSoftmax(node, array(in.get(0)), out);
      case SOFTMAX_CROSS_ENTROPY -> crossEntropy(node, array(in.get(0)), in.get(1), out);
      case ELEMENTWISE_KERNEL -> ElementwiseEmitter.emit(node, in, out);
      case ATTENTION -> attention(node, in, out);
      case SOURCE, MODE_SWITCH -> throw new IllegalStateException(node.op().text() + " has no step of its own");
      case SCAN -> throw new IllegalStateException("a scan is emitted as a loop over its body's steps (ScanEmitter)");
    };
  }

  /** The spatial positions of one sample of [B, S..., C]: the product of S. */
  private static int positions(Shape s) {
    return (int) s.slice(1, s.rank() - 1).staticSize();
  }

  /** The argmax of each pooling window, as a 2-D window (a 1-D one has width 1). */
  /** The number of bags of ids {@code [..., L]}: the size of their leading axes. */
  private static String bags(Node ids) {
    return Sizes.size(ids.shape(), 0, ids.shape().rank() - 1);
  }

  private static CodeBlock poolArgmax(Node node, Operand.Array x, Operand.Array out) {
    Attrs.Pool w = node.attrs(Attrs.Pool.class);
    Shape in = node.input(0).shape();
    boolean two = w.kernel().size() == 2;
    return CodeBlock.of("$T.argmax($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L);\n", RuntimeTypes.MAX_POOL,
        x.ref(), in.dim(1), two ? in.dim(2) : 1, in.last(), w.kernel().get(0), two ? w.kernel().get(1) : 1,
        w.stride().get(0), two ? w.stride().get(1) : 1, w.padding().get(0), two ? w.padding().get(1) : 0,
        node.shape().dim(1), two ? node.shape().dim(2) : 1, Sizes.size(node.shape()), out.ref());
  }

  /** The operand as an array; the lowering gives arrays to every op that is not elementwise. */
  static Operand.Array array(Operand o) {
    if (o instanceof Operand.Array a) {
      return a;
    }
    throw new IllegalStateException("expected an array operand, got " + o);
  }

  private static CodeBlock fill(Operand.Array out, String value) {
    return CodeBlock.builder()
        .addStatement("java.util.Arrays.fill($L, 0, $L, $L)", out.ref(), Sizes.size(out.shape()), value)
        .build();
  }

  /** A value written out in full: a scalar filled, an array copied, a broadcast expanded. */
  private static CodeBlock copy(Operand in, Operand.Array out, Node node) {
    if (in instanceof Operand.Scalar s) {
      return fill(out, s.expression());
    }
    Operand.Array a = array(in);
    if (node.op() == Op.RESHAPE || a.shape().staticSize() == out.shape().staticSize()
        && a.shape().hasBatch() == out.shape().hasBatch()) {
      return CodeBlock.of("System.arraycopy($L, 0, $L, 0, $L);\n", a.ref(), out.ref(), Sizes.size(out.shape()));
    }
    return MovementEmitter.broadcast(a, out);
  }

  private static CodeBlock matmul(Node node, Operand.Array a, Operand.Array b, Operand.Array out, Operand.Array bias) {
    Attrs.Matmul m = node.attrs(Attrs.Matmul.class);
    Shape sa = a.shape();
    Shape sb = b.shape();
    String rows;
    String cols;
    String inner;
    if (m.transposeA()) {
      rows = Integer.toString(sa.last());
      cols = Integer.toString(sb.last());
      inner = Sizes.size(sa, 0, sa.rank() - 1);
    } else {
      rows = Sizes.size(sa, 0, sa.rank() - 1);
      inner = Integer.toString(sa.last());
      cols = Integer.toString(m.transposeB() ? sb.dim(0) : sb.dim(1));
    }
    if (bias != null) {
      return CodeBlock.of("$T.multiplyBias($L, $L, $L, $L, $L, $L, 0, $L, 0, $L, 0, $L, 0, false);\n", RuntimeTypes.GEMM,
          m.transposeA(), m.transposeB(), rows, cols, inner, a.ref(), b.ref(), out.ref(), bias.ref());
    }
    Object kernel = node.dtype() == ScalarType.F64 ? RuntimeTypes.DOUBLE_GEMM : RuntimeTypes.GEMM;
    return CodeBlock.of("$T.multiply($L, $L, $L, $L, $L, $L, 0, $L, 0, $L, 0, false);\n", kernel, m.transposeA(),
        m.transposeB(), rows, cols, inner, a.ref(), b.ref(), out.ref());
  }

  /**
   * One call for the whole batch of products: consecutive [m, k], [k, n] and [m, n] blocks of
   * the operands and the output, so nothing is copied.
   */
  private static CodeBlock batchMatmul(Node node, Operand.Array a, Operand.Array b, Operand.Array out) {
    Attrs.Matmul f = node.attrs(Attrs.Matmul.class);
    Shape s = out.shape();
    int rank = s.rank();
    int m = s.dim(rank - 2);
    int n = s.dim(rank - 1);
    Shape sa = a.shape();
    int k = f.transposeA() ? sa.dim(rank - 2) : sa.last();
    Object kernel = node.dtype() == ScalarType.F64 ? RuntimeTypes.DOUBLE_GEMM : RuntimeTypes.GEMM;
    return CodeBlock.of("$T.multiplyBatched($L, $L, $L, $L, $L, $L, $L, 0, $L, $L, 0, $L, $L, 0, $L, false);\n", kernel,
        f.transposeA(), f.transposeB(), Sizes.size(s, 0, rank - 2), m, n, k, a.ref(), m * k, b.ref(), k * n, out.ref(),
        m * n);
  }

  /** Uniform draws, or a dropout mask: the scale where the draw is at least the threshold. */
  private static CodeBlock random(int stream, Attrs.DropoutMask mask, double scale, Operand.Array out) {
    CodeBlock.Builder code = CodeBlock.builder()
        .beginControlFlow("for (int i = 0; i < $L; i++)", Sizes.size(out.shape()));
    CodeBlock draw = CodeBlock.of("$T.uniform($L, $L, $L, i)", RuntimeTypes.COUNTER_RNG, out.receiver().seed(),
        out.receiver().step(), stream);
    String cast = out.dtype() == ScalarType.F32 ? "" : "(double) ";
    if (mask == null) {
      code.addStatement("$L[i] = $L$L", out.ref(), cast, draw);
    } else {
      code.addStatement("$L[i] = $L >= $L ? $L : $L", out.ref(), draw, JavaText.floatLiteral((float) mask.threshold()),
          JavaText.literal(scale, out.dtype()), JavaText.literal(0, out.dtype()));
    }
    return code.endControlFlow().build();
  }

  private static CodeBlock logSoftmax(Node node, Operand.Array in, Operand.Array out) {
    int axis = node.attrs(Attrs.Axes.class).axes().get(0);
    Shape s = in.shape();
    return CodeBlock.of("$T.logSoftmax($L, $L, $L, $L, $L);\n", RuntimeTypes.SOFTMAX, in.ref(), Sizes.size(s, 0, axis),
        Sizes.dim(s.dim(axis)), Sizes.size(s, axis + 1, s.rank()), out.ref());
  }

  private static CodeBlock crossEntropy(Node node, Operand.Array logits, Operand target, Operand.Array out) {
    Shape s = logits.shape();
    String rows = Sizes.size(s, 0, s.rank() - 1);
    int classes = s.last();
    if (node.input(1).dtype() == ScalarType.I32) {
      return CodeBlock.of("$T.crossEntropy($L, $L, $L, $L, $L, $L);\n", RuntimeTypes.SOFTMAX, logits.ref(), rows,
          classes,
          array(target).ref(), JavaText.doubleLiteral(node.attrs(Attrs.CrossEntropy.class).smoothing()), out.ref());
    }
    return CodeBlock.of("$T.crossEntropy($L, $L, $L, $L, $L);\n", RuntimeTypes.SOFTMAX, logits.ref(), rows, classes,
        array(target).ref(), out.ref());
  }

  /**
   * One call for every head: the fused kernel over consecutive [Tq, d], [Tk, d], [Tk, dv] and
   * [Tq, dv] blocks; a mask of rank 2 is shared by the heads (stride 0).
   */
  private static CodeBlock attention(Node node, List<Operand> in, Operand.Array out) {
    Attrs.Attention a = node.attrs(Attrs.Attention.class);
    Shape s = out.shape();
    int rank = s.rank();
    Shape k = node.input(1).shape();
    int tq = s.dim(rank - 2);
    int tk = k.dim(rank - 2);
    Object mask = in.size() > 3 ? array(in.get(3)).ref() : "null";
    int maskStride = in.size() > 3 && node.input(3).shape().rank() > 2 ? tq * tk : 0;
    return CodeBlock.of("$T.forward($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L);\n", RuntimeTypes.ATTENTION,
        Sizes.size(s, 0, rank - 2), tq, tk, k.last(), s.last(), array(in.get(0)).ref(), array(in.get(1)).ref(),
        array(in.get(2)).ref(), mask, maskStride, a.causal(), JavaText.literal(a.scale(), node.dtype()), out.ref());
  }

  /** Every operand of a node. */
  static List<Operand> inputs(Node node, Lowering.Plan plan) {
    List<Operand> in = new ArrayList<>();
    for (Node input : node.inputs()) {
      in.add(plan.operand(input));
    }
    return in;
  }
}
