package dev.adjoint.compiler.frontend.train;

import dev.adjoint.compiler.ast.Argument;
import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.frontend.ArgumentBinder;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.frontend.Checks;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.source.SourceSpan;
import dev.adjoint.runtime.data.Csv;
import dev.adjoint.runtime.data.DataException;
import dev.adjoint.runtime.text.Suggestions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * Checks a train block against its model: every setting known and given once, every
 * option call known with options of the right kind and range, data files present,
 * parameter names and groups real, metrics compatible with the outputs and targets.
 */
public final class TrainChecker {
  private static final Set<String> SETTINGS = new LinkedHashSet<>(List.of("data", "optimizer", "schedule",
      "regularize", "clip", "batch", "epochs", "seed", "shuffle", "early_stopping", "metrics", "standardize",
      "threads"));

  private final Declaration.Train train;
  private final Graph graph;
  private final Path baseDirectory;
  private final Diagnostics diagnostics;
  private final ArgumentBinder binder;
  private final BiFunction<Expr, Kind, Value> evaluate;
  private final Map<String, Declaration.Setting> settings = new LinkedHashMap<>();

  /**
   * @param evaluate evaluates an option value for a parameter kind, with the model's
   *     hyperparameters in scope; bare names become symbols where the kind takes names
   */
  public TrainChecker(Declaration.Train train, Graph graph, Path baseDirectory, Diagnostics diagnostics,
      BiFunction<Expr, Kind, Value> evaluate) {
    this.train = train;
    this.graph = graph;
    this.baseDirectory = baseDirectory;
    this.diagnostics = diagnostics;
    this.binder = new ArgumentBinder(diagnostics);
    this.evaluate = evaluate;
  }

  /** The checked configuration, or empty after reporting errors. */
  public Optional<TrainConfig> check() {
    int errorsBefore = diagnostics.errorCount();
    collectSettings();
    if (graph.loss() == null) {
      diagnostics.error(train.nameSpan(), "model '" + graph.name() + "' has no loss to train",
          "training minimizes the value the model binds to the name 'loss', e.g. loss = mse(p, y)");
    }
    Spec data = data();
    Spec split = split();
    Spec optimizer = optimizer();
    List<Spec> schedules = schedules();
    List<Spec> regularizers = specList("regularize", TrainOptions.REGULARIZERS, "regularizer");
    List<Spec> clips = specList("clip", TrainOptions.CLIPS, "clipping");
    int batch = (int) integerSetting("batch", 32, 1);
    int epochs = (int) integerSetting("epochs", 10, 1);
    long seed = integerSetting("seed", 0, 0);
    boolean shuffle = boolSetting("shuffle", true);
    int threads = (int) integerSetting("threads", 0, 1);
    List<Spec> metrics = metrics();
    Spec earlyStopping = earlyStopping(metrics, split);
    List<String> standardize = standardize();
    if (diagnostics.errorCount() > errorsBefore) {
      return Optional.empty();
    }
    return Optional.of(new TrainConfig(train.span(), baseDirectory, data, split, optimizer, schedules, regularizers,
        clips, batch, epochs, seed, shuffle, earlyStopping, metrics, standardize, threads));
  }

  private void collectSettings() {
    for (Declaration.Setting s : train.settings()) {
      if (!SETTINGS.contains(s.key())) {
        String hint = Suggestions.didYouMean(s.key(), SETTINGS);
        if (hint == null && TrainOptions.OPTIMIZERS.values().stream().anyMatch(o -> o.param(s.key()) != null)) {
          hint = "'" + s.key() + "' is an option of the optimizer: optimizer " + optimizerName() + "(" + s.key()
              + " = ...)";
        } else if (hint == null && TrainOptions.EARLY_STOPPING.param(s.key()) != null) {
          hint = "'" + s.key() + "' is an option of early stopping: early_stopping(" + s.key() + " = ...)";
        }
        diagnostics.error(s.keySpan(), "unknown setting '" + s.key() + "'",
            hint != null ? hint : "settings are: " + String.join(", ", SETTINGS));
        continue;
      }
      Declaration.Setting previous = settings.putIfAbsent(s.key(), s);
      if (previous != null) {
        diagnostics.error(s.keySpan(), "'" + s.key() + "' is set twice (first at " + previous.keySpan().line() + ":"
            + previous.keySpan().column() + ")");
      }
    }
  }

