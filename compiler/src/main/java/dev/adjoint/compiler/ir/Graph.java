package dev.adjoint.compiler.ir;

import dev.adjoint.compiler.source.SourceSpan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A model as a static graph: its inputs (and targets), parameters and state in declaration
 * order, its named outputs, its scalar loss, and the new values of its state after a
 * training step. Immutable; {@link #toBuilder()} starts a modified copy.
 */
public final class Graph {
  private final String name;
  private final SourceSpan span;
  private final Map<String, Object> hyperparameters;
  private final List<Node> inputs;
  private final List<Node> params;
  private final List<Node> states;
  private final Map<String, Node> outputs;
  private final Node loss;
  private final Map<String, Node> stateUpdates;
  private final Map<String, Node> gradients;
  private List<Node> topologicalOrder;

  private Graph(Builder b) {
    this.name = Objects.requireNonNull(b.name, "name");
    this.span = Objects.requireNonNull(b.span, "span");
    this.hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(b.hyperparameters));
    this.inputs = List.copyOf(b.inputs);
    this.params = List.copyOf(b.params);
    this.states = List.copyOf(b.states);
    this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(b.outputs));
    this.loss = b.loss;
    this.stateUpdates = Collections.unmodifiableMap(new LinkedHashMap<>(b.stateUpdates));
    this.gradients = Collections.unmodifiableMap(new LinkedHashMap<>(b.gradients));
  }

  public static Builder builder(String name, SourceSpan span) {
    return new Builder(name, span);
  }

  public Builder toBuilder() {
    Builder b = new Builder(name, span);
    b.hyperparameters.putAll(hyperparameters);
    b.inputs.addAll(inputs);
    b.params.addAll(params);
    b.states.addAll(states);
    b.outputs.putAll(outputs);
    b.loss = loss;
    b.stateUpdates.putAll(stateUpdates);
    b.gradients.putAll(gradients);
    return b;
  }

  public String name() {
    return name;
  }

  /** The model declaration's span. */
  public SourceSpan span() {
    return span;
  }

  /** Hyperparameter values the graph was built with, in declaration order (Long, Double, Boolean or String). */
  public Map<String, Object> hyperparameters() {
    return hyperparameters;
  }

  /** INPUT nodes, features and targets, in declaration order. */
  public List<Node> inputs() {
    return inputs;
  }

  /** Trainable PARAM nodes in creation order. */
  public List<Node> params() {
    return params;
  }

  /** STATE nodes in creation order. */
  public List<Node> states() {
    return states;
  }

  public Map<String, Node> outputs() {
    return outputs;
  }

  /** The scalar loss, or null for a graph without one (an inference graph). */
  public Node loss() {
    return loss;
  }

  /** State name to its value after a training step. */
  public Map<String, Node> stateUpdates() {
    return stateUpdates;
  }

  /** Parameter name to the gradient of the loss with respect to it; empty for a forward graph. */
  public Map<String, Node> gradients() {
    return gradients;
  }

  /** The input, parameter or state of that name, or null. */
  public Node source(String sourceName) {
    for (List<Node> group : List.of(inputs, params, states)) {
      for (Node n : group) {
        if (n.sourceName().equals(sourceName)) {
          return n;
        }
      }
    }
    return null;
  }

  /** What the graph computes: outputs, then the loss, then state updates, then gradients. */
  public List<Node> roots() {
    List<Node> roots = new ArrayList<>(outputs.values());
    if (loss != null) {
      roots.add(loss);
    }
    roots.addAll(stateUpdates.values());
    roots.addAll(gradients.values());
    return roots;
  }

  /**
   * Every node, each after its inputs: the declared sources first in declaration order,
   * then what the roots need, depth first in input order. Deterministic for a given graph.
   */
  public List<Node> nodes() {
    if (topologicalOrder == null) {
      List<Node> order = new ArrayList<>();
      Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      for (List<Node> group : List.of(inputs, params, states)) {
        for (Node n : group) {
          if (seen.add(n)) {
            order.add(n);
          }
        }
      }
      PostOrder.appendTo(order, seen, roots(), Node::inputs);
      topologicalOrder = Collections.unmodifiableList(order);
    }
    return topologicalOrder;
  }

  /** Builds a graph; the front end and passes use it. */
  public static final class Builder {
    private final String name;
    private final SourceSpan span;
    private final Map<String, Object> hyperparameters = new LinkedHashMap<>();
    private final List<Node> inputs = new ArrayList<>();
    private final List<Node> params = new ArrayList<>();
    private final List<Node> states = new ArrayList<>();
    private final Map<String, Node> outputs = new LinkedHashMap<>();
    private Node loss;
    private final Map<String, Node> stateUpdates = new LinkedHashMap<>();
    private final Map<String, Node> gradients = new LinkedHashMap<>();

    private Builder(String name, SourceSpan span) {
      this.name = name;
      this.span = span;
    }

    /** A hyperparameter value: Long, Double, Boolean or String, so that dumps stay stable. */
    public Builder hyperparameter(String key, Object value) {
      Objects.requireNonNull(key, "hyperparameter name");
      if (!(value instanceof Long || value instanceof Double || value instanceof Boolean || value instanceof String)) {
        throw new IllegalArgumentException("hyperparameter " + key + " must be Long, Double, Boolean or String, got "
            + value);
      }
      hyperparameters.put(key, value);
      return this;
    }

    public Builder input(Node n) {
      requireOp(n, Op.INPUT);
      inputs.add(n);
      return this;
    }

    public Builder param(Node n) {
      requireOp(n, Op.PARAM);
      params.add(n);
      return this;
    }

    public Builder state(Node n) {
      requireOp(n, Op.STATE);
      states.add(n);
      return this;
    }

    public Builder output(String outputName, Node n) {
      if (outputName == null || outputName.isBlank()) {
        throw new IllegalArgumentException("an output needs a name");
      }
      outputs.put(outputName, Objects.requireNonNull(n, "output " + outputName));
      return this;
    }

    public Builder clearOutputs() {
      outputs.clear();
      return this;
    }

    public Builder loss(Node n) {
      loss = n;
      return this;
    }

    public Builder stateUpdate(String stateName, Node n) {
      stateUpdates.put(Objects.requireNonNull(stateName, "state name"), Objects.requireNonNull(n, "update of "
          + stateName));
      return this;
    }

    public Builder clearStateUpdates() {
      stateUpdates.clear();
      return this;
    }

    /** The gradient of the loss with respect to a parameter. */
    public Builder gradient(String paramName, Node n) {
      gradients.put(Objects.requireNonNull(paramName, "parameter name"), Objects.requireNonNull(n, "gradient of "
          + paramName));
      return this;
    }

    public Builder clearGradients() {
      gradients.clear();
      return this;
    }

    /** Removes declared inputs, parameters or state from the graph's interface. */
    public Builder removeSources(java.util.Collection<Node> sources) {
      Set<Node> gone = Collections.newSetFromMap(new IdentityHashMap<>());
      gone.addAll(sources);
      inputs.removeIf(gone::contains);
      params.removeIf(gone::contains);
      states.removeIf(gone::contains);
      return this;
    }

    public Builder clearLoss() {
      loss = null;
      return this;
    }

    public Graph build() {
      return new Graph(this);
    }

    private static void requireOp(Node n, Op op) {
      if (n.op() != op) {
        throw new IllegalArgumentException("expected a " + op.text() + " node, got " + n);
      }
    }
  }
}
