package dev.adjoint.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.ast.Argument;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.diag.Diagnostic;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.source.SourceSpan;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The binder on its own: arguments are placeholders whose values the test chooses, so each
 * rule (positions, names, synonyms, kinds, 32-bit integers, choices, shapes) is pinned by
 * the value it accepts at its edge and the message it gives just past it.
 */
class ArgumentBinderTest {
  private static final SourceSpan AT = SourceSpan.synthetic("test");

  private final Map<Expr, Value> values = new IdentityHashMap<>();
  private final Diagnostics diagnostics = new Diagnostics();

  private Argument arg(Value v) {
    Expr e = new Expr.Text("placeholder", AT);
    values.put(e, v);
    return new Argument(null, null, e);
  }

  private Argument named(String name, Value v) {
    Argument a = arg(v);
    return new Argument(name, AT, a.value());
  }

  private Optional<BoundArgs> bind(Signature signature, Argument... args) {
    return new ArgumentBinder(diagnostics).bind(signature, List.of(args), AT, (expr, kind) -> values.get(expr));
  }

  private Value bound(Signature signature, String name, Argument... args) {
    Optional<BoundArgs> b = bind(signature, args);
    assertTrue(b.isPresent(), messages().toString());
    return b.get().value(name);
  }

  /** The one error the call gave: its message and hint. */
  private String error(Signature signature, Argument... args) {
    assertFalse(bind(signature, args).isPresent(), "bound without an error");
    List<String> all = messages();
    assertEquals(1, all.size(), all.toString());
    return all.get(0);
  }

  private List<String> messages() {
    List<String> out = new ArrayList<>();
    for (Diagnostic d : diagnostics.all()) {
      out.add(d.message() + (d.hint() == null ? "" : " | " + d.hint()));
    }
    return out;
  }

  private static Value.Int i(long v) {
    return new Value.Int(v);
  }

  private static Value.Tuple tuple(Value... items) {
    return new Value.Tuple(List.of(items));
  }

  private static final Signature TWO = Signature.of("f", Parameter.required("a", Kind.INT),
      Parameter.of("b", Kind.INT, i(2)));

  @Test
  void asManyPositionalArgumentsAsParametersAndNoMore() {
    assertEquals(i(5), bound(TWO, "b", arg(i(1)), arg(i(5))));
    assertEquals("f() takes at most 2 arguments, got 3 | it takes f(a, b = 2)",
        error(TWO, arg(i(1)), arg(i(5)), arg(i(6))));
  }

  @Test
  void oneParameterIsOneArgument() {
    Signature one = Signature.of("g", Parameter.required("a", Kind.INT));
    assertEquals("g() takes at most 1 argument, got 2 | it takes g(a)", error(one, arg(i(1)), arg(i(2))));
  }

  @Test
  void anOptionOfAnotherLibraryIsNamedWithItsAdjointName() {
    Signature sgd = Signature.of("sgd", Parameter.of("lr", Kind.NUMBER, new Value.Real(0.01)));
    assertEquals("sgd() has no option 'learning_rate' | it is called 'lr' here: lr = ...",
        error(sgd, named("learning_rate", new Value.Real(0.1))));
  }

  @Test
  void aSynonymOfAnOptionTheFunctionLacksIsNoHint() {
    assertEquals("f() has no option 'learning_rate' | it takes f(a, b = 2)",
        error(TWO, arg(i(1)), named("learning_rate", new Value.Real(0.1))));
  }

  @Test
  void aCloseNameIsSuggestedBeforeASynonym() {
    Signature s = Signature.of("h", Parameter.of("rates", Kind.NUMBER, new Value.Real(1)),
        Parameter.of("p", Kind.NUMBER, new Value.Real(0.5)));
    assertEquals("h() has no option 'rate' | did you mean 'rates'?", error(s, named("rate", new Value.Real(0.2))));
  }

