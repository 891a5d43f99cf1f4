package dev.adjoint.compiler.syntax;

import dev.adjoint.compiler.ast.Program;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.grammar.AdjointLexer;
import dev.adjoint.grammar.AdjointParser;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.IntStream;
import org.antlr.v4.runtime.LexerNoViableAltException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.Interval;

/** Parses .nn text into an AST, reporting syntax errors as diagnostics. */
public final class SyntaxParser {
  private SyntaxParser() {}

  /** The program, or empty when the text has syntax errors (all of them are in {@code diagnostics}). */
  public static Optional<Program> parse(SourceFile file, Diagnostics diagnostics) {
    int errorsBefore = diagnostics.errorCount();
    SyntaxErrorListener listener = new SyntaxErrorListener(file, diagnostics);
    AdjointLexer lexer = new RecoveringLexer(CharStreams.fromString(file.text(), file.name()));
    lexer.removeErrorListeners();
    lexer.addErrorListener(listener);
    List<Token> tokens = tokens(file);
    if (!NestingLimit.check(tokens, file, diagnostics)) {
      return Optional.empty(); // too deep for the parser's stack
    }
    NameLengthLimit.check(tokens, file, diagnostics); // reported with the syntax errors, if any
    AdjointParser parser = new AdjointParser(new CommonTokenStream(new LayoutTokenSource(lexer)));
    parser.setErrorHandler(new TopLevelRecovery());
    parser.removeErrorListeners();
    parser.addErrorListener(listener);
    AdjointParser.ProgramContext tree = parser.program();
    if (diagnostics.errorCount() > errorsBefore) {
      return Optional.empty();
    }
    Program program = new AstBuilder(file, diagnostics).program(tree);
    return diagnostics.errorCount() > errorsBefore ? Optional.empty() : Optional.of(program);
  }

  /**
   * Every token of the file as the parser sees them, lexed on their own: lexer errors are left
   * to the parse that follows, where they interleave with the parser's own.
   */
  private static List<Token> tokens(SourceFile file) {
    AdjointLexer lexer = new RecoveringLexer(CharStreams.fromString(file.text(), file.name()));
    lexer.removeErrorListeners();
    CommonTokenStream tokens = new CommonTokenStream(new LayoutTokenSource(lexer));
    tokens.fill();
    return tokens.getTokens();
  }

  /**
   * The generated lexer, except that an unterminated string still becomes a string token
   * (after its error is reported) and leaves the end of its line in place, so that the
   * parser does not report the rest of the file as an echo of it.
   */
  private static final class RecoveringLexer extends AdjointLexer {
    RecoveringLexer(CharStream input) {
      super(input);
    }

    @Override
    public void recover(LexerNoViableAltException e) {
      int next = _input.LA(1);
      boolean unterminatedString = _input.index() > _tokenStartCharIndex
          && _input.getText(Interval.of(_tokenStartCharIndex, _tokenStartCharIndex)).equals("\"")
          && (next == '\n' || next == '\r' || next == IntStream.EOF);
      if (unterminatedString) {
        setType(STRING);
        return;
      }
      super.recover(e);
    }
  }
}
