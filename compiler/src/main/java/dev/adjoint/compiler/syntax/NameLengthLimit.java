package dev.adjoint.compiler.syntax;

import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.source.SourceSpan;
import dev.adjoint.grammar.AdjointLexer;
import java.util.List;
import org.antlr.v4.runtime.Token;

/**
 * Limits how long a name may be. Names become parts of parameter names, Java identifiers and
 * messages; a limit far beyond any name a person writes keeps every one of those small.
 */
final class NameLengthLimit {
  /** The most characters a name may have. */
  static final int MAX_LENGTH = 128;

  private NameLengthLimit() {}

  /** Reports every name longer than {@link #MAX_LENGTH}; returns whether there was none. */
  static boolean check(List<? extends Token> tokens, SourceFile file, Diagnostics diagnostics) {
    boolean ok = true;
    for (Token token : tokens) {
      int length = token.getText().length();
      if (token.getType() == AdjointLexer.ID && length > MAX_LENGTH) {
        int column = token.getCharPositionInLine() + 1;
        SourceSpan at = new SourceSpan(file, token.getLine(), column, token.getLine(), column + length);
        diagnostics.error(at, "this name has " + String.format("%,d", length) + " characters; a name has at most "
            + MAX_LENGTH, "choose a shorter name");
        ok = false;
      }
    }
    return ok;
  }
}
