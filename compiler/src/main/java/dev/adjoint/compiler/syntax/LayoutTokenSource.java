package dev.adjoint.compiler.syntax;

import dev.adjoint.grammar.AdjointLexer;
import java.util.Set;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;

/**
 * Makes newlines end statements only where a statement can end: drops a newline inside
 * parentheses or brackets, after a token that needs something to follow (an operator,
 * a comma, {@code =}), and after another newline. Python's rule, kept out of the grammar.
 */
final class LayoutTokenSource implements TokenSource {
  private static final Set<String> CONTINUES_LINE =
      Set.of("'+'", "'-'", "'*'", "'/'", "'@'", "'**'", "'='", "','", "':'", "'of'", "'('", "'['",
          "'<'", "'<='", "'>'", "'>='", "'=='", "'!='", "'not'", "'and'", "'or'");

  private final TokenSource lexer;
  private int depth;
  private int previousType = Token.INVALID_TYPE;

  LayoutTokenSource(TokenSource lexer) {
    this.lexer = lexer;
  }

  @Override
  public Token nextToken() {
    while (true) {
      Token token = lexer.nextToken();
      int type = token.getType();
      if (type == AdjointLexer.NL && (depth > 0 || previousType == AdjointLexer.NL || continuesLine(previousType))) {
        continue;
      }
      String literal = AdjointLexer.VOCABULARY.getLiteralName(type);
      if ("'('".equals(literal) || "'['".equals(literal)) {
        depth++;
      } else if (("')'".equals(literal) || "']'".equals(literal)) && depth > 0) {
        depth--;
      } else if ("'{'".equals(literal) || "'}'".equals(literal)) {
        depth = 0; // an unbalanced bracket must not swallow the rest of the file's newlines
      }
      previousType = type;
      return token;
    }
  }

  private static boolean continuesLine(int type) {
    String literal = AdjointLexer.VOCABULARY.getLiteralName(type);
    return literal != null && CONTINUES_LINE.contains(literal);
  }

  @Override
  public int getLine() {
    return lexer.getLine();
  }

  @Override
  public int getCharPositionInLine() {
    return lexer.getCharPositionInLine();
  }

  @Override
  public CharStream getInputStream() {
    return lexer.getInputStream();
  }

  @Override
  public String getSourceName() {
    return lexer.getSourceName();
  }

  @Override
  public void setTokenFactory(TokenFactory<?> factory) {
    lexer.setTokenFactory(factory);
  }

  @Override
  public TokenFactory<?> getTokenFactory() {
    return lexer.getTokenFactory();
  }
}
