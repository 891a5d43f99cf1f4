package dev.adjoint.compiler.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks the invariants every graph keeps between passes: each node's type is what
 * {@link ShapeRules} gives for its inputs, every source it reads is declared, the loss is a
 * float scalar, state updates fit their states, random streams are not shared by different
 * draws, the batch dimension B sits where the code generator expects it, and hyperparameters
 * are of the kinds a dump prints stably. Tests run it after every pass; a problem here is a
 * compiler bug, not a user error.
 *
 * <p>Messages name nodes by their {@link TextDump} number and op, e.g.
 * {@code %7 matmul: stored f32[B,10] but inputs give f32[B,12]}.
 */
public final class Verifier {
  private Verifier() {}

  /** Every problem found, in a stable order; empty when the graph is sound. */
  public static List<String> verify(Graph graph) {
    List<String> problems = new ArrayList<>();
    checkRootsPresent(graph, problems);
    if (!problems.isEmpty()) {
      return problems; // the graph cannot even be walked
    }
    List<Node> nodes = graph.nodes();
    NodeNumbering numbering = NodeNumbering.of(nodes);
    for (Node n : nodes) {
      checkNode(n, numbering, problems);
      if (n.op() == Op.SCAN && n.attrs() instanceof Attrs.Scan scan) {
        ScanBodyCheck.check(numbering.describe(n), scan.body(), problems);
      }
    }
    checkSourcesDeclared(graph, nodes, numbering, problems);
    checkSourceNamesUnique(graph, numbering, problems);
    checkOutputs(graph, problems);
    checkHyperparameters(graph, problems);
    checkLoss(graph, numbering, problems);
    checkStateUpdates(graph, numbering, problems);
    checkGradients(graph, numbering, problems);
    checkRandomStreams(nodes, numbering, problems);
    return problems;
  }

  /** Throws {@link IllegalStateException} listing every problem, if there are any. */
  public static void check(Graph graph) {
    check(graph, null);
  }

