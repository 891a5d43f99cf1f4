package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.PostOrder;
import dev.adjoint.compiler.ir.ScanBody;
import dev.adjoint.compiler.ir.Scans;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.source.SourceSpan;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code repeat} whose iterations are one function of (the carried value, their own
 * parameters) as one {@link Op#SCAN}: the i-th layer's parameters become row i of a stacked
 * parameter {@code [N, ...]} that the loop reads as a sequence, so that the graph, the
 * generated code and compile time do not grow with N.
 *
 * <p>It works on the unrolled iterations, which the elaborator has already built and checked:
 * the first iteration's nodes become the loop's body, and every other iteration must be the
 * same graph over its own carry-in and its own parameters (same ops, attributes and types;
 * the same values from outside the loop). Anything else keeps the unrolled graph, which stays
 * correct: several carried names, a body without parameters, random draws (each iteration's
 * stream differs), batch-norm state, mode switches, a nested loop (each iteration's body is an
 * object of its own).
 */
final class RepeatLoop {
  /**
   * The fewest iterations compiled as a loop. A looped training step took 3 to 4 times as long
   * as the unrolled one on the iris tower at depths 8 to 32 (its backward loops recompute each
   * step's forward pass and copy each layer's parameters in), while unrolled compile time grows
   * with the depth (about 5 s at 32 under load, against 1 s looped): below 64 iterations
   * unrolling pays back its compile time within a short training run.
   */
  static final int MIN_ITERATIONS = 64;
  /** A system property that keeps every repeat unrolled (for comparisons and debugging). */
  static final String UNROLL_PROPERTY = "adjoint.repeat.unroll";

  private enum Role { CARRY, PARAM, CAPTURE, PURE, BODY }

  /**
   * What one iteration saw and made: the frame's bindings before it and the parameters it
   * created, in order.
   */
  record Iteration(Map<String, Value> before, List<Node> params) {}

  /**
   * A repeat compiled as a loop: the carried name's new value, the stacked parameters (in the
   * order of the first iteration's), each layer's parameter by name (a row of its stack), and
   * the values of the names the body binds for itself, as the last iteration left them; the
   * loop runs the iterations from {@code first} (0, or 1 when the first stays unrolled).
   */
  record Rolled(String carry, Node scan, List<Node> stacked, Map<String, Node> layers, Map<String, Value> locals,
      int first) {}

  private final NodeBuilder builder;
  private final SourceSpan span;
  private final List<Iteration> iterations;
  private final Map<String, Value> after;
  private final Map<Node, Role> roles = new IdentityHashMap<>();
  private final Map<Node, Integer> paramIndex = new IdentityHashMap<>();
  private Node carryIn;

  private RepeatLoop(NodeBuilder builder, SourceSpan span, List<Iteration> iterations, Map<String, Value> after) {
    this.builder = builder;
    this.span = span;
    this.iterations = iterations;
    this.after = after;
  }

  /** Whether repeats may be compiled as loops in this run (not when {@link #UNROLL_PROPERTY} is set). */
  static boolean enabled() {
    return !Boolean.getBoolean(UNROLL_PROPERTY);
  }

  /**
   * The repeat at {@code span} as a loop, or empty when its iterations (each with the bindings
   * before it; {@code after} those after the last) are not one function of a carry and their
   * own parameters.
   */
  static Optional<Rolled> roll(NodeBuilder builder, SourceSpan span, List<Iteration> iterations,
      Map<String, Value> after) {
    if (iterations.size() < 2) {
      return Optional.empty();
    }
    Optional<Rolled> all = new RepeatLoop(builder, span, iterations, after).roll();
    if (all.isPresent() || iterations.size() < 3) {
      return all;
    }
    // a first layer of another width (dense(x, 32) from x of 4 features) stays unrolled before the loop
    return new RepeatLoop(builder, span, iterations.subList(1, iterations.size()), after).roll()
        .map(rest -> new Rolled(rest.carry(), rest.scan(), rest.stacked(), rest.layers(), rest.locals(), 1));
  }

  private Optional<Rolled> roll() {
    int n = iterations.size();
    int k = iterations.get(0).params().size();
    for (Iteration it : iterations) {
      if (it.params().size() != k) {
        return Optional.empty();
      }
    }
    if (k == 0) {
      return Optional.empty();
    }
    Map<String, Value> first = iterations.get(0).before();
    Map<String, Value> second = n > 1 ? iterations.get(1).before() : after;
    String carry = null;
    List<String> locals = new ArrayList<>();
    for (Map.Entry<String, Value> e : second.entrySet()) {
      Value before = first.get(e.getKey());
      if (before == null) {
        locals.add(e.getKey());
      } else if (!same(before, e.getValue())) {
        if (carry != null || !(before instanceof Value.Tensor) || !(e.getValue() instanceof Value.Tensor)) {
          return Optional.empty(); // one carried tensor only
        }
        carry = e.getKey();
      }
    }
    if (carry == null || !unchangedBut(carry, locals)) {
      return Optional.empty();
    }
    carryIn = ((Value.Tensor) first.get(carry)).node();
    Node out = ((Value.Tensor) second.get(carry)).node();
    if (!out.type().equals(carryIn.type())) {
      return Optional.empty();
    }
    for (int j = 0; j < k; j++) {
      paramIndex.put(iterations.get(0).params().get(j), j);
    }
    List<Node> roots = new ArrayList<>(List.of(out));
    for (String local : locals) {
      if (second.get(local) instanceof Value.Tensor t) {
        roots.add(t.node());
      }
    }
    classify(roots);
    if (!sameParams(k) || !everyIterationMatches(carry, locals)) {
      return Optional.empty();
    }
    return Optional.of(build(carry, out, locals));
  }

  /** Whether every name but the carry and the body's own keeps its value through every iteration. */
  private boolean unchangedBut(String carry, List<String> locals) {
    Map<String, Value> first = iterations.get(0).before();
    List<Map<String, Value>> states = new ArrayList<>();
    iterations.forEach(it -> states.add(it.before()));
    states.add(after);
    for (Map<String, Value> state : states.subList(1, states.size())) {
      for (Map.Entry<String, Value> e : state.entrySet()) {
        String name = e.getKey();
        if (!name.equals(carry) && !locals.contains(name) && !same(first.get(name), e.getValue())) {
          return false;
        }
      }
      if (state.size() != first.size() + locals.size()) {
        return false;
      }
    }
    return true;
  }

  private static boolean same(Value a, Value b) {
    if (a instanceof Value.Tensor x && b instanceof Value.Tensor y) {
      return x.node() == y.node();
    }
    return a != null && a.equals(b);
  }

  /**
   * The role of each node the first iteration's results read: its carry-in, its parameters,
   * values from outside the loop (captures, passed in as constants), constant subgraphs, and
   * the body proper (what depends on the carry or the parameters).
   */
  private void classify(List<Node> roots) {
    roles.put(carryIn, Role.CARRY);
    paramIndex.keySet().forEach(p -> roles.put(p, Role.PARAM));
    List<Node> order = PostOrder.of(roots, node -> roles.containsKey(node) ? List.of() : node.inputs());
    for (Node node : order) {
      if (roles.containsKey(node)) {
        continue;
      }
      boolean body = false;
      boolean pure = !fed(node);
      for (Node in : node.inputs()) {
        Role r = roles.get(in);
        body |= r == Role.CARRY || r == Role.PARAM || r == Role.BODY;
        pure &= r == Role.PURE;
      }
      roles.put(node, body ? Role.BODY : pure ? Role.PURE : Role.CAPTURE);
    }
  }

  /** Whether every iteration's j-th parameter is the first's but for its name. */
  private boolean sameParams(int k) {
    for (Iteration it : iterations) {
      for (int j = 0; j < k; j++) {
        Attrs.Param a = iterations.get(0).params().get(j).attrs(Attrs.Param.class);
        Attrs.Param b = it.params().get(j).attrs(Attrs.Param.class);
        if (!a.dtype().equals(b.dtype()) || !a.shape().equals(b.shape()) || !a.init().equals(b.init())
            || a.role() != b.role() || a.layers() != null || b.layers() != null) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether each iteration computes its results as the first does, from its own carry-in and parameters. */
  private boolean everyIterationMatches(String carry, List<String> locals) {
    Map<String, Value> firstAfter = iterations.size() > 1 ? iterations.get(1).before() : after;
    for (int i = 1; i < iterations.size(); i++) {
      Map<String, Value> before = iterations.get(i).before();
      Map<String, Value> itsAfter = i + 1 < iterations.size() ? iterations.get(i + 1).before() : after;
      Map<Node, Node> matched = new IdentityHashMap<>();
      Deque<Node[]> pending = new ArrayDeque<>();
      pending.push(new Node[] {node(firstAfter, carry), node(itsAfter, carry)});
      for (String local : locals) {
        Value a = firstAfter.get(local);
        Value b = itsAfter.get(local);
        if (a instanceof Value.Tensor && b instanceof Value.Tensor) {
          pending.push(new Node[] {node(firstAfter, local), node(itsAfter, local)});
        } else if (!java.util.Objects.equals(a, b)) {
          return false;
        }
      }
      Node itsCarryIn = node(before, carry);
      List<Node> itsParams = iterations.get(i).params();
      while (!pending.isEmpty()) {
        Node[] pair = pending.pop();
        Node a = pair[0];
        Node b = pair[1];
        Node seen = matched.putIfAbsent(a, b);
        if (seen != null) {
          if (seen != b) {
            return false;
          }
          continue;
        }
        switch (roles.get(a)) {
          case CARRY -> {
            if (b != itsCarryIn) {
              return false;
            }
          }
          case PARAM -> {
            if (b != itsParams.get(paramIndex.get(a))) {
              return false;
            }
          }
          case CAPTURE, PURE -> {
            if (!equalGraphs(a, b)) {
              return false;
            }
          }
          case BODY -> {
            if (!sameNode(a, b)) {
              return false;
            }
            for (int j = 0; j < a.inputs().size(); j++) {
              pending.push(new Node[] {a.input(j), b.input(j)});
            }
          }
          default -> throw new IllegalStateException();
        }
      }
    }
    return true;
  }

  private static Node node(Map<String, Value> state, String name) {
    return ((Value.Tensor) state.get(name)).node();
  }

  /** Whether the node is fed from outside the graph (an input, parameter or state) or is a loop of its own. */
  private static boolean fed(Node n) {
    return n.op() == Op.INPUT || n.op() == Op.PARAM || n.op() == Op.STATE || n.op() == Op.SCAN;
  }

  private static boolean sameNode(Node a, Node b) {
    return a.op() == b.op() && a.attrs().equals(b.attrs()) && a.type().equals(b.type())
        && a.inputs().size() == b.inputs().size();
  }

  /** Whether two values from outside the loop are the same node or the same computation of the same nodes. */
  private static boolean equalGraphs(Node a, Node b) {
    Map<Node, Node> matched = new IdentityHashMap<>();
    Deque<Node[]> pending = new ArrayDeque<>();
    pending.push(new Node[] {a, b});
    while (!pending.isEmpty()) {
      Node[] pair = pending.pop();
      if (pair[0] == pair[1]) {
        continue;
      }
      Node seen = matched.putIfAbsent(pair[0], pair[1]);
      if (seen != null) {
        if (seen != pair[1]) {
          return false;
        }
        continue;
      }
      if (!sameNode(pair[0], pair[1]) || fed(pair[0])) {
        return false;
      }
      for (int j = 0; j < pair[0].inputs().size(); j++) {
        pending.push(new Node[] {pair[0].input(j), pair[1].input(j)});
      }
    }
    return true;
  }

  private Rolled build(String carry, Node out, List<String> locals) {
    int n = iterations.size();
    List<Node> firstParams = iterations.get(0).params();
    int k = firstParams.size();
    NodeBuilder b = builder.at(span);
    // the stacked parameters, named for their layers
    List<Node> stacked = new ArrayList<>();
    Map<String, Node> layers = new LinkedHashMap<>();
    for (int j = 0; j < k; j++) {
      Attrs.Param p = firstParams.get(j).attrs(Attrs.Param.class);
      List<String> names = new ArrayList<>();
      for (Iteration it : iterations) {
        names.add(it.params().get(j).sourceName());
      }
      Shape shape = Scans.insert(p.shape(), 0, n);
      Node stack = builder.at(firstParams.get(j).span()).node(Op.PARAM, List.of(), new Attrs.Param(
          stackedName(names), p.dtype(), shape, p.init(), p.role(), new Attrs.Layers(names, k, j)));
      stacked.add(stack);
      for (int i = 0; i < n; i++) {
        layers.put(names.get(i), row(b, stack, i, p.shape()));
      }
    }
    // the body: the first iteration over placeholders for its carry-in, its parameters and its captures
    List<Node> placeholders = new ArrayList<>();
    Map<Node, Node> boundary = new IdentityHashMap<>();
    Node carryPlaceholder = ScanBody.placeholder(b, "carry", carryIn.type());
    placeholders.add(carryPlaceholder);
    boundary.put(carryIn, carryPlaceholder);
    for (int j = 0; j < k; j++) {
      Node slice = ScanBody.placeholder(b, "x" + j, firstParams.get(j).type());
      placeholders.add(slice);
      boundary.put(firstParams.get(j), slice);
    }
    List<Node> captures = captures(out, locals);
    for (int j = 0; j < captures.size(); j++) {
      Node c = ScanBody.placeholder(b, "c" + j, captures.get(j).type());
      placeholders.add(c);
      boundary.put(captures.get(j), c);
    }
    ScanBody body = ScanBody.of(placeholders, k, rebuild(out, boundary));
    List<Node> inputs = new ArrayList<>(List.of(carryIn));
    inputs.addAll(stacked);
    inputs.addAll(captures);
    Node scan = b.node(Op.SCAN, inputs, new Attrs.Scan(body, 0, false, false));
    return new Rolled(carry, scan, stacked, layers, lastLocals(body, stacked, captures, locals), 0);
  }

  /** Row {@code i} of a stacked parameter, as the layer's own shape. */
  private static Node row(NodeBuilder b, Node stack, int i, Shape layer) {
    return b.reshape(b.slice(stack, 0, i, i + 1), layer);
  }

  /** The values from outside the loop that the body reads, in the order first met. */
  private List<Node> captures(Node out, List<String> locals) {
    Map<Node, Boolean> found = new LinkedHashMap<>();
    List<Node> roots = new ArrayList<>(List.of(out));
    Map<String, Value> firstAfter = iterations.size() > 1 ? iterations.get(1).before() : after;
    for (String local : locals) {
      if (firstAfter.get(local) instanceof Value.Tensor t) {
        roots.add(t.node());
      }
    }
    for (Node node : PostOrder.of(roots, x -> roles.get(x) == Role.BODY ? x.inputs() : List.of())) {
      if (roles.get(node) == Role.CAPTURE) {
        found.putIfAbsent(node, true);
      }
    }
    return new ArrayList<>(found.keySet());
  }

  /** {@code root} (a node of the first iteration) with the boundary's nodes replaced. */
  private Node rebuild(Node root, Map<Node, Node> boundary) {
    Map<Node, Node> mapped = new IdentityHashMap<>(boundary);
    for (Node node : PostOrder.of(List.of(root), x -> mapped.containsKey(x) || roles.get(x) != Role.BODY
        ? List.of() : x.inputs())) {
      if (mapped.containsKey(node) || roles.get(node) != Role.BODY) {
        continue;
      }
      List<Node> inputs = new ArrayList<>(node.inputs().size());
      for (Node in : node.inputs()) {
        inputs.add(mapped.getOrDefault(in, in));
      }
      mapped.put(node, node.withInputs(inputs));
    }
    return mapped.getOrDefault(root, root);
  }

  /**
   * The names the body binds for itself, as after the last iteration: the first iteration's
   * graph over the carry after N - 1 steps (a loop of its own, dropped when nothing reads it)
   * and the last layer's parameters.
   */
  private Map<String, Value> lastLocals(ScanBody body, List<Node> stacked, List<Node> captures, List<String> locals) {
    Map<String, Value> out = new LinkedHashMap<>();
    if (locals.isEmpty()) {
      return out;
    }
    int n = iterations.size();
    NodeBuilder b = builder.at(span);
    List<Node> inputs = new ArrayList<>(List.of(carryIn));
    for (Node s : stacked) {
      inputs.add(b.slice(s, 0, 0, n - 1));
    }
    inputs.addAll(captures);
    Node before = b.node(Op.SCAN, inputs, new Attrs.Scan(body, 0, false, false));
    Map<Node, Node> boundary = new IdentityHashMap<>();
    boundary.put(carryIn, before);
    List<Node> firstParams = iterations.get(0).params();
    for (int j = 0; j < stacked.size(); j++) {
      boundary.put(firstParams.get(j), row(b, stacked.get(j), n - 1, firstParams.get(j).shape()));
    }
    Map<String, Value> firstAfter = iterations.size() > 1 ? iterations.get(1).before() : after;
    for (String local : locals) {
      Value v = firstAfter.get(local);
      out.put(local, v instanceof Value.Tensor t ? new Value.Tensor(rebuild(t.node(), boundary)) : v);
    }
    return out;
  }

  /** {@code h.*.h.W} for the layers {@code h.1.h.W ... h.N.h.W}: the parts that differ become {@code *}. */
  static String stackedName(List<String> names) {
    String[] first = names.get(0).split("\\.", -1);
    String[] second = names.get(1).split("\\.", -1);
    if (first.length != second.length) {
      return names.get(0) + "..";
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < first.length; i++) {
      parts.add(first[i].equals(second[i]) ? first[i] : "*");
    }
    return String.join(".", parts);
  }
}
