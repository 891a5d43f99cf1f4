package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.ast.Statement;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Init;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.ParamRole;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeException;
import dev.adjoint.compiler.source.SourceSpan;
import dev.adjoint.runtime.text.Suggestions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a model's body at compile time and builds its forward graph: binds names, inlines
 * defs, unrolls repeats, checks types and shapes, names parameters after the layers that
 * create them, and reports every error it can find in one pass.
 */
final class ModelElaborator {
  private static final int MAX_REPEAT = 10_000;
  /** The most graph nodes a model may unroll to: far beyond real models, far within memory and compile time. */
  static final long MAX_NODES = 2_000_000;
  /** The most def calls active at once, one inside another: each deepens the elaborator's recursion. */
  static final int MAX_DEF_DEPTH = 64;

  private final Declaration.Model model;
  private final Map<String, Value> hyperparameters;
  private final Map<String, Declaration.Def> defs;
  private final BuiltinTable builtins;
  private final Diagnostics diagnostics;
  private final ArgumentBinder binder;
  private final Graph.Builder graph;
  private final NodeBuilder root;
  private final Map<String, SourceSpan> sourceNames = new LinkedHashMap<>();
  private final Map<String, Node> params = new LinkedHashMap<>();
  private final Map<String, Node> outputs = new LinkedHashMap<>();
  private final Map<String, SourceSpan> outputSpans = new LinkedHashMap<>();
  private final Set<SourceSpan> collisions = new LinkedHashSet<>();
  private final Deque<String> activeDefs = new ArrayDeque<>();
  /** The repeats and def calls being unrolled, outermost first: "unrolling this repeat" and where. */
  private final List<Map.Entry<String, SourceSpan>> unrolling = new ArrayList<>();
  /** The parameters created so far, in order (a looped repeat's stacked ones in place of its layers'). */
  private final List<Node> createdParams = new ArrayList<>();
  /** States and state updates created so far: a repeat that creates any stays unrolled. */
  private int statesCreated;
  /** How many repeats are running, one inside another: only the outermost may become a loop. */
  private int repeatNesting;
  private StatementScope currentStatement;
  /** True when evaluating a hyperparameter default or a train option, where the body's names are not visible. */
  private boolean constantOnly;

  ModelElaborator(Declaration.Model model, Map<String, Value> hyperparameters, Map<String, Declaration.Def> defs,
      BuiltinTable builtins, Diagnostics diagnostics) {
    this.model = model;
    this.hyperparameters = hyperparameters;
    this.defs = defs;
    this.builtins = builtins;
    this.diagnostics = diagnostics;
    this.binder = new ArgumentBinder(diagnostics);
    this.graph = Graph.builder(model.name(), model.span());
    this.root = NodeBuilder.start(model.span(), 0);
    hyperparameters.forEach((k, v) -> {
      if (!(v instanceof Value.Poison)) { // an erroneous default, reported where it is declared
        graph.hyperparameter(k, Value.plain(v));
      }
    });
  }

  /**
   * Evaluates a constant expression (a hyperparameter default or override, a train-block
   * value) with {@code scope} as the visible hyperparameters.
   */
  static Value evaluateConstant(Declaration.Model model, Expr expr, Map<String, Value> scope, BuiltinTable builtins,
      Diagnostics diagnostics) {
    ModelElaborator elaborator = new ModelElaborator(model, scope, Map.of(), builtins, diagnostics);
    elaborator.constantOnly = true;
    return elaborator.evaluate(elaborator.new Frame(null, null, true), expr);
  }

  /** The forward graph, or empty if the body has errors (all reported). */
  Optional<Graph> elaborate() {
    int errorsBefore = diagnostics.errorCount();
    Frame frame = new Frame(null, null, true);
    try {
      run(frame, model.body());
    } catch (TooLarge reported) {
      return Optional.empty();
    }
    Value loss = frame.locals.get("loss");
    if (loss != null) {
      setLoss(loss, frame.boundAt.get("loss"));
    }
    if (diagnostics.errorCount() > errorsBefore) {
      return Optional.empty();
    }
    return Optional.of(graph.build());
  }

  private void setLoss(Value loss, SourceSpan at) {
    if (loss instanceof Value.Poison) {
      return;
    }
    if (!(loss instanceof Value.Tensor t)) {
      diagnostics.error(at, "the loss must be a tensor, got " + loss.describe(),
          loss instanceof Value.Symbol s && builtins.get(s.name()) != null
              ? "'" + s.name() + "' is a function: call it, e.g. loss = " + s.name() + "(p, y)"
              : "compute it from the model's outputs and targets, e.g. loss = mse(p, y)");
      return;
    }
    Node node = t.node();
    if (!node.dtype().isFloat()) {
      diagnostics.error(at, "the loss must be floating point, got " + node.type());
    } else if (!node.shape().isScalar()) {
      diagnostics.error(at, "the loss must be a scalar, got " + node.type(),
          "reduce it to one number, e.g. loss = mean(...) or pass reduction = mean");
    } else {
      IndexGradients.check(node, diagnostics);
      graph.loss(node);
    }
  }