  /**
   * As {@link #check(Graph)}, saying in the message what produced the graph, e.g. the pass
   * just run ({@code "after cse"}); {@code context} may be null.
   */
  public static void check(Graph graph, String context) {
    List<String> problems = verify(graph);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("graph " + graph.name() + (context == null ? "" : " " + context)
          + " is malformed (" + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "):\n  "
          + String.join("\n  ", problems));
    }
  }

  /** Null roots would stop {@link Graph#nodes()}; reported before anything else. */
  private static void checkRootsPresent(Graph graph, List<String> problems) {
    for (Map.Entry<String, Node> e : graph.outputs().entrySet()) {
      if (e.getValue() == null) {
        problems.add("output " + e.getKey() + " has no node");
      }
    }
    for (Map.Entry<String, Node> e : graph.stateUpdates().entrySet()) {
      if (e.getValue() == null) {
        problems.add("state update " + e.getKey() + " has no node");
      }
    }
  }

  static void checkNode(Node n, NodeNumbering numbering, List<String> problems) {
    String who = numbering.describe(n);
    if (n.span() == null) {
      problems.add(who + ": has no source span");
    }
    boolean arityOk = n.op().arity() == Op.VARIADIC || n.inputs().size() == n.op().arity();
    if (!arityOk) {
      problems.add(who + ": has " + n.inputs().size() + (n.inputs().size() == 1 ? " input" : " inputs")
          + " but " + n.op().text() + " takes " + n.op().arity());
    }
    boolean attrsOk = n.op().attrsType().isInstance(n.attrs());
    if (!attrsOk) {
      problems.add(who + ": has " + (n.attrs() == null ? "no" : n.attrs().getClass().getSimpleName())
          + " attributes but " + n.op().text() + " takes " + n.op().attrsType().getSimpleName());
    }
    if (arityOk && attrsOk) {
      List<TensorType> inputTypes = new ArrayList<>();
      for (Node in : n.inputs()) {
        inputTypes.add(in.type());
      }
      try {
        TensorType inferred = ShapeRules.infer(n.op(), inputTypes, n.attrs());
        if (!inferred.equals(n.type())) {
          problems.add(who + ": stored " + n.type() + " but " + (n.inputs().isEmpty() ? "attributes" : "inputs")
              + " give " + inferred);
        }
      } catch (ShapeException e) {
        problems.add(who + ": " + (n.inputs().isEmpty() ? "attributes" : "inputs") + " do not fit: " + e.getMessage());
      }
    }
    if (n.type() == null) {
      return;
    }
    Shape shape = n.shape();
    if (n.op() == Op.INPUT && shape.hasBatch() && shape.batchAxis() != 0) {
      problems.add(who + ": the batch dimension B must be axis 0, got " + n.type());
    }
    if ((n.op() == Op.PARAM || n.op() == Op.STATE) && shape.hasBatch()) {
      problems.add(who + ": a " + n.op().text() + " cannot depend on the batch size B, got " + n.type());
    }
  }

  /** Sources reachable from the roots must be the very nodes the graph declares. */
  private static void checkSourcesDeclared(Graph graph, List<Node> nodes, NodeNumbering numbering,
      List<String> problems) {
    Map<Op, List<Node>> declared = Map.of(Op.INPUT, graph.inputs(), Op.PARAM, graph.params(),
        Op.STATE, graph.states());
    Map<Op, String> listName = Map.of(Op.INPUT, "inputs", Op.PARAM, "params", Op.STATE, "states");
    Set<Node> all = Collections.newSetFromMap(new IdentityHashMap<>());
    for (List<Node> group : declared.values()) {
      all.addAll(group);
    }
    for (Node n : nodes) {
      List<Node> group = declared.get(n.op());
      if (group == null || all.contains(n)) {
        continue;
      }
      String message = numbering.describe(n) + ": undeclared; not among the graph's " + listName.get(n.op());
      Node sameName = n.sourceName() == null ? null : declaredNamed(n.sourceName(), graph.inputs(),
          graph.params(), graph.states());
      if (sameName != null) {
        message += " (" + numbering.describe(sameName) + " is declared under that name)";
      }
      problems.add(message);
    }
  }

  private static void checkSourceNamesUnique(Graph graph, NodeNumbering numbering, List<String> problems) {
    Map<String, List<Node>> byName = new LinkedHashMap<>();
    for (List<Node> group : List.of(graph.inputs(), graph.params(), graph.states())) {
      for (Node n : group) {
        byName.computeIfAbsent(n.sourceName(), k -> new ArrayList<>()).add(n);
      }
    }
    for (Map.Entry<String, List<Node>> e : byName.entrySet()) {
      if (e.getValue().size() > 1) {
        List<String> who = new ArrayList<>();
        for (Node n : e.getValue()) {
          who.add(numbering.describe(n));
        }
        problems.add("source name " + e.getKey() + " is declared " + e.getValue().size() + " times: "
            + String.join(", ", who));
      }
    }
  }

  private static void checkOutputs(Graph graph, List<String> problems) {
    for (String name : graph.outputs().keySet()) {
      if (name == null || name.isBlank()) {
        problems.add("an output has an empty name");
      }
    }
  }

  /** Dumps print these with {@link String#valueOf}; other kinds would print unstably or not at all. */
  private static void checkHyperparameters(Graph graph, List<String> problems) {
    for (Map.Entry<String, Object> e : graph.hyperparameters().entrySet()) {
      Object v = e.getValue();
      if (!(v instanceof Long || v instanceof Double || v instanceof Boolean || v instanceof String)) {
        problems.add("hyperparameter " + e.getKey() + " has a value of type "
            + (v == null ? "null" : v.getClass().getSimpleName()) + "; expected Long, Double, Boolean or String");
      }
    }
  }

  private static void checkLoss(Graph graph, NodeNumbering numbering, List<String> problems) {
    Node loss = graph.loss();
    if (loss != null && (!loss.dtype().isFloat() || !loss.shape().isScalar())) {
      problems.add("loss " + numbering.describe(loss) + ": must be a float scalar, got " + loss.type());
    }
  }

  private static void checkStateUpdates(Graph graph, NodeNumbering numbering, List<String> problems) {
    for (Map.Entry<String, Node> e : graph.stateUpdates().entrySet()) {
      String name = e.getKey();
      Node update = e.getValue();
      Node state = declaredNamed(name, graph.states());
      if (state == null) {
        problems.add("state " + name + " <- " + numbering.describe(update) + ": no state of that name is declared");
      } else if (!state.type().equals(update.type())) {
        problems.add("state " + name + " <- " + numbering.describe(update) + ": gives " + update.type()
            + " but " + numbering.describe(state) + " is " + state.type());
      }
    }
  }

  private static void checkGradients(Graph graph, NodeNumbering numbering, List<String> problems) {
    for (Map.Entry<String, Node> e : graph.gradients().entrySet()) {
      Node param = declaredNamed(e.getKey(), graph.params());
      if (param == null) {
        problems.add("grad " + e.getKey() + " = " + numbering.describe(e.getValue())
            + ": no parameter of that name is declared");
      } else if (!param.type().equals(e.getValue().type())) {
        problems.add("grad " + e.getKey() + " = " + numbering.describe(e.getValue()) + ": gives "
            + e.getValue().type() + " but " + numbering.describe(param) + " is " + param.type());
      }
    }
  }

  /** The first of the declared sources with that name, or null. */
  @SafeVarargs
  private static Node declaredNamed(String name, List<Node>... groups) {
    for (List<Node> group : groups) {
      for (Node n : group) {
        if (Objects.equals(n.sourceName(), name)) {
          return n;
        }
      }
    }
    return null;
  }

  /** Two draws on one stream give the same numbers; that is only right for the very same draw. */
  private static void checkRandomStreams(List<Node> nodes, NodeNumbering numbering, List<String> problems) {
    Map<Integer, Node> firstByStream = new TreeMap<>();
    for (Node n : nodes) {
      if (n.op() != Op.RANDOM_UNIFORM || !(n.attrs() instanceof Attrs.Random r)) {
        continue;
      }
      Node first = firstByStream.putIfAbsent(r.stream(), n);
      if (first != null && !first.attrs().equals(n.attrs())) {
        problems.add(numbering.describe(n) + ": shares stream " + r.stream() + " with "
            + numbering.describe(first) + " but draws " + n.type() + " where that draws " + first.type());
      }
    }
  }
}