  /** The name of the optimizer this block calls, or adam when it calls none yet. */
  private String optimizerName() {
    for (Declaration.Setting s : train.settings()) {
      if (s.key().equals("optimizer") && !s.args().isEmpty()) {
        Expr value = s.args().get(0).value();
        if (value instanceof Expr.Call c) {
          return c.callee();
        }
        if (value instanceof Expr.Name n) {
          return n.joined();
        }
      }
    }
    return "adam";
  }

  // ---- data ------------------------------------------------------------------------

  private List<String> inputAndTargetNames() {
    return graph.inputs().stream().map(Node::sourceName).toList();
  }

  private Spec data() {
    Declaration.Setting s = settings.get("data");
    if (s == null) {
      diagnostics.error(train.nameSpan(), "the train block needs 'data'",
          "e.g. data csv(\"train.csv\"), split(train = 0.8, val = 0.2)");
      return null;
    }
    List<Argument> args = positionalOnly(s, 2, "data SOURCE(...), split(...)");
    if (args == null) {
      return null;
    }
    Expr.Call source = asCall(args.get(0).value(), "a data source such as csv(\"train.csv\")");
    if (source == null) {
      return null;
    }
    if (!TrainOptions.DATA_SOURCES.contains(source.callee())) {
      unknown(source, "data source", TrainOptions.DATA_SOURCES);
      return null;
    }
    Signature signature = TrainOptions.dataSource(source.callee(), inputAndTargetNames());
    Optional<Spec> spec = bindSpec(source, signature);
    if (spec.isEmpty()) {
      return null;
    }
    checkFiles(source, signature);
    if (source.callee().equals("csv")) {
      checkCsvColumns(spec.get());
      checkCsvHeader(source, spec.get());
    }
    return spec.get();
  }

  /** Every file a data source names must exist: csv's {@code path}, each file of idx and npy. */
  private void checkFiles(Expr.Call source, Signature signature) {
    List<String> fileOptions = source.callee().equals("csv") ? List.of("path") : inputAndTargetNames();
    int position = 0;
    for (Argument arg : source.args()) {
      String option = arg.isNamed() ? arg.name()
          : position < signature.params().size() ? signature.params().get(position).name() : null;
      position++;
      if (option == null || !fileOptions.contains(option) || !(arg.value() instanceof Expr.Text text)) {
        continue;
      }
      Path resolved = validPath(text.value());
      if (resolved == null) {
        diagnostics.error(text.span(), "this is not a file path: it holds a character no file name can have",
            "write the path of the data file, relative to the folder of the .nn file");
      } else if (!Files.isRegularFile(resolved)) {
        diagnostics.error(text.span(), "data file not found: \"" + text.value() + "\"", missingFileHint(text));
      }
    }
  }

  /** The path resolved against the .nn file's folder, or null when no file can have it (a NUL character). */
  private Path validPath(String path) {
    try {
      return baseDirectory.resolve(path).normalize();
    } catch (InvalidPathException notAPath) {
      return null;
    }
  }

  /**
   * A file of the same folder with a similar name, or where the path was looked for, shown
   * relative to the .nn file as the user named it (so that the message is the same on every machine).
   */
  private String missingFileHint(Expr.Text text) {
    Path given = Path.of(text.value());
    Path folder = baseDirectory.resolve(text.value()).normalize().getParent();
    if (folder != null && Files.isDirectory(folder) && given.getFileName() != null) {
      try (Stream<Path> files = Files.list(folder)) {
        List<String> names = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        String closest = Suggestions.closest(given.getFileName().toString(), names);
        if (closest != null) {
          Path parent = given.getParent();
          return "did you mean \"" + (parent == null ? closest : parent.resolve(closest).toString().replace('\\', '/'))
              + "\"?";
        }
      } catch (IOException | UncheckedIOException ignored) {
        // no suggestion then
      }
    }
    Path source = Path.of(train.span().file().name()).getParent();
    return given.isAbsolute() ? null : source == null ? "paths are relative to the folder of the .nn file"
        : "paths are relative to the folder of the .nn file: this one is "
            + source.resolve(text.value()).normalize().toString().replace('\\', '/');
  }

