package dev.adjoint.compiler.gradcheck;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ElementKernel;
import dev.adjoint.compiler.ir.ElementwiseOp;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.GraphRewriter;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.TensorType;
import dev.adjoint.compiler.settings.CheckedModel;
import dev.adjoint.compiler.settings.TrainConfig;

/**
 * The graph the f64 side of a gradient check evaluates: every conversion of f64 to f32
 * ({@code f32(d)}) keeps its value unrounded, so that a finite difference of 1e-6 in an f64
 * input is not lost to f32 rounding (an f32 step near 1 is 1.2e-7). Its derivative is the
 * conversion's own.
 */
final class ExactCasts {
  /** An f64 to f32 conversion that does not round: for the interpreter only, never compiled. */
  static final ElementwiseOp EXACT_F32 = new ElementwiseOp("f32_unrounded", 1,
      (op, in, attrs) -> new TensorType(ScalarType.F32, in.get(0).shape()),
      ElementKernel.unary(x -> x, o -> o.get(0)), Op.CAST.derivative());

  private ExactCasts() {}

  /** A model like {@code unit} whose graph converts to f32 without rounding. */
  static CheckedModel of(CheckedModel unit) {
    Graph graph = GraphRewriter.rewrite(unit.graph(), n -> n.op() == Op.CAST && n.dtype() == ScalarType.F32
        && n.attrs(Attrs.Cast.class).dtype() == ScalarType.F32 && n.input(0).dtype() == ScalarType.F64
        ? NodeBuilder.start(n.span(), 0).node(EXACT_F32, n.input(0)) : n);
    return new Unrounded(unit.name(), graph, unit.train());
  }

  private record Unrounded(String name, Graph graph, TrainConfig train) implements CheckedModel {}
}