  @Test
  void noneLeavesAnOptionalParameterOutButIsANameForASymbolParameter() {
    Signature s = Signature.of("k", Parameter.optional("axis", Kind.INTS), Parameter.optional("act", Kind.SYMBOL));
    BoundArgs b = bind(s, named("axis", new Value.Symbol("none")), named("act", new Value.Symbol("none"))).get();
    assertFalse(b.has("axis") || b.given("axis"), "none: as if not written");
    assertEquals(new Value.Symbol("none"), b.value("act"));
    String notOptional = error(TWO, arg(i(1)), arg(new Value.Symbol("none")));
    assertTrue(notOptional.startsWith("f(): 'b' must be an integer, got ") && notOptional.endsWith("| it takes f(a, b = 2)"),
        notOptional);
  }

  @Test
  void aSettingIsNamedAloneAndGetsNoUsageHint() {
    Signature batch = Signature.of("batch", Parameter.required("batch", Kind.INT));
    String message = error(batch, arg(new Value.Real(0.5)));
    assertTrue(message.startsWith("'batch' must be an integer, got "), message);
    assertFalse(message.contains("|"), message);
    assertEquals(i(3_000_000_000L), bound(Signature.of("batch", Parameter.required("batch", Kind.INT)), "batch",
        arg(i(3_000_000_000L))), "a setting's range is checked where the setting is read");
  }

  @Test
  void aFunctionNameIsToBeCalled() {
    assertTrue(error(TWO, arg(new Value.Symbol("relu"))).endsWith("| 'relu' is a function: call it as relu(...)"));
  }

  @Test
  void aQuotedNumberIsAskedForWithoutQuotes() {
    Signature s = Signature.of("m", Parameter.required("n", Kind.NUMBER));
    assertTrue(error(s, arg(new Value.Text(" 1e-3 "))).endsWith("| write the number without quotes: 1e-3"));
  }

  @Test
  void aQuotedWordGetsTheUsage() {
    Signature s = Signature.of("m", Parameter.required("n", Kind.INT));
    assertTrue(error(s, arg(new Value.Text("ten"))).endsWith("| it takes m(n)"));
  }

  @Test
  void integersMustFitThirtyTwoBits() {
    assertEquals(i(Integer.MAX_VALUE), bound(TWO, "a", arg(i(Integer.MAX_VALUE))));
    assertEquals(i(Integer.MIN_VALUE), bound(TWO, "a", arg(i(Integer.MIN_VALUE))));
    assertEquals("f(): 'a' must be at most 2147483647, got 2147483648", error(TWO, arg(i(1L << 31))));
  }

  @Test
  void integersMustFitThirtyTwoBitsBelowZero() {
    assertEquals("f(): 'a' must be at least -2147483648, got -2147483649", error(TWO, arg(i(-(1L << 31) - 1))));
  }

  @Test
  void everyIntegerOfATupleMustFit() {
    Signature s = Signature.of("r", Parameter.required("axes", Kind.INTS));
    assertEquals(tuple(i(1), i(2)), bound(s, "axes", arg(tuple(i(1), i(2)))));
    assertEquals("r(): 'axes' must be at most 2147483647, got (1, 4294967296, -4294967296)",
        error(s, arg(tuple(i(1), i(1L << 32), i(-(1L << 32))))));
  }

  @Test
  void aTupleOfIntegersHoldsOnlyIntegers() {
    Signature s = Signature.of("r", Parameter.required("axes", Kind.INTS));
    assertTrue(error(s, arg(tuple(i(1), new Value.Real(2.5)))).startsWith("r(): 'axes' must be an integer or a tuple"));
  }

  @Test
  void anUnknownChoiceIsSuggestedOrListed() {
    Signature s = Signature.of("d", Parameter.choice("act", "activation", "relu", List.of("relu", "tanh")));
    assertEquals("d(): unknown activation 'rellu' | did you mean 'relu'?", error(s, arg(new Value.Symbol("rellu"))));
  }