  // ---- statements ------------------------------------------------------------------

  private void run(Frame frame, List<Statement> body) {
    for (Statement s : body) {
      if (frame.returned != null) {
        diagnostics.error(s.span(), "this statement comes after 'return' and would never run",
            "move 'return' to the end of the def");
        return;
      }
      StatementScope saved = currentStatement;
      try {
        execute(frame, s);
      } finally {
        currentStatement = saved;
      }
      if (root.nodesBuilt() > MAX_NODES) {
        tooLarge(s.span());
      }
    }
  }

  /** Stops elaboration: the model has grown past {@link #MAX_NODES}; reported at the outermost repeat or def call. */
  private void tooLarge(SourceSpan statement) {
    Map.Entry<String, SourceSpan> at = unrolling.isEmpty() ? Map.entry("running this statement", statement)
        : unrolling.get(0);
    diagnostics.error(at.getValue(), "the model grows past " + String.format("%,d", MAX_NODES) + " graph nodes"
        + " while " + at.getKey(),
        "repeats and def calls are unrolled at compile time, every iteration adding its own nodes: use fewer"
            + " iterations or fewer repeats inside repeats");
    throw new TooLarge();
  }

  /** Unwinds the elaborator once a model is too large; its diagnostic is already reported. */
  private static final class TooLarge extends RuntimeException {
    TooLarge() {
      super(null, null, false, false);
    }
  }

  private void execute(Frame frame, Statement statement) {
    if (statement instanceof Statement.Input s) {
      declareInput(frame, s);
    } else if (statement instanceof Statement.Param s) {
      declareParam(frame, s);
    } else if (statement instanceof Statement.Assign s) {
      assign(frame, s);
    } else if (statement instanceof Statement.Unpack s) {
      unpack(frame, s);
    } else if (statement instanceof Statement.Repeat s) {
      repeat(frame, s);
    } else if (statement instanceof Statement.Return s) {
      if (frame.isModel) {
        diagnostics.error(s.span(), "'return' belongs in a def, not in a model",
            "a model's results are its 'output' statements and its 'loss'");
        return;
      }
      currentStatement = new StatementScope(frame, null);
      frame.returned = evaluate(frame, s.value());
    }
  }

  private void declareInput(Frame frame, Statement.Input s) {
    String what = s.target() ? "target" : "input";
    if (!frame.isModel) {
      diagnostics.error(s.span(), "'" + what + "' belongs in a model, not in a def",
          "pass the tensor to the def as an argument");
      frame.bind(s.name(), Value.POISON, s.nameSpan());
      return;
    }
    if (frame.boundAt.get(s.name()) != null && frame.boundAt.get(s.name()).equals(s.nameSpan())) {
      // a repeat runs the declaration again; a parameter gets the iteration's index, an input would be fed twice
      diagnostics.error(s.nameSpan(), what + " '" + s.name() + "' is declared inside a repeat: every iteration"
          + " would declare it again", "declare it once, before the repeat");
      return;
    }
    if (!checkNewName(frame, s.name(), s.nameSpan())) {
      return;
    }
    Optional<DeclaredType> type = DeclaredType.resolve(s.type(), s.target() ? DeclaredType.Use.TARGET : DeclaredType.Use.INPUT,
        dim -> evaluate(frame, dim), diagnostics);
    if (type.isEmpty()) {
      frame.bind(s.name(), Value.POISON, s.nameSpan());
      return;
    }
    Node node = root.at(s.span()).node(dev.adjoint.compiler.ir.Op.INPUT, List.of(),
        new dev.adjoint.compiler.ir.Attrs.Input(s.name(), type.get().dtype(), type.get().shape(), s.target(),
            type.get().classes(), type.get().classNames()));
    sourceNames.put(s.name(), s.nameSpan());
    graph.input(node);
    frame.inputs.add(s.name());
    frame.bind(s.name(), new Value.Tensor(node), s.nameSpan());
  }

  private void declareParam(Frame frame, Statement.Param s) {
    if (!checkNewName(frame, s.name(), s.nameSpan())) {
      return;
    }
    currentStatement = new StatementScope(frame, s.name());
    Optional<DeclaredType> type = DeclaredType.resolve(s.type(), DeclaredType.Use.PARAM, dim -> evaluate(frame, dim),
        diagnostics);
    Optional<Init> init = type.isEmpty() ? Optional.empty()
        : InitSpec.resolve(s.init(), type.get().shape(), e -> evaluate(frame, e), diagnostics);
    if (type.isEmpty() || init.isEmpty()) {
      frame.bind(s.name(), Value.POISON, s.nameSpan());
      return;
    }
    ParamRole role = type.get().shape().rank() <= 1 ? ParamRole.BIAS : ParamRole.WEIGHT;
    String fullName = currentStatement.allocate();
    Node node = createParam(fullName, s.nameSpan(), s.span(), type.get().shape(), type.get().dtype(), init.get(),
        role);
    frame.bind(s.name(), new Value.Tensor(node), s.nameSpan());
  }