  private void checkCsvColumns(Spec spec) {
    List<String> given = inputAndTargetNames().stream().filter(spec::has).toList();
    long inputs = graph.inputs().stream().filter(n -> !n.attrs(Attrs.Input.class).target()).count();
    long targets = graph.inputs().size() - inputs;
    if (given.isEmpty() && (inputs != 1 || targets != 1)) {
      diagnostics.error(spec.span(), "csv() needs the columns of each input and target of this model",
          "name them, e.g. csv(\"" + spec.string("path") + "\", " + String.join(", ",
              graph.inputs().stream().map(TrainChecker::columnsExample).toList()) + ")");
      return;
    }
    List<String> missing = inputAndTargetNames().stream().filter(n -> !spec.has(n)).toList();
    if (!given.isEmpty() && !missing.isEmpty()) {
      diagnostics.error(spec.span(), "csv() names the columns of " + String.join(", ", given) + " but not of "
          + String.join(", ", missing), "name the columns of every input and target, or of none when the model has "
          + "one input and one target (the last column is then the target)");
    }
  }

  /**
   * Every column that csv() names must be in the file's header, so that {@code adjoint check}
   * finds a misspelt column, pointed at in the .nn file, before a run reads the data.
   */
  private void checkCsvHeader(Expr.Call source, Spec spec) {
    Path file = validPath(spec.string("path"));
    if (file == null || !spec.bool("header") || !Files.isRegularFile(file)) {
      return;
    }
    List<String> header;
    try {
      header = Csv.firstLine(file, spec.string("delimiter").charAt(0));
    } catch (DataException e) {
      diagnostics.error(source.span(), "cannot read the header of \"" + spec.string("path") + "\": "
          + e.getMessage());
      return;
    }
    if (header.isEmpty()) {
      return; // reading the data says the file is empty
    }
    Set<String> names = new LinkedHashSet<>(inputAndTargetNames());
    for (Argument arg : source.args()) {
      if (!arg.isNamed() || !names.contains(arg.name())) {
        continue;
      }
      List<Expr> cells = arg.value() instanceof Expr.Tuple tuple ? tuple.items() : List.of(arg.value());
      for (Expr cell : cells) {
        if (cell instanceof Expr.Text column && !header.contains(column.value())) {
          String closest = Suggestions.closest(column.value(), header);
          diagnostics.error(column.span(), "no column \"" + column.value() + "\" in \"" + spec.string("path")
              + "\"", (closest != null ? "did you mean \"" + closest + "\"? The header has: " : "the header has: ")
              + String.join(", ", header));
        }
      }
    }
  }

  /** {@code x = ("...", "...")} for an input of two features, {@code y = "..."} for one column. */
  private static String columnsExample(Node input) {
    Shape shape = input.shape();
    int width = shape.rank() == 2 ? shape.dim(1) : 1;
    if (width <= 1 || width > 3) {
      return input.sourceName() + " = " + (width <= 1 ? "\"...\"" : "(\"...\", ...)");
    }
    return input.sourceName() + " = (" + String.join(", ", Collections.nCopies(width, "\"...\"")) + ")";
  }

  private Spec split() {
    Declaration.Setting s = settings.get("data");
    Expr.Call call = null;
    if (s != null && s.args().size() == 2 && s.args().get(1).value() instanceof Expr.Call c) {
      call = c;
      if (!c.callee().equals("split")) {
        diagnostics.error(c.calleeSpan(), "the second part of 'data' is split(...), got '" + c.callee() + "'",
            "e.g. data csv(\"train.csv\"), split(train = 0.8, val = 0.2)");
        return null;
      }
    } else if (s != null && s.args().size() == 2) {
      diagnostics.error(s.args().get(1).span(), "the second part of 'data' is split(...)");
      return null;
    }
    if (call == null) {
      return splitSpec(1.0, 0.0, 0.0, train.span());
    }
    Optional<Spec> bound = bindSpec(call, TrainOptions.SPLIT);
    if (bound.isEmpty()) {
      return null;
    }
    double val = bound.get().number("val");
    double test = bound.get().number("test");
    boolean trainGiven = bound.get().has("train");
    double trainPart = trainGiven ? bound.get().number("train") : 1 - val - test;
    double total = Math.round((trainPart + val + test) * 1e9) / 1e9;
    if (trainGiven && total > 1) {
      diagnostics.error(call.span(), "split(): the parts add up to more than the whole data set: "
              + String.join(" + ", parts(trainPart, val, test)) + " = " + Checks.show(total),
          "they are fractions of the data that add up to at most 1, e.g. split(train = 0.8, val = 0.2)");
      return null;
    }
    if (trainPart <= 0) {
      diagnostics.error(call.span(), "split(): no data is left for training" + (trainGiven ? "" : ": "
              + String.join(" + ", parts(0, val, test)) + " = " + Checks.show(Math.round((val + test) * 1e9) / 1e9)),
          "e.g. split(train = 0.8, val = 0.2)");
      return null;
    }
    return splitSpec(trainPart, val, test, call.span());
  }

