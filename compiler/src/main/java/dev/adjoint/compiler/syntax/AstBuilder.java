package dev.adjoint.compiler.syntax;

import dev.adjoint.compiler.ast.Argument;
import dev.adjoint.compiler.ast.BinaryOperator;
import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.ast.Program;
import dev.adjoint.compiler.ast.Statement;
import dev.adjoint.compiler.ast.Subscript;
import dev.adjoint.compiler.ast.TypeExpr;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.source.SourceSpan;
import dev.adjoint.grammar.AdjointBaseVisitor;
import dev.adjoint.grammar.AdjointParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/** Builds the AST from a parse tree that has no syntax errors. */
final class AstBuilder extends AdjointBaseVisitor<Object> {
  private final SourceFile file;
  private final Diagnostics diagnostics;

  AstBuilder(SourceFile file, Diagnostics diagnostics) {
    this.file = file;
    this.diagnostics = diagnostics;
  }

  Program program(AdjointParser.ProgramContext ctx) {
    List<Declaration> declarations = new ArrayList<>();
    for (AdjointParser.DeclarationContext d : ctx.declaration()) {
      declarations.add((Declaration) visit(d.getChild(0)));
    }
    return new Program(file, declarations);
  }

  @Override
  public Declaration.Model visitModelDecl(AdjointParser.ModelDeclContext ctx) {
    List<Declaration.Binding> hyper = new ArrayList<>();
    if (ctx.hyperParams() != null) {
      for (AdjointParser.HyperParamContext h : ctx.hyperParams().params) {
        hyper.add(new Declaration.Binding(h.name.getText(), span(h.name), expr(h.value)));
      }
    }
    return new Declaration.Model(ctx.name.getText(), span(ctx.name), hyper, statements(ctx.body), span(ctx));
  }

  @Override
  public Declaration.Def visitDefDecl(AdjointParser.DefDeclContext ctx) {
    List<Declaration.Binding> params = new ArrayList<>();
    for (AdjointParser.DefParamContext p : ctx.params) {
      params.add(new Declaration.Binding(p.name.getText(), span(p.name), p.value == null ? null : expr(p.value)));
    }
    return new Declaration.Def(ctx.name.getText(), span(ctx.name), params, statements(ctx.body), span(ctx));
  }

  @Override
  public Declaration.Train visitTrainDecl(AdjointParser.TrainDeclContext ctx) {
    List<Declaration.Setting> settings = new ArrayList<>();
    for (AdjointParser.SettingContext s : ctx.settings) {
      settings.add((Declaration.Setting) visit(s));
    }
    return new Declaration.Train(ctx.model.getText(), span(ctx.model), arguments(ctx.overrides), settings, span(ctx));
  }

  @Override
  public Declaration.Setting visitCallSetting(AdjointParser.CallSettingContext ctx) {
    return new Declaration.Setting(ctx.key.getText(), span(ctx.key), arguments(ctx.args), span(ctx));
  }

  @Override
  public Declaration.Setting visitValueSetting(AdjointParser.ValueSettingContext ctx) {
    return new Declaration.Setting(ctx.key.getText(), span(ctx.key), arguments(ctx.args), span(ctx));
  }

  private List<Statement> statements(AdjointParser.BlockContext block) {
    List<Statement> out = new ArrayList<>();
    for (AdjointParser.StatementContext s : block.statements) {
      out.add((Statement) visit(s));
    }
    return out;
  }

  @Override
  public Statement visitInputStatement(AdjointParser.InputStatementContext ctx) {
    return new Statement.Input(ctx.name.getText(), span(ctx.name), type(ctx.type), false, span(ctx));
  }

  @Override
  public Statement visitTargetStatement(AdjointParser.TargetStatementContext ctx) {
    return new Statement.Input(ctx.name.getText(), span(ctx.name), type(ctx.type), true, span(ctx));
  }

  @Override
  public Statement visitParamStatement(AdjointParser.ParamStatementContext ctx) {
    return new Statement.Param(ctx.name.getText(), span(ctx.name), type(ctx.type),
        ctx.init == null ? null : expr(ctx.init), span(ctx));
  }

  @Override
  public Statement visitOutputStatement(AdjointParser.OutputStatementContext ctx) {
    return new Statement.Assign(ctx.name.getText(), span(ctx.name), expr(ctx.value), true, span(ctx));
  }

  /** {@code h = expr}, or with more names, {@code a, b = expr}: an unpacking. */
  @Override
  public Statement visitAssignStatement(AdjointParser.AssignStatementContext ctx) {
    if (ctx.names.isEmpty()) {
      return new Statement.Assign(ctx.name.getText(), span(ctx.name), expr(ctx.value), false, span(ctx));
    }
    List<Token> names = new ArrayList<>(List.of(ctx.name));
    names.addAll(ctx.names);
    return new Statement.Unpack(names.stream().map(Token::getText).toList(), names.stream().map(this::span).toList(),
        expr(ctx.value), span(ctx));
  }

