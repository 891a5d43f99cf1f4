package dev.adjoint.compiler.syntax;

import dev.adjoint.compiler.ast.Program;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.grammar.AdjointLexer;
import dev.adjoint.grammar.AdjointParser;
import java.util.Optional;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;

/** Parses .nn text into an AST, reporting syntax errors as diagnostics. */
public final class SyntaxParser {
  private SyntaxParser() {}

  /** The program, or empty when the text has syntax errors (all of them are in {@code diagnostics}). */
  public static Optional<Program> parse(SourceFile file, Diagnostics diagnostics) {
    int errorsBefore = diagnostics.errorCount();
    SyntaxErrorListener listener = new SyntaxErrorListener(file, diagnostics);
    AdjointLexer lexer = new AdjointLexer(CharStreams.fromString(file.text(), file.name()));
    lexer.removeErrorListeners();
    lexer.addErrorListener(listener);
    AdjointParser parser = new AdjointParser(new CommonTokenStream(new LayoutTokenSource(lexer)));
    parser.removeErrorListeners();
    parser.addErrorListener(listener);
    AdjointParser.ProgramContext tree = parser.program();
    if (diagnostics.errorCount() > errorsBefore) {
      return Optional.empty();
    }
    Program program = new AstBuilder(file, diagnostics).program(tree);
    return diagnostics.errorCount() > errorsBefore ? Optional.empty() : Optional.of(program);
  }
}