  private static List<String> parts(double trainPart, double val, double test) {
    List<String> out = new ArrayList<>();
    if (trainPart > 0) {
      out.add("train " + Checks.show(trainPart));
    }
    if (val > 0) {
      out.add("val " + Checks.show(val));
    }
    if (test > 0) {
      out.add("test " + Checks.show(test));
    }
    return out;
  }

  private static Spec splitSpec(double trainPart, double val, double test, SourceSpan span) {
    Map<String, Object> parts = new LinkedHashMap<>();
    parts.put("train", trainPart);
    parts.put("val", val);
    parts.put("test", test);
    return new Spec("split", parts, span);
  }

  // ---- optimization ----------------------------------------------------------------

  private Spec optimizer() {
    Declaration.Setting s = settings.get("optimizer");
    if (s == null) {
      diagnostics.error(train.nameSpan(), "the train block needs an 'optimizer'", "e.g. optimizer adam(lr = 1e-3)");
      return null;
    }
    List<Argument> args = positionalOnly(s, 1, "optimizer adam(lr = 1e-3)");
    if (args == null) {
      return null;
    }
    Expr.Call call = asCall(args.get(0).value(), "an optimizer such as adam(lr = 1e-3)");
    if (call == null) {
      return null;
    }
    Optional<Spec> spec = bindFromTable(call, TrainOptions.OPTIMIZERS, "optimizer");
    if (spec.isEmpty()) {
      return null;
    }
    if (spec.get().has("nesterov") && spec.get().bool("nesterov")
        && (spec.get().number("momentum") <= 0 || spec.get().number("dampening") != 0)) {
      diagnostics.error(call.span(), call.callee() + "(): nesterov needs momentum > 0 and dampening = 0",
          "e.g. " + call.callee() + "(lr = 0.1, momentum = 0.9, nesterov = true)");
      return null;
    }
    checkParamSelection(spec.get(), "decay_on", call);
    return spec.get();
  }

  private List<Spec> schedules() {
    List<Spec> list = specList("schedule", TrainOptions.SCHEDULES, "schedule");
    for (int i = 0; i < list.size(); i++) {
      Spec s = list.get(i);
      if (s.name().equals("warmup") && i != 0) {
        diagnostics.error(s.span(), "warmup must come first, before the schedule it leads into",
            "write: schedule " + sourceText(s.span()) + ", " + sourceText(list.get(0).span()));
      }
      if (!s.name().equals("warmup") && i > 0 && !list.get(0).name().equals("warmup")) {
        diagnostics.error(s.span(), "only one schedule can follow, after an optional warmup",
            "e.g. schedule warmup(steps = 100), cosine(over = 1000)");
      }
    }
    return list;
  }

  /** Every positional argument of a setting as a call from a table; names may repeat only once each. */
  private List<Spec> specList(String key, Map<String, Signature> table, String noun) {
    Declaration.Setting s = settings.get(key);
    List<Spec> out = new ArrayList<>();
    if (s == null) {
      return out;
    }
    Set<String> seen = new LinkedHashSet<>();
    for (Argument arg : s.args()) {
      if (arg.isNamed()) {
        diagnostics.error(arg.nameSpan(), "'" + key + "' takes calls such as " + table.keySet().iterator().next()
            + "(...), not named options");
        continue;
      }
      Expr.Call call = asCall(arg.value(), "a " + noun + " such as " + table.keySet().iterator().next() + "(...)");
      if (call == null) {
        continue;
      }
      if (!seen.add(call.callee()) && table.containsKey(call.callee())) {
        diagnostics.error(call.calleeSpan(), "'" + call.callee() + "' is given twice");
        continue;
      }
      bindFromTable(call, table, noun).ifPresent(spec -> {
        if (spec.has("on")) {
          checkParamSelection(spec, "on", call);
        }
        out.add(spec);
      });
    }
    return out;
  }

