package dev.adjoint.compiler.syntax;

import dev.adjoint.grammar.AdjointLexer;
import dev.adjoint.grammar.AdjointParser;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * ANTLR's error recovery, except between declarations: there, text that starts no
 * declaration is reported once and skipped up to the next line that starts with
 * {@code model}, {@code def} or {@code train}, so that the declarations after it are still
 * parsed and checked (ANTLR alone would skip the rest of the file).
 */
final class TopLevelRecovery extends DefaultErrorStrategy {

  @Override
  public void sync(Parser recognizer) {
    if (!(recognizer.getContext() instanceof AdjointParser.ProgramContext)) {
      super.sync(recognizer);
      return;
    }
    TokenStream tokens = recognizer.getInputStream();
    int next = tokens.LA(1);
    IntervalSet expecting = recognizer.getATN().nextTokens(recognizer.getInterpreter().atn.states.get(
        recognizer.getState()));
    if (next == Token.EOF || expecting.contains(next)) {
      return;
    }
    reportUnwantedToken(recognizer);
    while (tokens.LA(1) != Token.EOF && !startsDeclaration(tokens)) {
      recognizer.consume();
    }
  }

  private static boolean startsDeclaration(TokenStream tokens) {
    String literal = AdjointLexer.VOCABULARY.getLiteralName(tokens.LA(1));
    boolean keyword = "'model'".equals(literal) || "'def'".equals(literal) || "'train'".equals(literal);
    Token before = tokens.LT(-1);
    return keyword && (before == null || before.getType() == AdjointLexer.NL
        || before.getLine() < tokens.LT(1).getLine());
  }
}
