package dev.adjoint.compiler.syntax;

import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.source.SourceSpan;
import dev.adjoint.grammar.AdjointLexer;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.Token;

/**
 * Limits how deeply a program nests before it is parsed, since the parser (and the AST
 * builder and elaborator after it) recurse once per level: brackets and braces, prefix
 * {@code -} signs in a row, and {@code **} chains (right-associative) each add a level.
 * A chain of other operators, such as a sum of thousands of terms, does not nest: those
 * are built in loops. The limit is clang's default bracket depth, far beyond what a model
 * needs and far within what the parser's stack holds.
 */
final class NestingLimit {
  /** The most levels a program may nest. */
  static final int MAX_DEPTH = 256;

  private NestingLimit() {}

  /**
   * Reports the first token that nests deeper than {@link #MAX_DEPTH}, if any; returns
   * whether the tokens are within the limit.
   */
  static boolean check(List<? extends Token> tokens, SourceFile file, Diagnostics diagnostics) {
    List<Integer> enclosing = new ArrayList<>(); // the operator chain of each enclosing level
    int chainsAbove = 0;
    int chain = 0; // prefix '-' and '**' at this level since the last operator that ends them
    int previous = Token.INVALID_TYPE;
    for (Token token : tokens) {
      int type = token.getType();
      String literal = AdjointLexer.VOCABULARY.getLiteralName(type);
      if ("'('".equals(literal) || "'['".equals(literal) || "'{'".equals(literal)) {
        enclosing.add(chain);
        chainsAbove += chain;
        chain = 0;
      } else if ("')'".equals(literal) || "']'".equals(literal) || "'}'".equals(literal)) {
        if (!enclosing.isEmpty()) {
          chain = enclosing.remove(enclosing.size() - 1);
          chainsAbove -= chain;
        }
      } else if ("'**'".equals(literal) || "'not'".equals(literal) || "'-'".equals(literal) && !endsOperand(previous)) {
        chain++;
      } else if (!endsOperand(type) && !"'.'".equals(literal)) {
        chain = 0; // a binary operator, a comma, the end of a statement: what nested here is closed
      }
      previous = type;
      if (enclosing.size() + chainsAbove + chain > MAX_DEPTH) {
        report(token, literal, file, diagnostics);
        return false;
      }
    }
    return true;
  }

  private static boolean endsOperand(int type) {
    String literal = AdjointLexer.VOCABULARY.getLiteralName(type);
    return type == AdjointLexer.ID || type == AdjointLexer.NUMBER || type == AdjointLexer.STRING
        || "')'".equals(literal) || "']'".equals(literal);
  }

  private static void report(Token token, String literal, SourceFile file, Diagnostics diagnostics) {
    int column = token.getCharPositionInLine() + 1;
    SourceSpan at = new SourceSpan(file, token.getLine(), column, token.getLine(),
        column + Math.max(1, token.getText().length()));
    if ("'{'".equals(literal)) {
      diagnostics.error(at, "blocks nested too deeply (more than " + MAX_DEPTH + " levels)",
          "move an inner block into a def and call it");
    } else {
      diagnostics.error(at, "expression nested too deeply (more than " + MAX_DEPTH + " levels)", "'-'".equals(literal)
          ? "each '-' negates what follows, so two in a row cancel out: write one or none"
          : "'not'".equals(literal) ? "each 'not' complements what follows, so two in a row cancel out: write one or none"
          : "bind inner parts to names on lines of their own, e.g. t = ..., then use t");
    }
  }
}