  /** Checks {@code on = (weights, "h.b")}: each a group or an existing parameter. */
  private void checkParamSelection(Spec spec, String option, Expr.Call call) {
    List<String> names = graph.params().stream().map(Node::sourceName).toList();
    for (Object item : spec.list(option)) {
      String name = (String) item;
      if (TrainOptions.PARAM_GROUPS.contains(name) || names.contains(name)) {
        continue;
      }
      List<String> candidates = new ArrayList<>(TrainOptions.PARAM_GROUPS);
      candidates.addAll(names);
      String hint = Suggestions.didYouMean(name, candidates);
      diagnostics.error(spanOfOption(call, option), call.callee() + "(): '" + name
              + "' is neither a parameter group nor a parameter of the model",
          hint != null ? hint : "groups are " + String.join(", ", TrainOptions.PARAM_GROUPS));
    }
  }

  // ---- loop settings ---------------------------------------------------------------

  private long integerSetting(String key, long fallback, long minimum) {
    Optional<Value> v = singleValue(key, Kind.INT, key + " 64");
    if (v.isEmpty()) {
      return fallback;
    }
    long n = ((Value.Int) v.get()).value();
    if (n < minimum || n > Integer.MAX_VALUE && !key.equals("seed")) {
      diagnostics.error(settings.get(key).args().get(0).span(), "'" + key + "' must be "
          + (minimum == 0 ? "zero or more" : "at least " + minimum) + ", got " + n);
      return fallback;
    }
    return n;
  }

  private boolean boolSetting(String key, boolean fallback) {
    return singleValue(key, Kind.BOOL, key + " true").map(v -> ((Value.Bool) v).value()).orElse(fallback);
  }

  /** The one value of a setting such as {@code batch 64}, checked for its kind. */
  private Optional<Value> singleValue(String key, Kind kind, String example) {
    Declaration.Setting s = settings.get(key);
    if (s == null) {
      return Optional.empty();
    }
    List<Argument> args = positionalOnly(s, 1, example);
    if (args == null || args.size() != 1) {
      if (args != null) {
        diagnostics.error(s.span(), "'" + key + "' takes one value, e.g. " + example);
      }
      return Optional.empty();
    }
    Signature signature = Signature.of(key, Parameter.required(key, kind));
    return binder.bind(signature, args, s.span(), evaluate::apply).map(b -> b.value(key));
  }

  private List<Spec> metrics() {
    List<Spec> raw = specList("metrics", TrainOptions.METRICS, "metric");
    List<Spec> out = new ArrayList<>();
    for (Spec m : raw) {
      resolveMetric(m).ifPresent(out::add);
    }
    return out;
  }

