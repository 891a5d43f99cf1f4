package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.ast.TypeExpr;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeException;
import dev.adjoint.compiler.ir.ShapeRules;
import dev.adjoint.compiler.ir.TensorType;
import dev.adjoint.runtime.text.Suggestions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** A declared type resolved: {@code f32[B, 784]}, or a class target {@code class[B] of 10}. */
record DeclaredType(ScalarType dtype, Shape shape, int classes, List<String> classNames) {

  /** Where a type is declared; each place has its own rules. */
  enum Use {
    INPUT, TARGET, PARAM
  }

  private static final List<String> DTYPES = List.of("f32", "f64", "i32", "class");
  /** Type names of other languages and libraries, and what Adjoint calls them. */
  private static final Map<String, String> DTYPE_ALIASES = Map.of("float", "f32", "float32", "f32",
      "double", "f64", "float64", "f64", "int", "i32", "int32", "i32", "long", "i32", "int64", "i32");

  static Optional<DeclaredType> resolve(TypeExpr type, Use use, Function<Expr, Value> evaluate, Diagnostics diagnostics) {
    String dtypeText = type.dtype();
    if (!DTYPES.contains(dtypeText)) {
      String hint = DTYPE_ALIASES.containsKey(dtypeText) ? "did you mean '" + DTYPE_ALIASES.get(dtypeText) + "'?"
          : Suggestions.didYouMean(dtypeText, DTYPES);
      diagnostics.error(type.dtypeSpan(), "unknown type '" + dtypeText + "'",
          hint != null ? hint : "expected f32, f64, i32 or class");
      return Optional.empty();
    }
    boolean isClass = dtypeText.equals("class");
    if (isClass && use != Use.TARGET) {
      diagnostics.error(type.dtypeSpan(), "class types are for targets",
          use == Use.INPUT ? "declare integer inputs as i32[...]" : "declare the parameter as f32[...]");
      return Optional.empty();
    }
    if (use == Use.PARAM && dtypeText.equals("i32")) {
      diagnostics.error(type.dtypeSpan(), "a parameter must be floating point, got i32",
          "parameters are trained by their gradients; declare it as f32[...] or f64[...]");
      return Optional.empty();
    }
    if (!isClass && type.classes() != null) {
      diagnostics.error(type.classes().span(), "only class targets take 'of'",
          use == Use.TARGET ? "for class indices, declare the target as class[B] of N" : "remove 'of ...'");
      return Optional.empty();
    }
    if (isClass && type.classes() == null) {
      diagnostics.error(type.span(), "a class target needs its classes",
          "write class[B] of 10, or class[B] of (\"en\", \"fr\") to name them");
      return Optional.empty();
    }
    Optional<Shape> shape = shape(type, use, evaluate, diagnostics);
    if (shape.isEmpty()) {
      return Optional.empty();
    }
    try {
      ShapeRules.checkSize(new TensorType(isClass ? ScalarType.I32 : ScalarType.parse(dtypeText), shape.get()));
    } catch (ShapeException tooLarge) {
      diagnostics.error(type.span(), tooLarge.getMessage(), tooLarge.hint());
      return Optional.empty();
    }
    if (!isClass) {
      return Optional.of(new DeclaredType(ScalarType.parse(dtypeText), shape.get(), 0, List.of()));
    }
    return classes(type.classes(), evaluate, diagnostics)
        .map(c -> new DeclaredType(ScalarType.I32, shape.get(), c.count(), c.names()));
  }

  /** A class count and, when given, the class names (empty otherwise). */
  private record Classes(int count, List<String> names) {}

  private static Optional<Classes> classes(Expr expr, Function<Expr, Value> evaluate, Diagnostics diagnostics) {
    Value v = evaluate.apply(expr);
    if (v instanceof Value.Poison) {
      return Optional.empty();
    }
    if (v instanceof Value.Int n) {
      if (n.value() < 2) {
        diagnostics.error(expr.span(), "a class target needs at least 2 classes, got " + n.value(),
            "a yes/no target has 2 classes: class[B] of 2");
        return Optional.empty();
      }
      if (n.value() > 10_000_000) {
        diagnostics.error(expr.span(), "a class target can have at most 10000000 classes, got " + n.value());
        return Optional.empty();
      }
      return Optional.of(new Classes((int) n.value(), List.of()));
    }
    if (v instanceof Value.Tuple t && t.items().stream().allMatch(i -> i instanceof Value.Text)) {
      List<String> names = t.items().stream().map(i -> ((Value.Text) i).value()).toList();
      if (names.size() < 2) {
        diagnostics.error(expr.span(), "a class target needs at least 2 classes, got " + names.size());
        return Optional.empty();
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < names.size(); i++) {
        if (!seen.add(names.get(i))) {
          Expr item = expr instanceof Expr.Tuple tuple ? tuple.items().get(i) : expr;
          diagnostics.error(item.span(), "class \"" + names.get(i) + "\" is listed twice",
              "class names must be distinct");
          return Optional.empty();
        }
      }
      return Optional.of(new Classes(names.size(), names));
    }
    diagnostics.error(expr.span(), "the classes of a target are a count or a tuple of names, got " + v.describe(),
        "write class[B] of 10, or class[B] of (\"en\", \"fr\")");
    return Optional.empty();
  }

  private static Optional<Shape> shape(TypeExpr type, Use use, Function<Expr, Value> evaluate,
      Diagnostics diagnostics) {
    List<Integer> dims = new ArrayList<>();
    boolean ok = true;
    for (int axis = 0; axis < type.dims().size(); axis++) {
      Expr dim = type.dims().get(axis);
      if (dim instanceof Expr.Name n && n.isSimple() && n.joined().equals("B")) {
        if (use == Use.PARAM) {
          diagnostics.error(dim.span(), "a parameter's shape cannot contain the batch dimension B",
              "parameters have the same shape for every batch");
          ok = false;
        } else if (axis != 0) {
          diagnostics.error(dim.span(), "the batch dimension B must come first",
              "data is fed in batches along the first dimension, e.g. f32[B, 784]");
          ok = false;
        }
        dims.add(Shape.BATCH);
        continue;
      }
      Value v = evaluate.apply(dim);
      if (v instanceof Value.Poison) {
        ok = false;
        continue;
      }
      long size = v instanceof Value.Int i ? i.value()
          : v instanceof Value.Real r && r.value() == Math.rint(r.value()) ? (long) r.value() : -1;
      if (size < 1 || size > Integer.MAX_VALUE) {
        diagnostics.error(dim.span(), "a dimension must be a positive integer, got " + v.describe());
        ok = false;
        continue;
      }
      dims.add((int) size);
    }
    if (!ok) {
      return Optional.empty();
    }
    if (use != Use.PARAM && (dims.isEmpty() || dims.get(0) != Shape.BATCH)) {
      diagnostics.error(type.span(), "the first dimension of " + (use == Use.TARGET ? "a target" : "an input")
              + " must be the batch dimension B",
          "data is fed in batches, e.g. " + type.dtype() + "[B" + (dims.isEmpty() ? "" : ", ")
              + String.join(", ", dims.stream().map(String::valueOf).toList()) + "]");
      return Optional.empty();
    }
    return Optional.of(Shape.of(dims));
  }
}
