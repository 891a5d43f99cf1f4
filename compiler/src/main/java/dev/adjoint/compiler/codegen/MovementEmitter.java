package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Shape;
import java.util.List;

/** Copies that move data: transposes, slices (strided too), unslices, pads, concatenations and broadcasts written out in full. */
final class MovementEmitter {
  private MovementEmitter() {}

  /** out = in with axes permuted; a matrix transpose gets a plain double loop. */
  static CodeBlock transpose(Node node, Operand.Array in, Operand.Array out) {
    List<Integer> perm = node.attrs(Attrs.Permutation.class).perm();
    Shape s = in.shape();
    CodeBlock.Builder code = CodeBlock.builder();
    if (s.rank() == 2) {
      String rows = Sizes.dim(s.dim(0));
      String cols = Sizes.dim(s.dim(1));
      code.beginControlFlow("for (int r = 0; r < $L; r++)", rows);
      code.beginControlFlow("for (int c = 0; c < $L; c++)", cols);
      code.addStatement("$L[c * $L + r] = $L[r * $L + c]", out.ref(), rows, in.ref(), cols);
      code.endControlFlow();
      return code.endControlFlow().build();
    }
    return permute(perm, in, out);
  }

  /**
   * Any other permutation as nested loops over the output's axes, the source offset summed
   * one axis at a time (no division per element), the last axis a run: one
   * {@code System.arraycopy} when the permutation keeps it last (the heads' [B, T, h, d] to
   * [B, h, T, d] and back), else a strided loop.
   */
  private static CodeBlock permute(List<Integer> perm, Operand.Array in, Operand.Array out) {
    Shape s = in.shape();
    Shape o = out.shape();
    if (o.rank() == 0) {
      return CodeBlock.of("$L[0] = $L[0];\n", out.ref(), in.ref());
    }
    int last = o.rank() - 1;
    CodeBlock.Builder code = CodeBlock.builder().addStatement("int i = 0");
    String offset = "0";
    for (int axis = 0; axis < last; axis++) {
      code.beginControlFlow("for (int x$L = 0; x$L < $L; x$L++)", axis, axis, Sizes.dim(o.dim(axis)), axis);
      String term = "x" + axis + " * (" + Sizes.size(s, perm.get(axis) + 1, s.rank()) + ")";
      code.addStatement("int s$L = $L", axis, axis == 0 ? term : offset + " + " + term);
      offset = "s" + axis;
    }
    String run = Sizes.dim(o.dim(last));
    if (perm.get(last) == s.rank() - 1) {
      code.addStatement("System.arraycopy($L, $L, $L, i, $L)", in.ref(), offset, out.ref(), run);
      code.addStatement("i += $L", run);
    } else {
      code.beginControlFlow("for (int x = 0; x < $L; x++)", run);
      code.addStatement("$L[i++] = $L[$L + x * ($L)]", out.ref(), in.ref(), offset,
          Sizes.size(s, perm.get(last) + 1, s.rank()));
      code.endControlFlow();
    }
    for (int axis = 0; axis < last; axis++) {
      code.endControlFlow();
    }
    return code.build();
  }

  /**
   * Elements start, start + step, ... of one axis, over a view [outer, dim, inner]: a step of
   * one is one copy per outer index; another step copies each picked [inner] block.
   */
  static CodeBlock slice(Node node, Operand.Array in, Operand.Array out) {
    Attrs.Slice a = node.attrs(Attrs.Slice.class);
    Shape s = in.shape();
    String outer = Sizes.size(s, 0, a.axis());
    String inner = Sizes.size(s, a.axis() + 1, s.rank());
    int width = a.length();
    if (a.step() == 1) {
      return CodeBlock.builder()
          .beginControlFlow("for (int o = 0; o < $L; o++)", outer)
          .addStatement("System.arraycopy($L, (o * $L + $L) * ($L), $L, o * $L * ($L), $L * ($L))", in.ref(),
              s.dim(a.axis()), a.start(), inner, out.ref(), width, inner, width, inner)
          .endControlFlow().build();
    }
    return strided(in.ref(), "o * " + s.dim(a.axis()) + " + " + a.start() + stepped(a.step()), out.ref(),
        "o * " + width + " + j", outer, width, inner);
  }