  @Override
  public Statement visitRepeatStatement(AdjointParser.RepeatStatementContext ctx) {
    return new Statement.Repeat(expr(ctx.count), statements(ctx.body), span(ctx));
  }

  @Override
  public Statement visitReturnStatement(AdjointParser.ReturnStatementContext ctx) {
    return new Statement.Return(expr(ctx.value), span(ctx));
  }

  private TypeExpr type(AdjointParser.TypeExprContext ctx) {
    List<Expr> dims = new ArrayList<>();
    for (AdjointParser.ExprContext d : ctx.dims) {
      dims.add(expr(d));
    }
    return new TypeExpr(ctx.dtype.getText(), span(ctx.dtype), dims, ctx.classes == null ? null : expr(ctx.classes),
        span(ctx));
  }

  private List<Argument> arguments(AdjointParser.ArgumentsContext ctx) {
    List<Argument> out = new ArrayList<>();
    if (ctx == null) {
      return out;
    }
    for (AdjointParser.ArgumentContext a : ctx.items) {
      out.add(a.name == null
          ? new Argument(null, null, expr(a.value))
          : new Argument(a.name.getText(), span(a.name), expr(a.value)));
    }
    return out;
  }

  private Expr expr(AdjointParser.ExprContext ctx) {
    return (Expr) visit(ctx);
  }

  @Override
  public Expr visitCallExpr(AdjointParser.CallExprContext ctx) {
    return new Expr.Call(ctx.callee.getText(), span(ctx.callee), arguments(ctx.args), span(ctx));
  }

  @Override
  public Expr visitParenExpr(AdjointParser.ParenExprContext ctx) {
    return expr(ctx.inner);
  }

  @Override
  public Expr visitTupleExpr(AdjointParser.TupleExprContext ctx) {
    List<Expr> items = new ArrayList<>();
    for (AdjointParser.ExprContext e : ctx.items) {
      items.add(expr(e));
    }
    return new Expr.Tuple(items, span(ctx));
  }

  /**
   * {@code x[i][j]...}: built from the innermost base out, in a loop, so that a long chain of
   * subscripts does not deepen the builder's stack.
   */
  @Override
  public Expr visitIndexExpr(AdjointParser.IndexExprContext ctx) {
    List<AdjointParser.IndexExprContext> chain = new ArrayList<>();
    AdjointParser.ExprContext e = ctx;
    while (e instanceof AdjointParser.IndexExprContext index) {
      chain.add(index);
      e = index.base;
    }
    Expr result = expr(e);
    for (int i = chain.size() - 1; i >= 0; i--) {
      AdjointParser.IndexExprContext index = chain.get(i);
      List<Subscript> items = new ArrayList<>();
      for (AdjointParser.SubscriptContext item : index.items) {
        items.add(subscript(item));
      }
      result = new Expr.Index(result, items, span(index.open), span(index));
    }
    return result;
  }

  private Subscript subscript(AdjointParser.SubscriptContext ctx) {
    if (ctx instanceof AdjointParser.RangeSubscriptContext r) {
      return new Subscript.Range(optional(r.start), optional(r.stop), optional(r.step), span(ctx));
    }
    if (ctx instanceof AdjointParser.EllipsisSubscriptContext) {
      return new Subscript.Ellipsis(span(ctx));
    }
    Expr index = expr(((AdjointParser.IndexSubscriptContext) ctx).index);
    if (index instanceof Expr.Name n && n.isSimple() && n.joined().equals("None")) {
      return new Subscript.NewAxis(span(ctx));
    }
    return new Subscript.At(index, span(ctx));
  }

  private Expr optional(AdjointParser.ExprContext ctx) {
    return ctx == null ? null : expr(ctx);
  }

  /** {@code h.2.W}: the lexer reads {@code .2} as a number, which the grammar takes as a name part. */
  @Override
  public Expr visitNameExpr(AdjointParser.NameExprContext ctx) {
    List<String> parts = new ArrayList<>();
    parts.add(ctx.head.getText());
    Token previous = ctx.head;
    for (AdjointParser.NameTailContext tail : ctx.tail) {
      if (tail.part != null) {
        parts.add(tail.part.getText());
      } else {
        Token index = tail.index;
        boolean adjacent = index.getStartIndex() == previous.getStopIndex() + 1;
        if (!adjacent || !index.getText().matches("\\.[0-9]+")) {
          String items = ctx.getParent() instanceof AdjointParser.ArgumentContext ? "arguments"
              : ctx.getParent() instanceof AdjointParser.TupleExprContext ? "items"
              : ctx.getParent() instanceof AdjointParser.TypeExprContext ? "dimensions" : null;
          diagnostics.error(span(index), items != null ? "missing ',' before '" + index.getText() + "'"
                  : "unexpected number '" + index.getText() + "'",
              items != null ? "separate " + items + " with ','" : "write an operator between values, e.g. h * 0.5");
        }
        parts.add(index.getText().substring(1));
      }
      previous = tail.getStop();
    }
    return new Expr.Name(parts, span(ctx));
  }

