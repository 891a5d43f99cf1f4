package dev.adjoint.compiler.syntax;

import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.source.SourceSpan;
import dev.adjoint.grammar.AdjointLexer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Replaces ANTLR's console listener: turns lexer and parser errors into diagnostics that
 * say, in the language's own terms, what was found and what was expected. Reports at
 * most one syntax error per line, since later ones on the line are usually echoes.
 */
final class SyntaxErrorListener extends BaseErrorListener {
  private final SourceFile file;
  private final Diagnostics diagnostics;
  private final Set<Integer> linesWithErrors = new HashSet<>();

  SyntaxErrorListener(SourceFile file, Diagnostics diagnostics) {
    this.file = file;
    this.diagnostics = diagnostics;
  }

  @Override
  public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int column, String msg,
      RecognitionException e) {
    if (!linesWithErrors.add(line)) {
      return;
    }
    if (recognizer instanceof Parser parser && offendingSymbol instanceof Token token) {
      reportParserError(parser, token, msg);
    } else {
      reportLexerError(line, column, msg);
    }
  }

  private void reportLexerError(int line, int column, String msg) {
    String text = msg.replaceFirst("^token recognition error at: '", "").replaceFirst("'$", "");
    SourceSpan span = new SourceSpan(file, line, column + 1, line, column + 1 + Math.max(1, text.strip().length()));
    if (text.startsWith("\"")) {
      diagnostics.error(span, "unterminated string", "close the string with '\"' on the same line");
    } else {
      String shown = text.isEmpty() ? "?" : text.substring(0, 1);
      diagnostics.error(span, "unexpected character '" + shown + "'",
          "names are letters, digits and '_'; comments start with '#'");
    }
  }

  private void reportParserError(Parser parser, Token token, String msg) {
    SourceSpan span = spanOf(token);
    String found = describe(token);
    if (msg.startsWith("missing ")) {
      String what = msg.substring("missing ".length(), msg.lastIndexOf(" at "));
      diagnostics.error(span, "missing " + friendlyExpected(what) + " before " + found);
      return;
    }
    IntervalSet expected;
    try {
      expected = parser.getExpectedTokens();
    } catch (RuntimeException ignored) {
      expected = new IntervalSet();
    }
    String expectation = describeExpected(expected);
    String message = "unexpected " + found + (expectation == null ? "" : "; expected " + expectation);
    diagnostics.error(span, message, hintFor(token, expected));
  }

  private SourceSpan spanOf(Token token) {
    int line = token.getLine();
    int column = token.getCharPositionInLine() + 1;
    if (token.getType() == Token.EOF) {
      int last = Math.max(1, file.lineCount() - (file.text().endsWith("\n") ? 1 : 0));
      int endColumn = file.line(last).length() + 1;
      return new SourceSpan(file, last, endColumn, last, endColumn + 1);
    }
    int length = token.getType() == AdjointLexer.NL ? 1 : Math.max(1, token.getText().length());
    return new SourceSpan(file, line, column, line, column + length);
  }

  private static String describe(Token token) {
    if (token.getType() == Token.EOF) {
      return "end of file";
    }
    if (token.getType() == AdjointLexer.NL) {
      return "end of line";
    }
    return "'" + token.getText() + "'";
  }

  private static String describeExpected(IntervalSet expected) {
    if (expected == null || expected.isNil()) {
      return null;
    }
    List<Integer> types = expected.toList();
    Set<String> words = new java.util.LinkedHashSet<>();
    boolean expression = types.contains(AdjointLexer.ID) && types.contains(AdjointLexer.NUMBER);
    if (expression) {
      words.add("an expression");
    }
    for (int type : types) {
      if (expression && (type == AdjointLexer.ID || type == AdjointLexer.NUMBER || type == AdjointLexer.STRING
          || "'('".equals(literal(type)) || "'-'".equals(literal(type)))) {
        continue;
      }
      words.add(tokenWord(type));
    }
    if (words.contains("end of line") && words.contains("';'")) {
      words.remove("';'");
    }
    List<String> list = new ArrayList<>(words);
    if (list.isEmpty() || list.size() > 6) {
      return null;
    }
    if (list.size() == 1) {
      return list.get(0);
    }
    return String.join(", ", list.subList(0, list.size() - 1)) + " or " + list.get(list.size() - 1);
  }

  private static String tokenWord(int type) {
    if (type == Token.EOF) {
      return "end of file";
    }
    if (type == AdjointLexer.NL) {
      return "end of line";
    }
    if (type == AdjointLexer.ID) {
      return "a name";
    }
    if (type == AdjointLexer.NUMBER) {
      return "a number";
    }
    if (type == AdjointLexer.STRING) {
      return "a string";
    }
    String literal = literal(type);
    return literal == null ? AdjointLexer.VOCABULARY.getDisplayName(type) : literal;
  }

  private static String literal(int type) {
    return AdjointLexer.VOCABULARY.getLiteralName(type);
  }

  private static String friendlyExpected(String antlrName) {
    return switch (antlrName) {
      case "NL" -> "end of line";
      case "ID" -> "a name";
      case "NUMBER" -> "a number";
      case "STRING" -> "a string";
      case "'<EOF>'", "<EOF>" -> "end of file";
      default -> antlrName;
    };
  }

  private static String hintFor(Token token, IntervalSet expected) {
    List<Integer> types = expected == null ? List.of() : expected.toList();
    if (types.contains(AdjointLexer.NL) && token.getType() != AdjointLexer.NL && token.getType() != Token.EOF) {
      return "put each statement on its own line, or separate statements with ';'";
    }
    if (types.contains(AdjointLexer.ID) && isKeyword(token.getType())) {
      return "'" + token.getText() + "' is a keyword and cannot be used as a name";
    }
    return null;
  }

  private static boolean isKeyword(int type) {
    String literal = literal(type);
    return literal != null && literal.length() > 2 && Character.isLetter(literal.charAt(1));
  }
}
