package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Init;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.ParamRole;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.source.SourceSpan;

/** What a built-in function may do while it builds its part of the graph. */
public interface CallContext {

  /** A graph builder stamping nodes with this call's span. */
  NodeBuilder ops();

  SourceSpan span();

  Diagnostics diagnostics();

  /**
   * A new trainable parameter named after the layer: {@code localName} "W" in a layer bound
   * to {@code h} becomes {@code h.W}.
   */
  Node param(String localName, Shape shape, ScalarType dtype, Init init, ParamRole role);

  /** A new non-trained buffer named like a parameter, e.g. {@code bn.running_mean}. */
  Node state(String localName, Shape shape, ScalarType dtype, double initial);

  /** The value {@code state} takes after a training step. */
  void updateState(Node state, Node newValue);

  /** Reports an error at {@code at} and gives the value that silences follow-on errors. */
  default Value error(SourceSpan at, String message, String hint) {
    diagnostics().error(at, message, hint);
    return Value.POISON;
  }
}