  @Override
  public Expr visitNumberExpr(AdjointParser.NumberExprContext ctx) {
    String text = ctx.value.getText();
    boolean integral = text.chars().noneMatch(c -> c == '.' || c == 'e' || c == 'E');
    return new Expr.Number(Double.parseDouble(text), integral, text, span(ctx));
  }

  @Override
  public Expr visitStringExpr(AdjointParser.StringExprContext ctx) {
    return new Expr.Text(unescape(ctx.value.getText()), span(ctx));
  }

  @Override
  public Expr visitPowerExpr(AdjointParser.PowerExprContext ctx) {
    return binary(ctx);
  }

  @Override
  public Expr visitProductExpr(AdjointParser.ProductExprContext ctx) {
    return binary(ctx);
  }

  @Override
  public Expr visitSumExpr(AdjointParser.SumExprContext ctx) {
    return binary(ctx);
  }

  @Override
  public Expr visitCompareExpr(AdjointParser.CompareExprContext ctx) {
    return binary(ctx);
  }

  @Override
  public Expr visitAndExpr(AdjointParser.AndExprContext ctx) {
    return binary(ctx);
  }

  @Override
  public Expr visitOrExpr(AdjointParser.OrExprContext ctx) {
    return binary(ctx);
  }

  @Override
  public Expr visitNotExpr(AdjointParser.NotExprContext ctx) {
    return new Expr.Not(expr(ctx.operand), span(ctx));
  }

  @Override
  public Expr visitNegateExpr(AdjointParser.NegateExprContext ctx) {
    return new Expr.Negate(expr(ctx.operand), span(ctx));
  }

  /**
   * A chain of left-associative operators, {@code x + x + ... + x}, is a parse tree as deep
   * as the chain is long: it is built from its leftmost operand up, in a loop, so that a
   * sum of thousands of terms does not overflow the stack. (Nesting that deepens the parser
   * itself, such as parentheses, is limited before parsing: see {@link NestingLimit}.)
   */
  private Expr binary(AdjointParser.ExprContext ctx) {
    List<Operation> spine = new ArrayList<>();
    AdjointParser.ExprContext e = ctx;
    for (Operation o = Operation.of(e); o != null; o = Operation.of(e)) {
      spine.add(o);
      e = o.left();
    }
    Expr result = expr(e);
    for (int i = spine.size() - 1; i >= 0; i--) {
      Operation o = spine.get(i);
      if (o.ctx() instanceof AdjointParser.CompareExprContext && o.left() instanceof AdjointParser.CompareExprContext) {
        diagnostics.error(span(o.op()), "comparisons do not chain: '" + o.op().getText()
            + "' compares the mask on its left", "write (a < b) and (b < c)");
      }
      result = new Expr.Binary(BinaryOperator.of(o.op().getText()), result, expr(o.right()), span(o.op()),
          span(o.ctx()));
    }
    return result;
  }

  /** A binary operator's parse tree node with its labelled parts. */
  private record Operation(AdjointParser.ExprContext ctx, Token op, AdjointParser.ExprContext left,
      AdjointParser.ExprContext right) {
    /** The parts of a binary operation, or null for another kind of expression. */
    static Operation of(AdjointParser.ExprContext e) {
      if (e instanceof AdjointParser.SumExprContext s) {
        return new Operation(s, s.op, s.left, s.right);
      }
      if (e instanceof AdjointParser.ProductExprContext p) {
        return new Operation(p, p.op, p.left, p.right);
      }
      if (e instanceof AdjointParser.PowerExprContext p) {
        return new Operation(p, p.op, p.left, p.right);
      }
      if (e instanceof AdjointParser.CompareExprContext c) {
        return new Operation(c, c.op, c.left, c.right);
      }
      if (e instanceof AdjointParser.AndExprContext a) {
        return new Operation(a, a.op, a.left, a.right);
      }
      if (e instanceof AdjointParser.OrExprContext o) {
        return new Operation(o, o.op, o.left, o.right);
      }
      return null;
    }
  }

  private static String unescape(String quoted) {
    String body = quoted.substring(1, quoted.length() - 1);
    StringBuilder out = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\' && i + 1 < body.length()) {
        char next = body.charAt(++i);
        out.append(switch (next) {
          case 'n' -> '\n';
          case 't' -> '\t';
          default -> next;
        });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private SourceSpan span(Token token) {
    int column = token.getCharPositionInLine() + 1;
    return new SourceSpan(file, token.getLine(), column, token.getLine(), column + Math.max(1, token.getText().length()));
  }

  private SourceSpan span(ParserRuleContext ctx) {
    Token start = ctx.getStart();
    Token stop = ctx.getStop() == null || ctx.getStop().getTokenIndex() < start.getTokenIndex() ? start : ctx.getStop();
    if (stop.getType() == dev.adjoint.grammar.AdjointLexer.NL && stop != start) {
      stop = start;
    }
    SourceSpan first = span(start);
    SourceSpan last = span(stop);
    return new SourceSpan(file, first.line(), first.column(), last.endLine(), last.endColumn());
  }
}