  /** Whether an assignment may bind {@code name}: not B, an input or a hyperparameter (each reported). */
  private boolean rebindable(Frame frame, String name, SourceSpan at) {
    if (name.equals("B")) {
      diagnostics.error(at, "'B' is the batch dimension and cannot be a name", "choose another name");
      return false;
    }
    if (frame.inputs.contains(name)) {
      diagnostics.error(at, "'" + name + "' is an input of the model and cannot be rebound",
          "bind the result to a new name, e.g. '" + name + "2 = ...'");
      return false;
    }
    if (frame.isModel && hyperparameters.containsKey(name)) {
      diagnostics.error(at, "'" + name + "' is a hyperparameter of the model and cannot be rebound",
          "bind the result to a new name, e.g. '" + name + "2 = ...'; to change its value, override it: train "
              + model.name() + "(" + name + " = ...)");
      return false;
    }
    return true;
  }

  /**
   * {@code a, b = expr}: the tuple's items bound in order, as many names as items. Layers
   * the expression creates are named after the first name.
   */
  private void unpack(Frame frame, Statement.Unpack s) {
    List<Integer> bindable = new ArrayList<>();
    for (int i = 0; i < s.names().size(); i++) {
      String name = s.names().get(i);
      if (s.names().subList(0, i).contains(name)) {
        diagnostics.error(s.nameSpans().get(i), "'" + name + "' is named twice on the left of '='",
            "give each value its own name");
      } else if (rebindable(frame, name, s.nameSpans().get(i))) {
        bindable.add(i);
      }
    }
    if (bindable.size() < s.names().size()) {
      bindable.forEach(i -> frame.bind(s.names().get(i), Value.POISON, s.nameSpans().get(i)));
      return;
    }
    currentStatement = new StatementScope(frame, s.names().get(0));
    Value value = evaluate(frame, s.value());
    int count = s.names().size();
    if (!(value instanceof Value.Poison)) {
      if (!(value instanceof Value.Tuple t)) {
        diagnostics.error(s.value().span(), "cannot unpack " + value.describe() + " into " + count + " names",
            "only a tuple unpacks, such as the result of split(...) or chunk(...)");
        value = Value.POISON;
      } else if (t.items().size() != count) {
        diagnostics.error(s.value().span(), "cannot unpack " + t.items().size() + " values into " + count + " names",
            "write one name per value: the tuple has " + t.items().size());
        value = Value.POISON;
      }
    }
    for (int i = 0; i < count; i++) {
      Value item = value instanceof Value.Tuple t ? t.items().get(i) : Value.POISON;
      frame.bind(s.names().get(i), item, s.nameSpans().get(i));
    }
  }

  private void assign(Frame frame, Statement.Assign s) {
    if (!rebindable(frame, s.name(), s.nameSpan())) {
      return;
    }
    if (s.output() && frame.isModel && outputSpans.containsKey(s.name())) {
      // before the value: its layers would be named after the first output's and collide with them
      SourceSpan first = outputSpans.get(s.name());
      if (first.equals(s.nameSpan())) {
        diagnostics.error(s.nameSpan(), "output '" + s.name() + "' is declared inside a repeat: every iteration"
            + " would declare it again", "bind the value inside the repeat and declare the output after it");
        return;
      }
      diagnostics.error(s.nameSpan(), "output '" + s.name() + "' is declared twice (first at " + first.line() + ":"
          + first.column() + ")", "give this output another name");
      return;
    }
    currentStatement = new StatementScope(frame, s.name());
    Value value = evaluate(frame, s.value());
    frame.bind(s.name(), value, s.nameSpan());
    if (!s.output()) {
      return;
    }
    if (!frame.isModel) {
      diagnostics.error(s.span(), "'output' belongs in a model, not in a def", "return the value instead");
      return;
    }
    outputSpans.put(s.name(), s.nameSpan());
    if (value instanceof Value.Tensor t) {
      outputs.put(s.name(), t.node());
      graph.output(s.name(), t.node());
    } else if (!(value instanceof Value.Poison)) {
      diagnostics.error(s.value().span(), "an output must be a tensor, got " + value.describe());
    }
  }

