package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.ast.Argument;
import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.ast.Program;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.frontend.trainblock.TrainChecker;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.settings.TrainConfig;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.syntax.SyntaxParser;
import dev.adjoint.runtime.text.Suggestions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The front end in one call: .nn text to checked forward graphs and train configurations,
 * or to diagnostics. Hyperparameters come from the model's defaults, then its train
 * block's overrides, then the command line's {@code --set}.
 */
public final class Frontend {
  private final BuiltinTable builtins;
  private final DataPresence data;

  private Frontend(BuiltinTable builtins, DataPresence data) {
    this.builtins = builtins;
    this.data = data;
  }

  /** Compiles with the train block's data files optional ({@link DataPresence#OPTIONAL}). */
  public static Compilation compile(SourceFile file) {
    return compile(file, List.of());
  }

  /**
   * Compiles with {@code --set name=value} overrides applied to every model that declares the
   * name; the data files are optional, as for checking and compiling.
   */
  public static Compilation compile(SourceFile file, List<String> sets) {
    return compile(file, sets, DataPresence.OPTIONAL);
  }

  /** As {@link #compile(SourceFile, List)}, the data files required or not. */
  public static Compilation compile(SourceFile file, List<String> sets, DataPresence data) {
    return new Frontend(BuiltinTable.standard(), data).run(file, sets);
  }

  /** As {@link #compile(SourceFile, List)} with the given built-in functions. */
  public static Compilation compile(SourceFile file, List<String> sets, BuiltinTable builtins) {
    return new Frontend(builtins, DataPresence.OPTIONAL).run(file, sets);
  }

  private Compilation run(SourceFile file, List<String> sets) {
    Diagnostics diagnostics = new Diagnostics();
    List<HyperOverride> commandLine = CommandLineSets.parse(sets, diagnostics);
    Optional<Program> parsed = SyntaxParser.parse(file, diagnostics);
    if (parsed.isEmpty()) {
      return new Compilation(file, List.of(), diagnostics);
    }
    Program program = parsed.get();
    Map<String, Declaration.Model> models = new LinkedHashMap<>();
    Map<String, Declaration.Def> defs = new LinkedHashMap<>();
    Map<String, Declaration.Train> trains = new LinkedHashMap<>();
    declarations(program, models, defs, trains, diagnostics);
    checkCommandLineNames(file, commandLine, models, diagnostics);
    Path base = file.path() == null || file.path().toAbsolutePath().getParent() == null
        ? Path.of("").toAbsolutePath() : file.path().toAbsolutePath().getParent();
    List<ModelUnit> units = new ArrayList<>();
    for (Declaration.Model model : models.values()) {
      Declaration.Train train = trains.get(model.name());
      List<HyperOverride> overrides = new ArrayList<>(train == null ? List.of() : trainOverrides(train, model,
          diagnostics));
      commandLine.stream().filter(o -> declares(model, o.name())).forEach(overrides::add);
      Optional<Map<String, Value>> hyper = HyperParameters.resolve(model, overrides,
          (e, scope) -> ModelElaborator.evaluateConstant(model, e, scope, builtins, diagnostics), diagnostics);
      if (hyper.isEmpty()) {
        continue;
      }
      Optional<Graph> graph = new ModelElaborator(model, hyper.get(), defs, builtins, diagnostics).elaborate();
      if (graph.isEmpty()) {
        continue;
      }
      ConstantWarnings.check(graph.get(), diagnostics);
      TrainConfig config = null;
      if (train != null) {
        config = new TrainChecker(train, graph.get(), base, data, diagnostics,
            (e, kind) -> trainValue(model, e, kind, hyper.get(), diagnostics)).check().orElse(null);
      }
      List<String> applied = sets.stream().filter(set -> set.indexOf('=') > 0
          && declares(model, set.substring(0, set.indexOf('=')).trim())).toList();
      units.add(new ModelUnit(model, graph.get(), config, applied));
    }
    return new Compilation(file, diagnostics.hasErrors() ? List.of() : units, diagnostics);
  }

  private void declarations(Program program, Map<String, Declaration.Model> models,
      Map<String, Declaration.Def> defs, Map<String, Declaration.Train> trains, Diagnostics diagnostics) {
    for (Declaration d : program.declarations()) {
      if (d instanceof Declaration.Model m) {
        unique(models, m, "model", diagnostics);
      } else if (d instanceof Declaration.Def def) {
        if (builtins.get(def.name()) != null) {
          diagnostics.error(def.nameSpan(), "def '" + def.name() + "' would hide the built-in function of that name",
              "choose another name");
          continue;
        }
        checkDefParams(def, diagnostics);
        unique(defs, def, "def", diagnostics);
      }
    }
    for (Declaration.Train t : program.trains()) {
      if (!models.containsKey(t.name())) {
        String hint = Suggestions.didYouMean(t.name(), models.keySet());
        diagnostics.error(t.nameSpan(), "train block for unknown model '" + t.name() + "'",
            hint != null ? hint : models.isEmpty() ? "declare the model first: model " + t.name() + " { ... }"
                : "models in this file: " + String.join(", ", models.keySet()));
        continue;
      }
      Declaration.Train previous = trains.putIfAbsent(t.name(), t);
      if (previous != null) {
        diagnostics.error(t.nameSpan(), "model '" + t.name() + "' already has a train block at "
            + previous.nameSpan().line() + ":" + previous.nameSpan().column(), "a model has one train block: merge"
            + " their settings, or train a copy of the model under another name");
      }
    }
  }

