package dev.adjoint.compiler.ast;

import dev.adjoint.compiler.source.SourceSpan;
import java.util.List;

/**
 * {@code f32[B, 784]} or, for targets, {@code class[B] of 10} and {@code class[B] of ("en", "fr")}.
 *
 * @param classes the expression after {@code of}, or null
 */
public record TypeExpr(String dtype, SourceSpan dtypeSpan, List<Expr> dims, Expr classes, SourceSpan span) {
  public TypeExpr {
    dims = List.copyOf(dims);
  }
}
