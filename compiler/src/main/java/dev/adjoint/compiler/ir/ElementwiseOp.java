package dev.adjoint.compiler.ir;

import java.util.List;
import java.util.Objects;

/**
 * An elementwise primitive defined outside the built-in {@link Op} set: everything the
 * compiler needs in one value (name, arity, shape rule, derivative, and the kernel that is
 * both its f64 evaluator and its emission template), without attributes. The built-in
 * elementwise ops are {@link Op} constants made of the same parts.
 */
public record ElementwiseOp(String text, int arity, ShapeRule shape, ElementKernel kernel, Derivative derivative)
    implements Primitive {
  public ElementwiseOp {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(derivative, "derivative");
    if (arity < 1) {
      throw new IllegalArgumentException("an elementwise op takes at least one input, got arity " + arity);
    }
  }

  @Override
  public OpGroup group() {
    return OpGroup.ELEMENTWISE;
  }

  @Override
  public Class<? extends Attrs> attrsType() {
    return Attrs.None.class;
  }

  @Override
  public TensorType infer(List<TensorType> in, Attrs attrs) {
    return shape.infer(this, in, attrs);
  }

  @Override
  public String toString() {
    return text;
  }
}
