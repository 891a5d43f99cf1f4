package dev.adjoint.compiler.ir;

import com.palantir.javapoet.CodeBlock;

/**
 * A primitive computed one element at a time: its f64 evaluator and its emission template,
 * side by side. The interpreter applies {@link #evaluate} to every element; the code
 * generator puts {@link #emit}'s expression in its loops (and in fused kernels). A template
 * is a JavaPoet {@link CodeBlock} with {@code $T} for the classes it calls (so the generated
 * file imports exactly what its templates name) and {@code $L} for the operands.
 */
public non-sealed interface ElementKernel extends Kernel {

  /**
   * The value of one element in f64 from the same-index elements of the operands.
   * {@code dtype} is the first operand's: on i32, arithmetic is integer arithmetic (division
   * truncates, results are truncated to 32 bits as a cast would).
   */
  double evaluate(double[] args, ScalarType dtype, Attrs attrs);

  /** The Java expression of one element, in the result's Java type, from the operands' expressions. */
  CodeBlock emit(Operands operands);

  /** What a template reads: the operands as Java expressions, their dtypes, the attributes. */
  interface Operands {
    /** Operand {@code i} as an expression, safe to use as a term (a variable, an element or parenthesized). */
    CodeBlock get(int i);

    /** How many operands there are. */
    int size();

    ScalarType dtype(int i);

    Attrs attrs();

    /** A literal of the dtype: {@code 1.0f}, {@code 1.0}, {@code 1}. */
    CodeBlock literal(double value, ScalarType dtype);
  }

  /** The f64 half of a kernel. */
  @FunctionalInterface
  interface Evaluator {
    double evaluate(double[] args, ScalarType dtype, Attrs attrs);
  }

  /** The Java half of a kernel. */
  @FunctionalInterface
  interface Template {
    CodeBlock emit(Operands operands);
  }

  /** A kernel from its two halves. */
  static ElementKernel of(Evaluator evaluator, Template template) {
    return new ElementKernel() {
      @Override
      public double evaluate(double[] args, ScalarType dtype, Attrs attrs) {
        return evaluator.evaluate(args, dtype, attrs);
      }

      @Override
      public CodeBlock emit(Operands operands) {
        return template.emit(operands);
      }
    };
  }

  /** A one-input kernel that ignores dtype and attributes. */
  static ElementKernel unary(java.util.function.DoubleUnaryOperator f, Template template) {
    return of((a, t, attrs) -> f.applyAsDouble(a[0]), template);
  }
}