  private static <D extends Declaration> void unique(Map<String, D> seen, D d, String what, Diagnostics diagnostics) {
    D previous = seen.putIfAbsent(d.name(), d);
    if (previous != null) {
      diagnostics.error(d.nameSpan(), what + " '" + d.name() + "' is already declared at "
          + previous.nameSpan().line() + ":" + previous.nameSpan().column(), "give one of them another name");
    }
  }

  private static void checkDefParams(Declaration.Def def, Diagnostics diagnostics) {
    List<String> names = new ArrayList<>();
    boolean sawDefault = false;
    for (Declaration.Binding p : def.params()) {
      if (names.contains(p.name())) {
        diagnostics.error(p.nameSpan(), "parameter '" + p.name() + "' appears twice in def '" + def.name() + "'");
      }
      names.add(p.name());
      if (p.value() != null) {
        sawDefault = true;
      } else if (sawDefault) {
        diagnostics.error(p.nameSpan(), "parameter '" + p.name() + "' without a default follows one with a default",
            "put parameters with defaults last");
      }
    }
  }

  private List<HyperOverride> trainOverrides(Declaration.Train train, Declaration.Model model, Diagnostics diagnostics) {
    List<HyperOverride> out = new ArrayList<>();
    int position = -1;
    for (Argument a : train.overrides()) {
      position++;
      if (!a.isNamed()) {
        String example = position < model.hyperparameters().size()
            ? model.hyperparameters().get(position).name() : "name";
        diagnostics.error(a.span(), "hyperparameter overrides are named",
            model.hyperparameters().isEmpty() ? "model '" + model.name() + "' declares no hyperparameters"
                : "write train " + train.name() + "(" + example + " = " + sourceText(a.value().span()) + ") { ... }");
        continue;
      }
      Value v = constantOrSymbol(model, a.value(), Map.of(), diagnostics);
      if (!(v instanceof Value.Poison)) {
        out.add(new HyperOverride(a.name(), a.nameSpan(), v, a.value().span()));
      }
    }
    return out;
  }

  /** The text of a span on one line, as written. */
  private static String sourceText(dev.adjoint.compiler.source.SourceSpan span) {
    String line = span.file().line(span.line());
    if (span.endLine() != span.line() || span.endColumn() - 1 > line.length()) {
      return "...";
    }
    return line.substring(span.column() - 1, span.endColumn() - 1);
  }

  /** A constant value where a bare name reads as a symbol, as option values do. */
  private Value constantOrSymbol(Declaration.Model model, Expr e, Map<String, Value> scope, Diagnostics diagnostics) {
    if (e instanceof Expr.Name n && n.isSimple() && !scope.containsKey(n.joined())) {
      return new Value.Symbol(n.joined());
    }
    return ModelElaborator.evaluateConstant(model, e, scope, builtins, diagnostics);
  }

  private Value trainValue(Declaration.Model model, Expr e, Kind kind, Map<String, Value> hyper,
      Diagnostics diagnostics) {
    if (kind == Kind.SYMBOL || kind == Kind.NAMES) {
      if (e instanceof Expr.Name n) {
        return new Value.Symbol(n.joined());
      }
      if (e instanceof Expr.Tuple t && kind == Kind.NAMES) {
        List<Value> items = new ArrayList<>();
        for (Expr item : t.items()) {
          items.add(trainValue(model, item, kind, hyper, diagnostics));
        }
        return new Value.Tuple(items);
      }
    }
    return ModelElaborator.evaluateConstant(model, e, hyper, builtins, diagnostics);
  }

  private static boolean declares(Declaration.Model model, String name) {
    return model.hyperparameters().stream().anyMatch(h -> h.name().equals(name));
  }

  private static void checkCommandLineNames(SourceFile file, List<HyperOverride> sets,
      Map<String, Declaration.Model> models, Diagnostics diagnostics) {
    for (HyperOverride o : sets) {
      if (models.values().stream().noneMatch(m -> declares(m, o.name()))) {
        List<String> all = models.values().stream().flatMap(m -> m.hyperparameters().stream())
            .map(Declaration.Binding::name).distinct().toList();
        String hint = Suggestions.didYouMean(o.name(), all);
        diagnostics.error(o.nameSpan(), "no model in " + file.name() + " has a hyperparameter '" + o.name() + "'",
            hint != null ? hint : all.isEmpty() ? "the models declare no hyperparameters"
                : "hyperparameters: " + String.join(", ", all));
      }
    }
  }
}