  private void repeat(Frame frame, Statement.Repeat s) {
    Value count = evaluate(frame, s.count());
    if (count instanceof Value.Poison) {
      return;
    }
    if (!(count instanceof Value.Int n) || n.value() < 0 || n.value() > MAX_REPEAT) {
      diagnostics.error(s.count().span(), "repeat needs a whole number from 0 to " + MAX_REPEAT + ", got "
          + count.describe());
      return;
    }
    unrolling.add(Map.entry("unrolling this repeat", s.span()));
    // the outermost repeat of enough iterations may become a loop: watch what each iteration binds and creates
    boolean loopable = repeatNesting == 0 && n.value() >= RepeatLoop.MIN_ITERATIONS && RepeatLoop.enabled();
    List<RepeatLoop.Iteration> iterations = new ArrayList<>();
    int statesBefore = statesCreated;
    repeatNesting++;
    try {
      for (int i = 1; i <= n.value(); i++) {
        frame.repeatIndices.add(i);
        int errorsBefore = diagnostics.errorCount();
        int paramsBefore = createdParams.size();
        Map<String, Value> before = loopable ? new LinkedHashMap<>(frame.locals) : null;
        run(frame, s.body());
        frame.repeatIndices.remove(frame.repeatIndices.size() - 1);
        if (diagnostics.errorCount() > errorsBefore || frame.returned != null) {
          return; // the same error would repeat for every iteration
        }
        if (loopable) {
          iterations.add(new RepeatLoop.Iteration(before, List.copyOf(createdParams.subList(paramsBefore,
              createdParams.size()))));
        }
      }
    } finally {
      repeatNesting--;
      unrolling.remove(unrolling.size() - 1);
    }
    if (loopable && statesCreated == statesBefore) {
      Optional<RepeatLoop.Rolled> rolled;
      try {
        rolled = RepeatLoop.roll(root, s.span(), iterations, frame.locals);
      } catch (ShapeException | IllegalArgumentException notALoop) {
        rolled = Optional.empty(); // the unrolled iterations stay: they are checked and correct
      }
      rolled.ifPresent(r -> useLoop(frame, iterations, r));
    }
  }

  /** Replaces the unrolled iterations' parameters and values by the loop's. */
  private void useLoop(Frame frame, List<RepeatLoop.Iteration> iterations, RepeatLoop.Rolled rolled) {
    List<Node> unrolled = new ArrayList<>();
    iterations.subList(rolled.first(), iterations.size()).forEach(it -> unrolled.addAll(it.params()));
    graph.removeSources(unrolled);
    rolled.stacked().forEach(graph::param);
    createdParams.subList(createdParams.size() - unrolled.size(), createdParams.size()).clear(); // the last created
    createdParams.addAll(rolled.stacked());
    params.putAll(rolled.layers());
    frame.locals.put(rolled.carry(), new Value.Tensor(rolled.scan()));
    frame.locals.putAll(rolled.locals());
  }

  private boolean checkNewName(Frame frame, String name, SourceSpan at) {
    SourceSpan previous = frame.boundAt.get(name);
    if (previous != null && previous.equals(at) && !frame.repeatIndices.isEmpty()) {
      return true; // the same declaration, run again by a repeat: its parameters get the iteration's index
    }
    if (name.equals("B")) {
      diagnostics.error(at, "'B' is the batch dimension and cannot be a name", "choose another name");
      return false;
    }
    if (previous != null) {
      diagnostics.error(at, "'" + name + "' is already defined at " + previous.line() + ":" + previous.column(),
          "choose another name");
      return false;
    }
    if (frame.isModel && hyperparameters.containsKey(name)) {
      diagnostics.error(at, "'" + name + "' is already a hyperparameter of the model", "choose another name");
      frame.bind(name, Value.POISON, at); // later uses mean this declaration, not the hyperparameter
      return false;
    }
    return true;
  }

  Node createParam(String fullName, SourceSpan nameSpan, SourceSpan span, Shape shape, ScalarType dtype, Init init,
      ParamRole role) {
    dev.adjoint.compiler.ir.ShapeRules.checkSize(new dev.adjoint.compiler.ir.TensorType(dtype, shape),
        "parameter '" + fullName + "' ");
    Node node = root.at(span).node(dev.adjoint.compiler.ir.Op.PARAM, List.of(),
        new dev.adjoint.compiler.ir.Attrs.Param(fullName, dtype, shape, init, role));
    if (claimSourceName(fullName, nameSpan)) {
      params.put(fullName, node);
      graph.param(node);
      createdParams.add(node);
    }
    return node;
  }

  private boolean claimSourceName(String fullName, SourceSpan at) {
    SourceSpan previous = sourceNames.get(fullName);
    if (previous != null) {
      if (collisions.add(at)) { // once per layer, not once for each of its parameters
        diagnostics.error(at, "parameter '" + fullName + "' already exists (created at " + previous.line() + ":"
            + previous.column() + ")", "layers are named after the value they are bound to; bind this one to a new"
            + " name, e.g. '" + suggestFreshName(fullName) + " = ...'");
      }
      return false;
    }
    sourceNames.put(fullName, at);
    return true;
  }