  /** Fills in which output and target a metric reads and, for accuracy, which kind it is. */
  private Optional<Spec> resolveMetric(Spec m) {
    Map<String, Object> options = new LinkedHashMap<>(m.options());
    if (m.name().equals("loss")) {
      return Optional.of(m);
    }
    List<String> outputs = new ArrayList<>(graph.outputs().keySet());
    String output = m.has("output") ? m.string("output") : outputs.isEmpty() ? null : outputs.get(0);
    if (output == null || !graph.outputs().containsKey(output)) {
      diagnostics.error(m.span(), "metric '" + m.name() + "' needs an output of the model"
          + (output == null ? "; the model declares none" : ", and it has no output '" + output + "'"),
          outputs.isEmpty() ? "declare one: output p = ..." : Suggestions.didYouMean(String.valueOf(output), outputs));
      return Optional.empty();
    }
    options.put("output", output);
    if (m.name().equals("mean")) {
      return Optional.of(new Spec(m.name(), options, m.span()));
    }
    List<String> targets = graph.inputs().stream().filter(n -> n.attrs(Attrs.Input.class).target())
        .map(Node::sourceName).toList();
    String target = m.has("target") ? m.string("target") : targets.isEmpty() ? null : targets.get(0);
    if (target == null || !targets.contains(target)) {
      diagnostics.error(m.span(), "metric '" + m.name() + "' needs a target of the model"
          + (target == null ? "; the model declares none" : ", and it has no target '" + target + "'"));
      return Optional.empty();
    }
    options.put("target", target);
    Node out = graph.outputs().get(output);
    Attrs.Input t = graph.source(target).attrs(Attrs.Input.class);
    String name = m.name();
    boolean oneScore = out.shape().rank() == 1 || out.shape().last() == 1;
    if (name.equals("accuracy")) {
      if (t.classes() > 0) {
        name = t.classes() == 2 && oneScore ? "binary_accuracy" : "multiclass_accuracy";
      } else {
        name = oneScore ? "binary_accuracy" : "multilabel_accuracy";
      }
    }
    if (name.equals("multiclass_accuracy") && (out.shape().rank() < 2 || out.shape().last() != t.classes())) {
      diagnostics.error(m.span(), "accuracy compares '" + output + "' " + out.type() + " with the " + t.classes()
          + " classes of '" + target + "': the output's last dimension must be " + t.classes());
      return Optional.empty();
    }
    if ((name.equals("mse") || name.equals("mae") || name.endsWith("_accuracy") && !name.startsWith("multiclass"))
        && !sameElements(out.shape(), t.shape())) {
      diagnostics.error(m.span(), "metric '" + m.name() + "' compares '" + output + "' " + out.type()
          + " with '" + target + "' " + graph.source(target).type() + ": their shapes differ");
      return Optional.empty();
    }
    options.put("kind", name);
    return Optional.of(new Spec(m.name(), options, m.span()));
  }

  private static boolean sameElements(Shape a, Shape b) {
    return a.equals(b) || a.equals(b.append(1)) || b.equals(a.append(1));
  }

  private Spec earlyStopping(List<Spec> metrics, Spec split) {
    Declaration.Setting s = settings.get("early_stopping");
    if (s == null) {
      return null;
    }
    Optional<BoundArgs> bound = binder.bind(TrainOptions.EARLY_STOPPING, s.args(), s.span(), evaluate::apply);
    if (bound.isEmpty()) {
      return null;
    }
    String monitor = bound.get().symbol("monitor");
    Set<String> monitors = new LinkedHashSet<>(List.of("loss", "val_loss"));
    for (Spec m : metrics) {
      monitors.add(m.name());
      monitors.add("val_" + m.name());
    }
    if (!monitors.contains(monitor)) {
      String hint = Suggestions.didYouMean(monitor, monitors);
      diagnostics.error(bound.get().span("monitor"), "early_stopping(): cannot monitor '" + monitor + "'",
          hint != null ? hint : "it can monitor: " + String.join(", ", monitors));
      return null;
    }
    if (monitor.startsWith("val_") && split != null && split.number("val") <= 0) {
      diagnostics.error(bound.get().span("monitor"), "early_stopping(): '" + monitor
          + "' needs a validation split", "add one: data ..., split(train = 0.8, val = 0.2)");
      return null;
    }
    String mode = bound.get().symbol("mode");
    if (mode.equals("auto")) {
      mode = monitor.endsWith("accuracy") ? "max" : "min";
    }
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("monitor", monitor);
    options.put("patience", (long) bound.get().integer("patience"));
    options.put("min_delta", bound.get().number("min_delta"));
    options.put("mode", mode);
    options.put("restore_best", bound.get().bool("restore_best"));
    return new Spec("early_stopping", options, s.span());
  }

