package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.adjoint.compiler.ir.Shape;

/**
 * The copies around a loop's body in generated code: a sequence's slice at step {@code t}
 * into the body's buffer, and the carry into its row of the stacked result. Both are one
 * {@code System.arraycopy} per leading row (the rows before the time axis), so a step
 * allocates nothing and the code does not grow with the number of steps.
 */
final class ScanEmitter {
  private ScanEmitter() {}

  /** {@code slice[o, ...] = sequence[o, t, ...]} for every leading row o. */
  static CodeBlock sliceOf(Operand.Array sequence, int axis, Operand.Array slice) {
    Shape s = sequence.shape();
    String outer = Sizes.size(s, 0, axis);
    String inner = Sizes.size(s, axis + 1, s.rank());
    return CodeBlock.builder()
        .beginControlFlow("for (int o = 0; o < $L; o++)", outer)
        .addStatement("System.arraycopy($L, (o * $L + t) * $L, $L, o * $L, $L)", sequence.ref(), s.dim(axis), inner,
            slice.ref(), inner, inner)
        .endControlFlow()
        .build();
  }

  /** {@code stacked[o, t, ...] = carry[o, ...]} for every leading row o. */
  static CodeBlock rowOf(Operand.Array carry, int axis, int steps, Operand.Array stacked) {
    Shape c = carry.shape();
    String outer = Sizes.size(c, 0, axis);
    String inner = Sizes.size(c, axis, c.rank());
    return CodeBlock.builder()
        .beginControlFlow("for (int o = 0; o < $L; o++)", outer)
        .addStatement("System.arraycopy($L, o * $L, $L, (o * $L + t) * $L, $L)", carry.ref(), inner, stacked.ref(),
            steps, inner, inner)
        .endControlFlow()
        .build();
  }

  /** {@code into} set to a value: an array copied, a scalar filled. */
  static CodeBlock assign(Operand value, Operand.Array into) {
    String size = Sizes.size(into.shape());
    if (value instanceof Operand.Array a) {
      return CodeBlock.of("System.arraycopy($L, 0, $L, 0, $L);\n", a.ref(), into.ref(), size);
    }
    if (value instanceof Operand.Scalar s) {
      return CodeBlock.of("java.util.Arrays.fill($L, 0, $L, $L);\n", into.ref(), size, s.expression());
    }
    throw new IllegalStateException("a loop's carry read as a view: " + value);
  }
}