  private String suggestFreshName(String fullName) {
    String first = fullName.contains(".") ? fullName.substring(0, fullName.indexOf('.')) : fullName;
    String base = first.replaceFirst("_[0-9]+$", "");
    for (int i = 2; ; i++) {
      String candidate = base + i;
      if (!sourceNames.containsKey(candidate) && sourceNames.keySet().stream().noneMatch(n -> n.startsWith(candidate + "."))) {
        return candidate;
      }
    }
  }

  // ---- expressions -----------------------------------------------------------------

  /** Evaluates an expression; an unbound name is an error unless it is an option word such as {@code relu}. */
  Value evaluate(Frame frame, Expr expr) {
    if (expr instanceof Expr.Number n) {
      return number(n);
    }
    if (expr instanceof Expr.Text t) {
      return new Value.Text(t.value());
    }
    if (expr instanceof Expr.Name n) {
      return name(frame, n);
    }
    if (expr instanceof Expr.Tuple t) {
      List<Value> items = new ArrayList<>();
      for (Expr item : t.items()) {
        Value v = evaluate(frame, item);
        if (v instanceof Value.Poison) {
          return v;
        }
        items.add(v);
      }
      return new Value.Tuple(items);
    }
    if (expr instanceof Expr.Negate n) {
      return Operators.negate(evaluate(frame, n.operand()), n, root.at(n.span()), diagnostics);
    }
    if (expr instanceof Expr.Not n) {
      return Selection.not(evaluate(frame, n.operand()), n, root.at(n.span()), diagnostics);
    }
    if (expr instanceof Expr.Binary b) {
      return binary(frame, b);
    }
    if (expr instanceof Expr.Call c) {
      return call(frame, c);
    }
    if (expr instanceof Expr.Index i) {
      return index(frame, i);
    }
    throw new IllegalStateException("unknown expression " + expr);
  }

  /** {@code x[i][j]...}: the innermost base first, then each subscript, in a loop as {@link #binary} does. */
  private Value index(Frame frame, Expr.Index expr) {
    List<Expr.Index> chain = new ArrayList<>();
    Expr e = expr;
    while (e instanceof Expr.Index i) {
      chain.add(i);
      e = i.base();
    }
    Value value = evaluate(frame, e);
    for (int i = chain.size() - 1; i >= 0; i--) {
      Expr.Index index = chain.get(i);
      value = Subscripts.apply(value, index, item -> evaluate(frame, item), root.at(index.span()), diagnostics);
    }
    return value;
  }

  /**
   * A chain such as {@code x + x + ... + x} nests to the left as deep as it is long: it is
   * evaluated from its leftmost operand up, in a loop, each right operand as it comes.
   */
  private Value binary(Frame frame, Expr.Binary expr) {
    List<Expr.Binary> spine = new ArrayList<>();
    Expr e = expr;
    while (e instanceof Expr.Binary b) {
      spine.add(b);
      e = b.left();
    }
    Value value = evaluate(frame, e);
    for (int i = spine.size() - 1; i >= 0; i--) {
      Expr.Binary b = spine.get(i);
      Value right = evaluate(frame, b.right());
      value = Operators.binary(b, value, right, root.at(b.span()), diagnostics);
    }
    return value;
  }

  private Value number(Expr.Number n) {
    if (Double.isInfinite(n.value())) {
      diagnostics.error(n.span(), "the number " + n.text() + " is too large");
      return Value.POISON;
    }
    if (n.integral()) {
      try {
        return new Value.Int(Long.parseLong(n.text()));
      } catch (NumberFormatException tooLarge) { // compared in double, 2^63 would pass as Long.MAX_VALUE
        diagnostics.error(n.span(), "the integer " + n.text() + " is too large",
            "integers are 64-bit: the largest is " + Long.MAX_VALUE);
        return Value.POISON;
      }
    }
    return new Value.Real(n.value());
  }

  private Value name(Frame frame, Expr.Name n) {
    if (!n.isSimple()) {
      return qualifiedName(frame, n);
    }
    String name = n.joined();
    Value local = frame.locals.get(name);
    if (local != null) {
      return local;
    }
    if (frame.isModel && hyperparameters.containsKey(name)) {
      return hyperparameters.get(name);
    }
    if (name.equals("true") || name.equals("false")) {
      return new Value.Bool(name.equals("true"));
    }
    if (builtins.optionWords().contains(name)) {
      return new Value.Symbol(name);
    }
    if (name.equals("B")) {
      diagnostics.error(n.span(), "the batch dimension B can only be used in a type, such as f32[B, 10], or a reshape shape, such as (B, 28, 28)",
          "the batch size is known only at run time; to average over the batch, use mean(...)");
      return Value.POISON;
    }
    Set<String> visible = new LinkedHashSet<>(frame.locals.keySet());
    if (frame.isModel) {
      visible.addAll(hyperparameters.keySet());
    }
    SourceSpan later = constantOnly ? null : bindingAfter(frame, name, n.span());
    SourceSpan inBody = constantOnly ? bindingAfter(model.body(), name, null) : null;
    String hint = later != null ? "'" + name + "' is bound later, at " + later.line() + ":" + later.column()
        + "; statements run in order, so bind it before this line"
        : inBody != null ? "'" + name + "' belongs to the model's body; a hyperparameter default or a train option"
            + " can only use numbers and the model's hyperparameters"
        : Suggestions.didYouMean(name, visible);
    if (hint == null && (builtins.get(name) != null || defs.containsKey(name))) {
      hint = "'" + name + "' is a function: call it as " + name + "(...)";
    }
    diagnostics.error(n.span(), "unknown name '" + name + "'", hint);
    return Value.POISON;
  }

