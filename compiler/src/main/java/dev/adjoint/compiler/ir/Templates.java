package dev.adjoint.compiler.ir;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;

/**
 * Building blocks of the emission templates of {@link Op}'s scalar kernels, and the classes
 * they call. Every class is a {@code $T}, so the generated file refers to it by a name that
 * JavaPoet imports or qualifies.
 */
final class Templates {
  static final ClassName MATH = ClassName.get(Math.class);
  static final ClassName INTEGER = ClassName.get(Integer.class);
  /** The runtime's float-precision helpers (sigmoid, erf, tanh, log1p, sigmoidBce). */
  static final ClassName SCALARS = ClassName.get(dev.adjoint.runtime.ops.Scalars.class);

  private Templates() {}

  /** {@code (a op b)}. */
  static ElementKernel.Template infix(String operator) {
    return o -> CodeBlock.of("($L " + operator + " $L)", o.get(0), o.get(1));
  }

  /** {@code Math.f(a, ...)}, cast back to float on f32 operands. */
  static ElementKernel.Template math(String function) {
    return o -> CodeBlock.of("$L$L", floatCast(o), call(MATH, function, o));
  }

  /** {@code Math.f(a, ...)} in the operands' own type. */
  static ElementKernel.Template mathExact(String function) {
    return o -> call(MATH, function, o);
  }

  /** {@code Scalars.f(a, ...)}: overloaded for float and double. */
  static ElementKernel.Template scalars(String function) {
    return o -> call(SCALARS, function, o);
  }

  /** {@code Scalars.f(a)} on f32 (faster in float than HotSpot's Math), {@code Math.f(a)} on f64 as the interpreter. */
  static ElementKernel.Template floatScalars(String function) {
    return o -> call(o.dtype(0) == ScalarType.F32 ? SCALARS : MATH, function, o);
  }

  /** {@code (a > b ? 1 : 0)} in the operands' dtype. */
  static ElementKernel.Template compare(String operator) {
    return o -> CodeBlock.of("($L " + operator + " $L ? $L : $L)", o.get(0), o.get(1), o.literal(1, o.dtype(0)),
        o.literal(0, o.dtype(0)));
  }

  /** {@code (float) } before a double-valued call on f32 operands. */
  static CodeBlock floatCast(ElementKernel.Operands o) {
    return o.dtype(0) == ScalarType.F32 ? CodeBlock.of("(float) ") : CodeBlock.of("");
  }

  /** {@code (t) a}: the cast to a dtype's Java type. */
  static CodeBlock cast(ScalarType dtype, CodeBlock a) {
    return CodeBlock.of("($T) $L", javaType(dtype), a);
  }

  static TypeName javaType(ScalarType dtype) {
    return switch (dtype) {
      case F32 -> TypeName.FLOAT;
      case F64 -> TypeName.DOUBLE;
      case I32 -> TypeName.INT;
    };
  }

  /** {@code owner.function(a, b, ...)} over every operand. */
  static CodeBlock call(ClassName owner, String function, ElementKernel.Operands o) {
    CodeBlock.Builder args = CodeBlock.builder();
    for (int i = 0; i < o.size(); i++) {
      args.add(i == 0 ? "$L" : ", $L", o.get(i));
    }
    return CodeBlock.of("$T.$L($L)", owner, function, args.build());
  }

}
