package dev.adjoint.compiler.ir;

import java.util.List;

/**
 * One primitive op, defined once: its name, group, arity, attribute record, shape rule,
 * derivative rule, and the {@link Kernel} through which the interpreter evaluates it in f64
 * and the code generator emits it. Nodes refer to their op by this interface; the built-in
 * ops are the closed enum {@link Op}, and {@link ElementwiseOp} defines one outside it (a
 * new elementwise primitive is one such definition, or one {@link Op} constant).
 */
public interface Primitive {
  /** As dumps and messages print it: {@code reduce_sum}. */
  String text();

  OpGroup group();

  /** How many inputs a node of this op has, or {@link Op#VARIADIC}. */
  int arity();

  /** The attribute record this op takes ({@link Attrs.None} for none). */
  Class<? extends Attrs> attrsType();

  /**
   * The shape rule: the result type from the inputs' types and the attributes, or a
   * {@link ShapeException} saying why they do not fit. The input count and the attribute
   * record's kind are checked before ({@link ShapeRules#infer}).
   */
  TensorType infer(List<TensorType> in, Attrs attrs);

  /** The derivative rule, in reverse and forward mode. */
  Derivative derivative();

  /** How the back ends compute it: a per-element {@link ElementKernel}, or one of theirs ({@link BackendKernel}). */
  Kernel kernel();

  default boolean isSource() {
    return group() == OpGroup.SOURCE;
  }

  default boolean isElementwise() {
    return group() == OpGroup.ELEMENTWISE;
  }
}