  /** Where the body running in this frame binds the name after {@code use}, or null. */
  private SourceSpan bindingAfter(Frame frame, String name, SourceSpan use) {
    List<Statement> body = frame.isModel ? model.body()
        : defs.containsKey(frame.defName) ? defs.get(frame.defName).body() : List.of();
    return bindingAfter(body, name, use);
  }

  private static SourceSpan bindingAfter(List<Statement> body, String name, SourceSpan use) {
    for (Statement s : body) {
      SourceSpan at = null;
      if (s instanceof Statement.Input i && i.name().equals(name)) {
        at = i.nameSpan();
      } else if (s instanceof Statement.Param p && p.name().equals(name)) {
        at = p.nameSpan();
      } else if (s instanceof Statement.Assign a && a.name().equals(name)) {
        at = a.nameSpan();
      } else if (s instanceof Statement.Unpack u && u.names().contains(name)) {
        at = u.nameSpans().get(u.names().indexOf(name));
      } else if (s instanceof Statement.Repeat r) {
        at = bindingAfter(r.body(), name, use);
      }
      if (at != null && (use == null || at.line() > use.line()
          || at.line() == use.line() && at.column() > use.column())) {
        return at;
      }
    }
    return null;
  }

  /** {@code h.W}: a parameter created by the layer bound to {@code h}, in this frame's naming scope. */
  private Value qualifiedName(Frame frame, Expr.Name n) {
    String full = frame.path(n.joined());
    Node param = params.get(full);
    if (param != null) {
      return new Value.Tensor(param);
    }
    if (frame.locals.get(n.parts().get(0)) instanceof Value.Poison) {
      return Value.POISON; // the layer bound to that name failed, and its error is reported
    }
    diagnostics.error(n.span(), "unknown parameter '" + n.joined() + "'", Suggestions.didYouMean(full, params.keySet()));
    return Value.POISON;
  }

  /** Evaluates an argument for a parameter of a given kind. */
  private Value evaluateFor(Frame frame, Expr expr, Kind kind) {
    if ((kind == Kind.SYMBOL || kind == Kind.NAMES) && expr instanceof Expr.Name n) {
      Value bound = n.isSimple() ? frame.locals.get(n.joined()) : null;
      if (bound == null && n.isSimple() && frame.isModel) {
        bound = hyperparameters.get(n.joined());
      }
      if (bound instanceof Value.Symbol || bound instanceof Value.Text) {
        return bound; // an option passed through a def's parameter or a hyperparameter
      }
      return new Value.Symbol(n.joined());
    }
    if (kind == Kind.INIT && expr instanceof Expr.Name n && n.joined().equals("none")) {
      return new Value.Symbol("none"); // an optional initializer left to the layer's default
    }
    if (kind == Kind.INIT) {
      return InitSpec.resolve(expr, Shape.SCALAR, e -> evaluate(frame, e), diagnostics)
          .<Value>map(Value.Initializer::new).orElse(Value.POISON);
    }
    if (kind == Kind.SHAPE && expr instanceof Expr.Tuple t) {
      List<Value> items = new ArrayList<>();
      for (Expr item : t.items()) {
        boolean batch = item instanceof Expr.Name n && n.isSimple() && n.joined().equals("B");
        Value v = batch ? new Value.Symbol("B") : evaluate(frame, item);
        if (v instanceof Value.Poison) {
          return v;
        }
        items.add(v);
      }
      return new Value.Tuple(items);
    }
    if (kind == Kind.NAMES && expr instanceof Expr.Tuple t) {
      List<Value> items = new ArrayList<>();
      for (Expr item : t.items()) {
        items.add(evaluateFor(frame, item, Kind.NAMES));
      }
      return new Value.Tuple(items);
    }
    Value v = evaluate(frame, expr);
    if (kind == Kind.TENSOR && Value.isNumber(v)) {
      return new Value.Tensor(root.at(expr.span()).constant(Value.number(v), ScalarType.F32));
    }
    return v;
  }

