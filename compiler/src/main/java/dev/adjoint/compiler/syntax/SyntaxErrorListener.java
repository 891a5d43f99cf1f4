package dev.adjoint.compiler.syntax;

import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.source.SourceSpan;
import dev.adjoint.grammar.AdjointLexer;
import dev.adjoint.grammar.AdjointParser;
import dev.adjoint.runtime.text.Suggestions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Replaces ANTLR's console listener: turns lexer and parser errors into diagnostics that
 * say, in the language's own terms, what was found and what was expected. Reports at
 * most one syntax error per line and one per declaration (model, def or train block),
 * since the parser's recovery after the first one usually produces echoes of it.
 */
final class SyntaxErrorListener extends BaseErrorListener {
  private static final Set<String> STATEMENT_KEYWORDS =
      Set.of("'input'", "'target'", "'param'", "'output'", "'repeat'", "'return'");
  /** Keywords that a name follows: {@code output p = ...}, {@code model mnist { ... }}. */
  private static final Set<String> NAMING_KEYWORDS =
      Set.of("'input'", "'target'", "'param'", "'output'", "'model'", "'def'", "'train'");
  private static final Set<String> DECLARATION_KEYWORDS = Set.of("'model'", "'def'", "'train'");
  private static final Set<String> BINARY_OPERATORS = Set.of("'+'", "'-'", "'*'", "'/'", "'@'", "'**'");

  private final SourceFile file;
  private final Diagnostics diagnostics;
  private final Set<Integer> linesWithErrors = new HashSet<>();
  private final Set<Integer> linesWithLexerErrors = new HashSet<>();
  private final Set<ParserRuleContext> declarationsWithErrors = Collections.newSetFromMap(new IdentityHashMap<>());
  /** How many declarations had been parsed at the last error between declarations, or -1. */
  private int declarationsAtTopLevelError = -1;

  SyntaxErrorListener(SourceFile file, Diagnostics diagnostics) {
    this.file = file;
    this.diagnostics = diagnostics;
  }

