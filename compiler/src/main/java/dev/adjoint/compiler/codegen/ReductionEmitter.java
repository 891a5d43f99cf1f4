package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Shape;
import java.util.List;

/**
 * Loops for sums, maxima and the index of the maximum. Reduced axes that are adjacent make a view
 * [outer, reduced, inner]; a reduction over the last axes accumulates in a local (in
 * double for f32 sums), one over leading axes adds rows into the output. Other axis sets
 * take a general strided loop.
 */
final class ReductionEmitter {
  private ReductionEmitter() {}

  static CodeBlock emit(Node node, Operand.Array in, Operand.Array out) {
    List<Integer> axes = node.attrs(Attrs.Axes.class).axes();
    Shape s = in.shape();
    boolean sum = node.op() == Op.REDUCE_SUM;
    if (!adjacent(axes)) {
      return general(node, in, out, axes, sum);
    }
    int first = axes.isEmpty() ? s.rank() : axes.get(0);
    int last = axes.isEmpty() ? s.rank() : axes.get(axes.size() - 1) + 1;
    String outer = Sizes.size(s, 0, first);
    String reduced = Sizes.size(s, first, last);
    String inner = Sizes.size(s, last, s.rank());
    String type = JavaText.type(in.dtype());
    String accumulator = sum && in.dtype() == ScalarType.F32 ? "double" : type;
    String init = sum ? "0" : in.dtype() == ScalarType.I32 ? "Integer.MIN_VALUE"
        : JavaText.literal(Double.NEGATIVE_INFINITY, in.dtype());
    CodeBlock.Builder code = CodeBlock.builder();
    if (inner.equals("1") && sum && in.dtype() == ScalarType.F32) {
      return rowSums(outer, reduced, in, out);
    }
    if (inner.equals("1")) {
      code.beginControlFlow("for (int o = 0; o < $L; o++)", outer);
      code.addStatement("$L acc = $L", accumulator, init);
      code.addStatement("int base = o * $L", reduced);
      code.beginControlFlow("for (int r = 0; r < $L; r++)", reduced);
      code.addStatement(sum ? "acc += $L[base + r]" : "acc = Math.max(acc, $L[base + r])", in.ref());
      code.endControlFlow();
      code.addStatement("$L[o] = ($L) acc", out.ref(), type);
      return code.endControlFlow().build();
    }
    if (sum) {
      return columnSums(outer, reduced, inner, in, out);
    }
    code.addStatement("java.util.Arrays.fill($L, 0, $L, $L)", out.ref(), Sizes.size(out.shape()), init);
    code.beginControlFlow("for (int o = 0; o < $L; o++)", outer);
    code.addStatement("int d = o * $L", inner);
    code.beginControlFlow("for (int r = 0; r < $L; r++)", reduced);
    code.addStatement("int s = (o * $L + r) * $L", reduced, inner);
    code.beginControlFlow("for (int j = 0; j < $L; j++)", inner);
    code.addStatement("$L[d + j] = Math.max($L[d + j], $L[s + j])", out.ref(), out.ref(), in.ref());
    code.endControlFlow();
    code.endControlFlow();
    return code.endControlFlow().build();
  }

  /**
   * Sums over leading axes: rows added into the output four at a time, each output element
   * loaded once, given the four rows in order and stored once, where adding one row at a
   * time loaded and stored every output element once a row (a batch norm's per-channel sums
   * over [B, 28, 28, 32] were a sixth of a small convolutional network's step). Every
   * element's additions keep the row order, so the sums are bit for bit the one-row loop's.
   */
  private static CodeBlock columnSums(String outer, String reduced, String inner, Operand.Array in,
      Operand.Array out) {
    CodeBlock.Builder code = CodeBlock.builder();
    code.addStatement("java.util.Arrays.fill($L, 0, $L, $L)", out.ref(), Sizes.size(out.shape()),
        JavaText.literal(0, in.dtype()));
    code.beginControlFlow("for (int o = 0; o < $L; o++)", outer);
    code.addStatement("int d = o * $L", inner);
    code.addStatement("int r = 0");
    code.beginControlFlow("for (; r + 3 < $L; r += 4)", reduced);
    code.addStatement("int s = (o * $L + r) * $L", reduced, inner);
    code.beginControlFlow("for (int j = 0; j < $L; j++)", inner);
    code.addStatement("$L t = $L[d + j]", JavaText.type(in.dtype()), out.ref());
    code.addStatement("t += $L[s + j]", in.ref());
    code.addStatement("t += $L[s + $L + j]", in.ref(), inner);
    code.addStatement("t += $L[s + 2 * $L + j]", in.ref(), inner);
    code.addStatement("t += $L[s + 3 * $L + j]", in.ref(), inner);
    code.addStatement("$L[d + j] = t", out.ref());
    code.endControlFlow();
    code.endControlFlow();
    code.beginControlFlow("for (; r < $L; r++)", reduced);
    code.addStatement("int s = (o * $L + r) * $L", reduced, inner);
    code.beginControlFlow("for (int j = 0; j < $L; j++)", inner);
    code.addStatement("$L[d + j] += $L[s + j]", out.ref(), in.ref());
    code.endControlFlow();
    code.endControlFlow();
    return code.endControlFlow().build();
  }