  private Value call(Frame frame, Expr.Call c) {
    Declaration.Def def = defs.get(c.callee());
    if (def != null) {
      return callDef(frame, def, c);
    }
    if (c.callee().equals("scan")) {
      return scan(frame, c);
    }
    Builtin builtin = builtins.get(c.callee());
    if (builtin == null) {
      List<String> candidates = new ArrayList<>(builtins.names());
      candidates.addAll(defs.keySet());
      String hint = Suggestions.didYouMean(c.callee(), candidates);
      if (hint == null && frame.locals.containsKey(c.callee())) {
        hint = "'" + c.callee() + "' is a value, not a function";
      }
      if (hint == null) {
        hint = "the built-in layers are " + String.join(", ", builtins.all().stream()
            .filter(b -> b.category().equals("layer")).map(Builtin::name).toList()) + "; write others as a def";
      }
      diagnostics.error(c.calleeSpan(), "unknown function '" + c.callee() + "'", hint);
      return Value.POISON;
    }
    Optional<BoundArgs> args = binder.bind(builtin.signature(), c.args(), c.span(),
        (e, kind) -> evaluateFor(frame, e, kind));
    if (args.isEmpty()) {
      return Value.POISON;
    }
    LayerContext context = new LayerContext(c.span(), new LayerName(currentStatement));
    try {
      return builtin.implementation().apply(args.get(), context);
    } catch (ShapeException e) {
      diagnostics.error(c.span(), Checks.inCall(c.callee(), e.getMessage()), e.hint());
      return Value.POISON;
    }
  }

  private Value callDef(Frame caller, Declaration.Def def, Expr.Call c) {
    if (activeDefs.contains(def.name())) {
      diagnostics.error(c.calleeSpan(), "def '" + def.name() + "' calls itself",
          "defs are inlined where they are called, so they cannot be recursive; use 'repeat' instead");
      return Value.POISON;
    }
    if (activeDefs.size() >= MAX_DEF_DEPTH) {
      diagnostics.error(c.calleeSpan(), "defs call each other more than " + MAX_DEF_DEPTH + " deep",
          "defs are inlined where they are called; for a layer that repeats, use 'repeat' instead of a def per layer");
      return Value.POISON;
    }
    List<Parameter> parameters = new ArrayList<>();
    for (Declaration.Binding p : def.params()) {
      Value fallback = p.value() == null ? null : evaluate(new Frame(null, null, false), p.value());
      parameters.add(fallback == null ? Parameter.required(p.name(), Kind.ANY) : Parameter.of(p.name(), Kind.ANY,
          fallback));
    }
    Optional<BoundArgs> args = binder.bind(new Signature(def.name(), parameters), c.args(), c.span(),
        (e, kind) -> evaluate(caller, e));
    if (args.isEmpty()) {
      return Value.POISON;
    }
    return inline(def, p -> args.get().value(p), c);
  }

  /** {@code scan(step, init, xs, ...)}: the def {@code step} elaborated once over placeholders, as a loop's body. */
  private Value scan(Frame frame, Expr.Call c) {
    Optional<BoundArgs> args = binder.bind(ScanCall.SIGNATURE, c.args(), c.span(),
        (e, kind) -> evaluateFor(frame, e, kind));
    if (args.isEmpty()) {
      return Value.POISON;
    }
    return ScanCall.build(args.get(), root.at(c.span()), new ScanCall.Host() {
      @Override
      public Optional<Value> inline(String name, List<Value> values) {
        Declaration.Def def = defs.get(name);
        if (activeDefs.contains(name) || activeDefs.size() >= MAX_DEF_DEPTH) {
          error(args.get().span("step"), "scan's step '" + name + "' would run inside itself",
              "defs are inlined where they are used, so a step cannot scan with itself");
          return Optional.empty();
        }
        int errorsBefore = diagnostics.errorCount();
        int paramsBefore = createdParams.size();
        int statesBefore = statesCreated;
        List<String> names = def.params().stream().map(Declaration.Binding::name).toList();
        Value out = ModelElaborator.this.inline(def, p -> values.get(names.indexOf(p)), c);
        if (diagnostics.errorCount() > errorsBefore || out instanceof Value.Poison) {
          return Optional.empty();
        }
        if (createdParams.size() != paramsBefore || statesCreated != statesBefore) {
          error(args.get().span("step"), "scan's step '" + name + "' creates parameters or state, which a loop's"
              + " step cannot hold", "create the layer's parameters outside (param w: f32[...]) and pass them in"
              + " consts = (w, ...)");
          return Optional.empty();
        }
        return Optional.of(out);
      }

      @Override
      public int arity(String name) {
        Declaration.Def def = defs.get(name);
        return def == null ? -1 : def.params().size();
      }

      @Override
      public Value error(SourceSpan at, String message, String hint) {
        diagnostics.error(at, message, hint);
        return Value.POISON;
      }
    });
  }