  @Override
  public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int column, String msg,
      RecognitionException e) {
    if (recognizer instanceof Parser parser && offendingSymbol instanceof Token token) {
      boolean echo = isEcho(parser); // first, so that the declaration counts as broken even if this is not shown
      if (echo || linesWithErrors.contains(line) || followsLexerError(parser, token)) {
        return;
      }
      linesWithErrors.add(line);
      reportParserError(parser, token, msg);
    } else if (linesWithErrors.add(line)) {
      linesWithLexerErrors.add(line);
      reportLexerError(line, column, msg);
    }
  }

  private static boolean startsMidLine(Parser parser, ParserRuleContext declaration) {
    int index = declaration.getStart().getTokenIndex();
    if (index <= 0) {
      return false;
    }
    Token before = parser.getInputStream().get(index - 1);
    return before.getType() != AdjointLexer.NL && before.getLine() == declaration.getStart().getLine();
  }

  /** True when the token right before the error is on a line with a lexer error, which explains it. */
  private boolean followsLexerError(Parser parser, Token token) {
    int index = token.getTokenIndex();
    return index > 0 && linesWithLexerErrors.contains(parser.getInputStream().get(index - 1).getLine());
  }

  /**
   * True for an error in a declaration that already has one, and for an error between
   * declarations right after a broken one (the rest of it, left over by the recovery).
   */
  private boolean isEcho(Parser parser) {
    ParserRuleContext declaration = enclosing(parser.getContext(), AdjointParser.DeclarationContext.class);
    if (declaration != null && !declarationsWithErrors.isEmpty() && startsMidLine(parser, declaration)) {
      declarationsWithErrors.add(declaration); // a keyword in what is left of a broken one: split(train = ...)
      return true;
    }
    if (declaration == null) {
      ParserRuleContext program = enclosing(parser.getContext(), AdjointParser.ProgramContext.class);
      List<ParserRuleContext> declarations = new ArrayList<>();
      for (int i = 0; program != null && i < program.getChildCount(); i++) {
        if (program.getChild(i) instanceof AdjointParser.DeclarationContext d) {
          declarations.add(d);
        }
      }
      boolean afterBroken = !declarations.isEmpty()
          && declarationsWithErrors.contains(declarations.get(declarations.size() - 1));
      boolean echo = afterBroken || declarations.size() == declarationsAtTopLevelError;
      declarationsAtTopLevelError = declarations.size();
      return echo;
    }
    return !declarationsWithErrors.add(declaration);
  }

  private void reportLexerError(int line, int column, String msg) {
    String text = msg.replaceFirst("^token recognition error at: '", "").replaceFirst("'$", "");
    if (text.startsWith("\"")) {
      int end = Math.max(column + 2, file.line(line).length() + 1);
      diagnostics.error(new SourceSpan(file, line, column + 1, line, end), "unterminated string",
          "close the string with '\"' on the same line");
      return;
    }
    int c = text.isEmpty() ? '?' : text.codePointAt(0);
    String shown = new String(Character.toChars(c));
    SourceSpan span = new SourceSpan(file, line, column + 1, line, column + 2);
    if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.getType(c) == Character.FORMAT) {
      diagnostics.error(span, String.format("unexpected invisible character U+%04X", c),
          "it often comes with text pasted from a web page or a document; retype it as a plain space");
      return;
    }
    switch (shown) {
      case "^" -> diagnostics.error(span, "unexpected character '^'", "powers are written '**', e.g. x ** 2");
      case "'" -> diagnostics.error(span, "unexpected character \"'\"",
          "strings are written in double quotes: \"text\"");
      case "\u201c", "\u201d", "\u2018", "\u2019" -> diagnostics.error(span, "unexpected character '" + shown + "'",
          "strings are written in straight double quotes: \"text\"");
      default -> diagnostics.error(span, "unexpected character '" + shown + "'",
          "names are letters, digits and '_'; comments start with '#'");
    }
  }

  private void reportParserError(Parser parser, Token token, String msg) {
    TokenStream tokens = parser.getInputStream();
    Token previous = token.getTokenIndex() > 0 ? tokens.get(token.getTokenIndex() - 1) : null;
    ParserRuleContext context = parser.getContext();
    SourceSpan span = spanOf(token);
    String found = describe(token);
    IntervalSet expected;
    try {
      expected = parser.getExpectedTokens();
    } catch (RuntimeException ignored) {
      expected = new IntervalSet();
    }
    List<Integer> types = expected.toList();
    boolean startsDeclaration = token.getType() == Token.EOF || DECLARATION_KEYWORDS.contains(literal(token));
    if (types.contains(type("'}'")) && startsDeclaration) {
      Token open = openingBrace(context);
      diagnostics.error(span, "missing '}' before " + found,
          open == null ? "every '{' needs a matching '}'" : "the '{' at " + position(open) + " is never closed");
      return;
    }
    String typo = keywordTypo(previous, tokens);
    if (typo != null && enclosing(context, AdjointParser.BlockContext.class) != null) {
      diagnostics.error(spanOf(previous), "unknown keyword '" + previous.getText() + "'", typo);
      return;
    }
    if (msg.startsWith("missing ")) {
      String what = msg.substring("missing ".length(), msg.lastIndexOf(" at "));
      diagnostics.error(span, "missing " + friendlyExpected(what) + " before " + found, typo);
      return;
    }
    if (enclosing(context, AdjointParser.DeclarationContext.class) == null && types.contains(type("'model'"))) {
      diagnostics.error(span, "unexpected " + found + " outside a declaration; expected 'model', 'def' or 'train'",
          topLevelHint(token, tokens));
      return;
    }
    if (previous != null && previous.getType() == AdjointLexer.STRING && token.getType() != Token.EOF
        && token.getStartIndex() == previous.getStopIndex() + 1
        && (token.getType() == AdjointLexer.ID || token.getType() == AdjointLexer.NUMBER)) {
      diagnostics.error(span, "unexpected " + found + " right after a string",
          "the string at " + position(previous) + " ends just before it: is a closing '\"' missing earlier on the"
              + " line?");
      return;
    }
    if (BINARY_OPERATORS.contains(literal(token)) && previous != null && previous.getType() == AdjointLexer.NL) {
      diagnostics.error(span, "unexpected " + found + " at the start of a line",
          "a line break ends the statement; to continue it, end the line before with '" + token.getText()
              + "' or wrap the expression in parentheses");
      return;
    }
    if (previous != null && NAMING_KEYWORDS.contains(literal(previous)) && types.contains(AdjointLexer.ID)) {
      boolean usedAsName = Set.of("=", ":", ",", ")").contains(token.getText());
      diagnostics.error(span, "unexpected " + found + "; expected a name after '" + previous.getText() + "'",
          usedAsName ? "'" + previous.getText() + "' is a keyword and cannot be used as a name" : null);
      return;
    }
    if (previous != null && isKeyword(previous.getType()) && types.equals(List.of(type("'='")))
        && (token.getText().equals(",") || token.getText().equals(")"))) {
      diagnostics.error(spanOf(previous), "'" + previous.getText() + "' is a keyword and cannot be used as a value",
          "rename the value, e.g. '" + previous.getText() + "_'");
      return;
    }
    if (token.getType() == type("'='") && enclosing(context, AdjointParser.TrainDeclContext.class) != null
        && previous != null && previous.getType() == AdjointLexer.ID && unclosedBracket(tokens, token) == null) {
      String rest = file.line(token.getLine()).substring(token.getCharPositionInLine() + 1).replaceFirst("#.*", "")
          .strip();
      diagnostics.error(span, "unexpected '=' after setting '" + previous.getText() + "'",
          "settings take their value without '=': " + previous.getText() + " " + (rest.isEmpty() ? "..." : rest));
      return;
    }
    if (types.contains(type("')'")) || types.contains(type("']'"))) {
      Token open = unclosedBracket(tokens, token);
      if (open != null && previous != null && token.getLine() > previous.getLine()) {
        String close = open.getText().equals("(") ? ")" : "]";
        diagnostics.error(endOf(previous), "missing '" + close + "'",
            "the '" + open.getText() + "' at " + position(open) + " is never closed");
        return;
      }
      if (open != null && previous != null && startsExpression(token)) {
        diagnostics.error(span, "missing ',' before " + found,
            "separate " + (!open.getText().equals("[") ? "arguments"
                : enclosing(context, AdjointParser.IndexExprContext.class) != null ? "subscripts" : "dimensions")
                + " with ','");
        return;
      }
    }
    if (types.size() == 2 && types.contains(type("'='")) && types.contains(type("','"))
        && context instanceof AdjointParser.AssignStatementContext && startsExpression(token)) {
      // a name, then a value: an assignment without its '=' (or an unpacking a, b = ... without a ',')
      diagnostics.error(span, "missing '=' before " + found, null);
      return;
    }
    String expectation = describeExpected(expected);
    String message = "unexpected " + found + (expectation == null ? "" : "; expected " + expectation);
    diagnostics.error(span, message, typo != null ? typo : hintFor(token, types, context));
  }

  /** "did you mean 'output'?" when the name that starts the statement is a misspelled keyword. */
  private static String keywordTypo(Token name, TokenStream tokens) {
    if (name == null || name.getType() != AdjointLexer.ID) {
      return null;
    }
    int index = name.getTokenIndex();
    Token before = index > 0 ? tokens.get(index - 1) : null;
    if (before != null && before.getType() != AdjointLexer.NL && before.getLine() == name.getLine()
        && !before.getText().equals(";") && !before.getText().equals("{")) {
      return null;
    }
    List<String> keywords = new ArrayList<>();
    for (String literal : STATEMENT_KEYWORDS) {
      keywords.add(literal.substring(1, literal.length() - 1));
    }
    for (String literal : DECLARATION_KEYWORDS) {
      keywords.add(literal.substring(1, literal.length() - 1));
    }
    keywords.sort(null);
    String keyword = Suggestions.closest(name.getText(), keywords);
    return keyword == null || keyword.equals(name.getText()) ? null : "did you mean '" + keyword + "'?";
  }

  private String topLevelHint(Token token, TokenStream tokens) {
    String typo = keywordTypo(token, tokens);
    if (typo != null) {
      return typo;
    }
    int ahead = token.getTokenIndex() + 2 - tokens.index();
    Token next = ahead >= 1 ? tokens.LT(ahead) : token;
    if (token.getType() == AdjointLexer.ID && next.getType() == type("'='")) {
      return "statements belong inside a model or def; for a setting of the model, declare a hyperparameter: "
          + "model NAME(" + token.getText() + " = ...) { ... }";
    }
    if (STATEMENT_KEYWORDS.contains(literal(token)) || token.getType() == AdjointLexer.ID) {
      return "statements belong inside a model { ... } or a def { ... }";
    }
    if (token.getType() == type("'}'")) {
      return "this '}' closes nothing: check the braces above it";
    }
    return null;
  }

  /** The '{' of the innermost block or train block being parsed. */
  private static Token openingBrace(ParserRuleContext context) {
    for (ParserRuleContext c = context; c != null; c = c.getParent()) {
      if (c instanceof AdjointParser.BlockContext) {
        return c.getStart();
      }
      if (c instanceof AdjointParser.TrainDeclContext) {
        for (int i = 0; i < c.getChildCount(); i++) {
          ParseTree child = c.getChild(i);
          if (child instanceof TerminalNode t && t.getSymbol().getText().equals("{")) {
            return t.getSymbol();
          }
        }
      }
    }
    return null;
  }

  /** The innermost '(' or '[' before the token that is not closed before it, within its block. */
  private static Token unclosedBracket(TokenStream tokens, Token token) {
    int depth = 0;
    for (int i = token.getTokenIndex() - 1; i >= 0; i--) {
      String text = tokens.get(i).getText();
      if (text.equals(")") || text.equals("]")) {
        depth++;
      } else if (text.equals("(") || text.equals("[")) {
        if (depth == 0) {
          return tokens.get(i);
        }
        depth--;
      } else if (text.equals("{") || text.equals("}")) {
        return null;
      }
    }
    return null;
  }

  private static boolean startsExpression(Token token) {
    int t = token.getType();
    return t == AdjointLexer.ID || t == AdjointLexer.NUMBER || t == AdjointLexer.STRING || token.getText().equals("(");
  }

  private static ParserRuleContext enclosing(ParserRuleContext context, Class<? extends ParserRuleContext> type) {
    for (ParserRuleContext c = context; c != null; c = c.getParent()) {
      if (type.isInstance(c)) {
        return c;
      }
    }
    return null;
  }

  private static String position(Token token) {
    return token.getLine() + ":" + (token.getCharPositionInLine() + 1);
  }

  private SourceSpan endOf(Token token) {
    int column = token.getCharPositionInLine() + 1 + Math.max(1, token.getText().length());
    return new SourceSpan(file, token.getLine(), column, token.getLine(), column + 1);
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
          || "'('".equals(literal(type)) || "'-'".equals(literal(type)) || "'not'".equals(literal(type)))) {
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

  private static String literal(Token token) {
    String literal = literal(token.getType());
    return literal == null ? "" : literal;
  }

  /** The token type of a literal such as {@code "'}'"}. */
  private static int type(String literal) {
    for (int t = 1; t <= AdjointLexer.VOCABULARY.getMaxTokenType(); t++) {
      if (literal.equals(literal(t))) {
        return t;
      }
    }
    throw new IllegalArgumentException("no token " + literal);
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

  private static String hintFor(Token token, List<Integer> types, ParserRuleContext context) {
    boolean startsStatement = token.getType() == AdjointLexer.ID || STATEMENT_KEYWORDS.contains(literal(token));
    if (types.contains(AdjointLexer.NL) && startsStatement) {
      return enclosing(context, AdjointParser.TrainDeclContext.class) != null
          ? "put each setting on its own line, or separate settings with ';'"
          : "put each statement on its own line, or separate statements with ';'";
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