  @Test
  void anUnknownChoiceFarFromAllIsListed() {
    Signature s = Signature.of("d", Parameter.choice("act", null, "relu", List.of("relu", "tanh")));
    assertEquals("d(): unknown value 'softplus' | expected one of: relu, tanh",
        error(s, arg(new Value.Symbol("softplus"))));
  }

  @Test
  void trueAndFalseAreBooleansAndOtherNamesAreNot() {
    Signature s = Signature.of("b", Parameter.required("bias", Kind.BOOL));
    assertEquals(new Value.Bool(true), bound(s, "bias", arg(new Value.Symbol("true"))));
    assertEquals(new Value.Bool(false), bound(s, "bias", arg(new Value.Symbol("false"))));
    assertTrue(error(s, arg(new Value.Symbol("yes"))).startsWith("b(): 'bias' must be true or false"));
  }

  @Test
  void namesAreNamesOrStringsAndColumnsOnlyStrings() {
    Signature names = Signature.of("n", Parameter.required("on", Kind.NAMES));
    Value mixed = tuple(new Value.Symbol("weights"), new Value.Text("h.b"));
    assertEquals(mixed, bound(names, "on", arg(mixed)));
    assertTrue(error(names, arg(tuple(new Value.Symbol("w"), i(1)))).startsWith("n(): 'on' must be a name, a string"));
  }

  @Test
  void columnsAreStrings() {
    Signature columns = Signature.of("c", Parameter.required("x", Kind.COLUMNS));
    Value two = tuple(new Value.Text("a"), new Value.Text("b"));
    assertEquals(two, bound(columns, "x", arg(two)));
    assertTrue(error(columns, arg(tuple(new Value.Text("a"), new Value.Symbol("b"))))
        .startsWith("c(): 'x' must be a column name or a tuple of column names"));
  }

  @Test
  void aShapeHoldsSizesAndOneB() {
    Signature s = Signature.of("reshape", Parameter.required("shape", Kind.SHAPE));
    assertEquals(tuple(i(4)), bound(s, "shape", arg(i(4))), "one size is a shape of one axis");
    Value withB = tuple(new Value.Symbol("B"), i(-1));
    assertEquals(withB, bound(s, "shape", arg(withB)));
    assertEquals("reshape(): 'shape' can contain the batch dimension B only once, got (B, B, 3) | the other sizes are "
        + "numbers; one of them may be -1 to be inferred",
        error(s, arg(tuple(new Value.Symbol("B"), new Value.Symbol("B"), i(3)))));
  }

  @Test
  void aShapeNamesNoOtherAxis() {
    Signature s = Signature.of("reshape", Parameter.required("shape", Kind.SHAPE));
    assertTrue(error(s, arg(tuple(new Value.Symbol("B"), new Value.Symbol("C")))).startsWith(
        "reshape(): 'shape' must be a shape such as (B, 28, 28)"));
  }

  @Test
  void aSpecIsABareNameOrACallNotEvaluated() {
    Signature s = Signature.of("optimizer", Parameter.required("optimizer", Kind.SPEC));
    BoundArgs bare = new ArgumentBinder(diagnostics).bind(s,
        List.of(new Argument(null, null, new Expr.Name(List.of("adam"), AT))), AT, (e, k) -> null).get();
    assertEquals(new Value.Symbol("adam"), bare.value("optimizer"));
    BoundArgs call = new ArgumentBinder(diagnostics).bind(s,
        List.of(new Argument(null, null, new Expr.Call("sgd", AT, List.of(), AT))), AT, (e, k) -> null).get();
    assertEquals(new Value.Symbol("sgd"), call.value("optimizer"));
    assertFalse(new ArgumentBinder(diagnostics).bind(s,
        List.of(new Argument(null, null, new Expr.Name(List.of("h", "W"), AT))), AT, (e, k) -> null).isPresent());
    assertEquals(List.of("optimizer(): 'optimizer' must be a call such as name(option = value)"), messages());
  }
}
