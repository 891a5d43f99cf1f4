package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.frontend.lib.ActivationFunctions;
import dev.adjoint.compiler.frontend.lib.AnalysisFunctions;
import dev.adjoint.compiler.frontend.lib.JoinFunctions;
import dev.adjoint.compiler.frontend.lib.ConvFunctions;
import dev.adjoint.compiler.frontend.lib.DifferentiationFunctions;
import dev.adjoint.compiler.frontend.lib.LayerFunctions;
import dev.adjoint.compiler.frontend.lib.LossFunctions;
import dev.adjoint.compiler.frontend.lib.AxisFunctions;
import dev.adjoint.compiler.frontend.lib.MathFunctions;
import dev.adjoint.compiler.frontend.lib.AttentionFunctions;
import dev.adjoint.compiler.frontend.lib.SelectionFunctions;
import dev.adjoint.compiler.frontend.lib.RecurrentFunctions;
import dev.adjoint.compiler.frontend.lib.ProductFunctions;
import dev.adjoint.compiler.frontend.lib.PoolFunctions;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every built-in function of the language by name. */
public final class BuiltinTable {
  private static final BuiltinTable STANDARD = create();

  private final Map<String, Builtin> byName = new LinkedHashMap<>();
  private java.util.Set<String> optionWords;

  private BuiltinTable() {}

  public static BuiltinTable standard() {
    return STANDARD;
  }

  /**
   * The standard built-ins and those {@code extra} adds: how a primitive defined outside the
   * standard table (an extension, or one in a test) gets its binding in the language.
   */
  public static BuiltinTable standardWith(java.util.function.Consumer<BuiltinTable> extra) {
    BuiltinTable table = create();
    extra.accept(table);
    return table;
  }

  private static BuiltinTable create() {
    BuiltinTable table = new BuiltinTable();
    MathFunctions.register(table);
    AxisFunctions.register(table);
    ProductFunctions.register(table);
    AnalysisFunctions.register(table);
    JoinFunctions.register(table);
    ActivationFunctions.register(table);
    LayerFunctions.register(table);
    PoolFunctions.register(table);
    ConvFunctions.register(table);
    LossFunctions.register(table);
    SelectionFunctions.register(table);
    RecurrentFunctions.register(table);
    DifferentiationFunctions.register(table);
    AttentionFunctions.register(table);
    return table;
  }

  public void add(Builtin builtin) {
    if (byName.putIfAbsent(builtin.name(), builtin) != null) {
      throw new IllegalStateException("built-in '" + builtin.name() + "' defined twice");
    }
  }

  /**
   * Bare names that mean an option rather than a variable: every choice of every built-in
   * option ({@code relu}, {@code mean}), the initializers, and true, false and none.
   */
  public java.util.Set<String> optionWords() {
    if (optionWords == null) {
      optionWords = java.util.Collections.unmodifiableSet(collectOptionWords());
    }
    return optionWords;
  }

  private java.util.Set<String> collectOptionWords() {
    java.util.Set<String> words = new java.util.TreeSet<>(java.util.List.of("true", "false", "none"));
    for (Builtin b : byName.values()) {
      for (Parameter p : b.signature().params()) {
        words.addAll(p.choices());
      }
    }
    words.addAll(InitSpec.names());
    return words;
  }

  public Builtin get(String name) {
    return byName.get(name);
  }

  public Collection<String> names() {
    return Collections.unmodifiableSet(byName.keySet());
  }

  public Collection<Builtin> all() {
    return Collections.unmodifiableCollection(byName.values());
  }
}