  /** Zeros, then element j of one axis copied to start + j * step: the inverse of a strided slice. */
  static CodeBlock unslice(Node node, Operand.Array in, Operand.Array out) {
    Attrs.Unslice a = node.attrs(Attrs.Unslice.class);
    Shape s = in.shape();
    String outer = Sizes.size(s, 0, a.axis());
    String inner = Sizes.size(s, a.axis() + 1, s.rank());
    int length = s.dim(a.axis());
    return CodeBlock.builder()
        .addStatement("java.util.Arrays.fill($L, 0, $L, $L)", out.ref(), Sizes.size(out.shape()),
            JavaText.literal(0, out.dtype()))
        .add(strided(in.ref(), "o * " + length + " + j", out.ref(),
            "o * " + a.size() + " + " + a.start() + stepped(a.step()), outer, length, inner))
        .build();
  }

  /** {@code " + j * 2"} or {@code " - j * 3"}: the j-th step from a start. */
  private static String stepped(int step) {
    return (step > 0 ? " + j * " : " - j * ") + Math.abs((long) step);
  }

  /** For each outer index o and each j below {@code length}: the [inner] block at row {@code from} to row {@code to}. */
  private static CodeBlock strided(String in, String from, String out, String to, String outer, int length,
      String inner) {
    CodeBlock.Builder code = CodeBlock.builder()
        .beginControlFlow("for (int o = 0; o < $L; o++)", outer)
        .beginControlFlow("for (int j = 0; j < $L; j++)", length);
    if (inner.equals("1")) {
      code.addStatement("$L[$L] = $L[$L]", out, to, in, from);
    } else {
      code.addStatement("System.arraycopy($L, ($L) * ($L), $L, ($L) * ($L), $L)", in, from, inner, out, to, inner,
          inner);
    }
    return code.endControlFlow().endControlFlow().build();
  }

  /** Zeros before and after one axis, over a view [outer, dim, inner]. */
  static CodeBlock pad(Node node, Operand.Array in, Operand.Array out) {
    Attrs.Pad a = node.attrs(Attrs.Pad.class);
    Shape s = in.shape();
    String outer = Sizes.size(s, 0, a.axis());
    String inner = Sizes.size(s, a.axis() + 1, s.rank());
    int dim = s.dim(a.axis());
    int padded = dim + a.before() + a.after();
    return CodeBlock.builder()
        .addStatement("java.util.Arrays.fill($L, 0, $L, $L)", out.ref(), Sizes.size(out.shape()),
            JavaText.literal(0, out.dtype()))
        .beginControlFlow("for (int o = 0; o < $L; o++)", outer)
        .addStatement("System.arraycopy($L, o * $L * ($L), $L, (o * $L + $L) * ($L), $L * ($L))", in.ref(), dim,
            inner, out.ref(), padded, a.before(), inner, dim, inner)
        .endControlFlow().build();
  }

  /**
   * The inputs side by side along one axis, over views [outer, dim, inner]: per input, one
   * copy of each of its outer blocks into its place in the output's.
   */
  static CodeBlock concat(Node node, List<Operand.Array> in, Operand.Array out) {
    int axis = node.attrs(Attrs.Concat.class).axis();
    Shape o = out.shape();
    String outer = Sizes.size(o, 0, axis);
    String inner = Sizes.size(o, axis + 1, o.rank());
    int joined = o.dim(axis);
    CodeBlock.Builder code = CodeBlock.builder().beginControlFlow("for (int o = 0; o < $L; o++)", outer);
    int offset = 0;
    for (Operand.Array a : in) {
      int dim = a.shape().dim(axis);
      code.addStatement("System.arraycopy($L, o * $L * ($L), $L, (o * $L + $L) * ($L), $L * ($L))", a.ref(), dim,
          inner, out.ref(), joined, offset, inner, dim, inner);
      offset += dim;
    }
    return code.endControlFlow().build();
  }

  /** Numpy broadcasting written out: each output element reads the source element its indices name. */
  static CodeBlock broadcast(Operand.Array in, Operand.Array out) {
    Shape s = in.shape();
    Shape o = out.shape();
    int offset = o.rank() - s.rank();
    CodeBlock.Builder code = CodeBlock.builder();
    code.beginControlFlow("for (int i = 0; i < $L; i++)", Sizes.size(o));
    code.addStatement("int rest = i");
    code.addStatement("int source = 0");
    for (int axis = o.rank() - 1; axis >= 0; axis--) {
      String dim = Sizes.dim(o.dim(axis));
      int from = axis - offset;
      if (from >= 0 && s.dim(from) != 1) {
        code.addStatement("source += (rest % $L) * ($L)", dim, Sizes.size(s, from + 1, s.rank()));
      }
      code.addStatement("rest /= $L", dim);
    }
    code.addStatement("$L[i] = $L[source]", out.ref(), in.ref());
    return code.endControlFlow().build();
  }
}
