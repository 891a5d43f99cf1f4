package dev.adjoint.compiler.ir;

import java.util.List;

/** A primitive's result type from its inputs' types and its attributes (see {@link Primitive#infer}). */
@FunctionalInterface
public interface ShapeRule {
  TensorType infer(Primitive op, List<TensorType> in, Attrs attrs);
}