  private List<String> standardize() {
    Declaration.Setting s = settings.get("standardize");
    if (s == null) {
      return List.of();
    }
    List<String> floatInputs = graph.inputs().stream()
        .filter(n -> !n.attrs(Attrs.Input.class).target() && n.dtype().isFloat()).map(Node::sourceName).toList();
    List<Argument> args = positionalOnly(s, Integer.MAX_VALUE, "standardize x");
    if (args == null) {
      return List.of();
    }
    if (args.size() == 1 && args.get(0).value() instanceof Expr.Name n && n.isSimple()
        && (n.joined().equals("true") || n.joined().equals("false"))) {
      return n.joined().equals("true") ? floatInputs : List.of();
    }
    List<String> out = new ArrayList<>();
    for (Argument arg : args) {
      if (!(arg.value() instanceof Expr.Name n) || !n.isSimple()) {
        diagnostics.error(arg.span(), "standardize takes input names or true, e.g. standardize x");
        continue;
      }
      Node source = graph.inputs().stream().filter(i -> i.sourceName().equals(n.joined())).findFirst().orElse(null);
      if (source != null && source.attrs(Attrs.Input.class).target()) {
        diagnostics.error(n.span(), "'" + n.joined() + "' is a target; standardize applies to inputs",
            "predictions are compared with targets as they are in the data");
        continue;
      }
      if (source != null && !source.dtype().isFloat()) {
        diagnostics.error(n.span(), "'" + n.joined() + "' holds integers (" + source.type()
            + "); standardize applies to floating-point inputs");
        continue;
      }
      if (!floatInputs.contains(n.joined())) {
        String hint = Suggestions.didYouMean(n.joined(), floatInputs);
        diagnostics.error(n.span(), "'" + n.joined() + "' is not a floating-point input of the model",
            hint != null ? hint : floatInputs.isEmpty() ? null : "inputs are: " + String.join(", ", floatInputs));
        continue;
      }
      out.add(n.joined());
    }
    return out;
  }

  // ---- helpers ---------------------------------------------------------------------

  /** The setting's arguments when they are all positional and at most {@code max}; else null after an error. */
  private List<Argument> positionalOnly(Declaration.Setting s, int max, String example) {
    if (s.args().isEmpty()) {
      diagnostics.error(s.keySpan(), "'" + s.key() + "' needs a value, e.g. " + example);
      return null;
    }
    for (Argument a : s.args()) {
      if (a.isNamed()) {
        diagnostics.error(a.nameSpan(), "'" + s.key() + "' takes no named options here, e.g. " + example);
        return null;
      }
    }
    if (s.args().size() > max) {
      diagnostics.error(s.args().get(max).span(), "'" + s.key() + "' takes at most " + max
          + (max == 1 ? " value" : " values") + ", e.g. " + example);
      return null;
    }
    return s.args();
  }

  private Expr.Call asCall(Expr e, String expected) {
    if (e instanceof Expr.Call c) {
      return c;
    }
    if (e instanceof Expr.Name n && n.isSimple()) {
      return new Expr.Call(n.joined(), n.span(), List.of(), n.span());
    }
    diagnostics.error(e.span(), "expected " + expected);
    return null;
  }

  private void unknown(Expr.Call call, String noun, java.util.Collection<String> known) {
    String hint = Suggestions.didYouMean(call.callee(), known);
    diagnostics.error(call.calleeSpan(), "unknown " + noun + " '" + call.callee() + "'",
        hint != null ? hint : "expected one of: " + String.join(", ", known));
  }

  private Optional<Spec> bindFromTable(Expr.Call call, Map<String, Signature> table, String noun) {
    Signature signature = table.get(call.callee());
    if (signature == null) {
      unknown(call, noun, table.keySet());
      return Optional.empty();
    }
    return bindSpec(call, signature);
  }

  private Optional<Spec> bindSpec(Expr.Call call, Signature signature) {
    return binder.bind(signature, call.args(), call.span(), evaluate::apply).map(b -> {
      Map<String, Object> options = new LinkedHashMap<>();
      for (Parameter p : signature.params()) {
        if (b.has(p.name())) {
          Object plain = Value.plain(b.value(p.name()));
          options.put(p.name(), p.kind() == Kind.NUMBER && plain instanceof Long l ? (Object) l.doubleValue() : plain);
        }
      }
      return new Spec(call.callee(), options, call.span());
    });
  }

  /** The text of a span on one line, as written. */
  private static String sourceText(SourceSpan span) {
    String line = span.file().line(span.line());
    if (span.endLine() != span.line() || span.endColumn() - 1 > line.length()) {
      return "...";
    }
    return line.substring(span.column() - 1, span.endColumn() - 1);
  }

  private static SourceSpan spanOfOption(Expr.Call call, String option) {
    for (Argument a : call.args()) {
      if (option.equals(a.name())) {
        return a.span();
      }
    }
    return call.span();
  }
}