  /** A def's body run in a frame of its own, its parameters bound to {@code argument}'s values; its result. */
  private Value inline(Declaration.Def def, java.util.function.Function<String, Value> argument, Expr.Call c) {
    Frame frame = new Frame(def.name(), new LayerName(currentStatement), false);
    for (Declaration.Binding p : def.params()) {
      frame.bind(p.name(), argument.apply(p.name()), p.nameSpan());
    }
    activeDefs.push(def.name());
    unrolling.add(Map.entry("inlining this call of '" + def.name() + "'", c.span()));
    StatementScope saved = currentStatement;
    try {
      run(frame, def.body());
    } finally {
      activeDefs.pop();
      unrolling.remove(unrolling.size() - 1);
      currentStatement = saved;
    }
    if (frame.returned == null) {
      Statement last = def.body().isEmpty() ? null : def.body().get(def.body().size() - 1);
      diagnostics.error(def.nameSpan(), "def '" + def.name() + "' returns no value",
          "end it with 'return " + (last instanceof Statement.Assign a ? a.name() : "<expression>") + "'");
      return Value.POISON;
    }
    return frame.returned;
  }

  // ---- scopes and naming -------------------------------------------------------------

  /** The bindings of a model body or of one inlined def call. */
  final class Frame {
    final Map<String, Value> locals = new LinkedHashMap<>();
    final Map<String, SourceSpan> boundAt = new LinkedHashMap<>();
    final Set<String> inputs = new LinkedHashSet<>();
    final List<Integer> repeatIndices = new ArrayList<>();
    final String defName;
    final LayerName prefix;
    final boolean isModel;
    Value returned;

    Frame(String defName, LayerName prefix, boolean isModel) {
      this.defName = defName;
      this.prefix = prefix;
      this.isModel = isModel;
    }

    void bind(String name, Value value, SourceSpan at) {
      locals.put(name, value);
      boundAt.putIfAbsent(name, at);
    }

    /** A name in this frame's parameter namespace: {@code h.W} inside a def bound to {@code z} is {@code z.h.W}. */
    String path(String name) {
      return prefix == null ? name : prefix.get() + "." + name;
    }
  }

  /**
   * The statement being run: layers created by its expression are named after the name it
   * binds, numbered when there is more than one ({@code h}, {@code h_2}), with the indices
   * of enclosing repeats appended ({@code h.3}).
   */
  final class StatementScope {
    private final Frame frame;
    private final String binding;
    private final List<Integer> indices;
    private int slots;

    StatementScope(Frame frame, String binding) {
      this.frame = frame;
      this.binding = binding;
      this.indices = List.copyOf(frame.repeatIndices);
    }

    String allocate() {
      slots++;
      List<String> parts = new ArrayList<>();
      if (frame.prefix != null) {
        parts.add(frame.prefix.get());
      }
      String suffix = slots > 1 ? "_" + slots : "";
      if (binding != null) {
        parts.add(binding + suffix);
      } else if (parts.isEmpty()) {
        parts.add("layer" + suffix);
      } else if (slots > 1) {
        parts.add("layer" + suffix); // not name_2: a second call bound to the same name takes that
      }
      indices.forEach(i -> parts.add(Integer.toString(i)));
      return String.join(".", parts);
    }
  }

  /** A layer's name, taken from its statement only when the layer first creates a parameter. */
  final class LayerName {
    private final StatementScope statement;
    private String name;

    LayerName(StatementScope statement) {
      this.statement = statement;
    }

    String get() {
      if (name == null) {
        name = statement == null ? "layer" : statement.allocate();
      }
      return name;
    }
  }

  private final class LayerContext implements CallContext {
    private final SourceSpan span;
    private final LayerName layer;

    LayerContext(SourceSpan span, LayerName layer) {
      this.span = span;
      this.layer = layer;
    }

    @Override
    public NodeBuilder ops() {
      return root.at(span);
    }

    @Override
    public SourceSpan span() {
      return span;
    }

    @Override
    public Diagnostics diagnostics() {
      return diagnostics;
    }

    @Override
    public Node param(String localName, Shape shape, ScalarType dtype, Init init, ParamRole role) {
      return createParam(layer.get() + "." + localName, span, span, shape, dtype, init, role);
    }

    @Override
    public Node state(String localName, Shape shape, ScalarType dtype, double initial) {
      String fullName = layer.get() + "." + localName;
      Node node = root.at(span).node(dev.adjoint.compiler.ir.Op.STATE, List.of(),
          new dev.adjoint.compiler.ir.Attrs.State(fullName, dtype, shape, initial));
      statesCreated++;
      if (claimSourceName(fullName, span)) {
        graph.state(node);
      }
      return node;
    }

    @Override
    public void updateState(Node state, Node newValue) {
      statesCreated++;
      graph.stateUpdate(state.sourceName(), newValue);
    }
  }
}