  /**
   * Sums of f32 rows in four double accumulators, each taking every fourth element: one
   * accumulator chains every addition on the one before (four cycles each), which made the
   * row sums of layer norm and softmax gradients a tenth of a transformer's step. The
   * double sums of at most 2^24 floats differ from the serial order's by far less than a
   * float ulp, so the float result is the serial one's but for ties in rounding.
   */
  private static CodeBlock rowSums(String outer, String reduced, Operand.Array in, Operand.Array out) {
    CodeBlock.Builder code = CodeBlock.builder();
    code.beginControlFlow("for (int o = 0; o < $L; o++)", outer);
    code.addStatement("int base = o * $L", reduced);
    code.addStatement("double acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0");
    code.addStatement("int r = 0");
    code.beginControlFlow("for (; r + 3 < $L; r += 4)", reduced);
    code.addStatement("acc0 += $L[base + r]", in.ref());
    code.addStatement("acc1 += $L[base + r + 1]", in.ref());
    code.addStatement("acc2 += $L[base + r + 2]", in.ref());
    code.addStatement("acc3 += $L[base + r + 3]", in.ref());
    code.endControlFlow();
    code.beginControlFlow("for (; r < $L; r++)", reduced);
    code.addStatement("acc0 += $L[base + r]", in.ref());
    code.endControlFlow();
    code.addStatement("$L[o] = (float) ((acc0 + acc1) + (acc2 + acc3))", out.ref());
    return code.endControlFlow().build();
  }

  /**
   * The index of the largest element along one axis, seen as [outer, n, inner]: the first on
   * a tie, an element taken only when larger than the best so far (as the interpreter does).
   */
  static CodeBlock argmax(Node node, Operand.Array in, Operand.Array out) {
    int axis = node.attrs(Attrs.Axes.class).axes().get(0);
    Shape s = in.shape();
    String n = Sizes.dim(s.dim(axis));
    String inner = Sizes.size(s, axis + 1, s.rank());
    CodeBlock.Builder code = CodeBlock.builder();
    code.beginControlFlow("for (int o = 0; o < $L; o++)", Sizes.size(s, 0, axis));
    code.beginControlFlow("for (int j = 0; j < $L; j++)", inner);
    code.addStatement("int base = o * $L * $L + j", n, inner);
    code.addStatement("$L best = $L[base]", JavaText.type(in.dtype()), in.ref());
    code.addStatement("int index = 0");
    code.beginControlFlow("for (int r = 1; r < $L; r++)", n);
    code.addStatement("$L v = $L[base + r * $L]", JavaText.type(in.dtype()), in.ref(), inner);
    code.beginControlFlow("if (v > best)");
    code.addStatement("best = v");
    code.addStatement("index = r");
    code.endControlFlow();
    code.endControlFlow();
    code.addStatement("$L[o * $L + j] = index", out.ref(), inner);
    code.endControlFlow();
    return code.endControlFlow().build();
  }

  private static boolean adjacent(List<Integer> axes) {
    for (int i = 1; i < axes.size(); i++) {
      if (axes.get(i) != axes.get(i - 1) + 1) {
        return false;
      }
    }
    return true;
  }

  /** Any axes: every input element adds into the output element its kept indices name. */
  private static CodeBlock general(Node node, Operand.Array in, Operand.Array out, List<Integer> axes, boolean sum) {
    Shape s = in.shape();
    CodeBlock.Builder code = CodeBlock.builder();
    code.addStatement("java.util.Arrays.fill($L, 0, $L, $L)", out.ref(), Sizes.size(out.shape()),
        sum ? JavaText.literal(0, in.dtype()) : JavaText.literal(Double.NEGATIVE_INFINITY, in.dtype()));
    code.beginControlFlow("for (int i = 0; i < $L; i++)", Sizes.size(s));
    code.addStatement("int rest = i");
    code.addStatement("int target = 0");
    String outStride = "1";
    for (int axis = s.rank() - 1; axis >= 0; axis--) {
      String dim = Sizes.dim(s.dim(axis));
      code.addStatement("int i$L = rest % $L", axis, dim);
      code.addStatement("rest /= $L", dim);
      if (!axes.contains(axis)) {
        code.addStatement("target += i$L * $L", axis, outStride);
        outStride = outStride.equals("1") ? dim : outStride + " * " + dim;
      }
    }
    code.addStatement(sum ? "$L[target] += $L[i]" : "$L[target] = Math.max($L[target], $L[i])",
        sum ? new Object[] {out.ref(), in.ref()} : new Object[] {out.ref(), out.ref(), in.ref()});
    return code.endControlFlow().build();
  }
}
