package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Node;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one interpreter run computed: the graph's outputs by name, its loss (or null), the new
 * values of its state by state name, and the value of every node it evaluated.
 */
public final class Evaluation {
  private final Map<String, F64Tensor> outputs;
  private final F64Tensor loss;
  private final Map<String, F64Tensor> stateUpdates;
  private final IdentityHashMap<Node, F64Tensor> values;
  private final int batch;

  Evaluation(Map<String, F64Tensor> outputs, F64Tensor loss, Map<String, F64Tensor> stateUpdates,
      IdentityHashMap<Node, F64Tensor> values, int batch) {
    this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    this.loss = loss;
    this.stateUpdates = Collections.unmodifiableMap(new LinkedHashMap<>(stateUpdates));
    this.values = values;
    this.batch = batch;
  }

  /** Outputs by name, in the graph's order; empty when only chosen nodes were evaluated. */
  public Map<String, F64Tensor> outputs() {
    return outputs;
  }

  /** One output; an {@link IllegalArgumentException} naming the known ones if there is none of that name. */
  public F64Tensor output(String name) {
    F64Tensor t = outputs.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no output '" + name + "'; outputs: " + outputs.keySet());
    }
    return t;
  }

  /** The scalar loss, or null for a graph without one (or a run of chosen nodes). */
  public F64Tensor loss() {
    return loss;
  }

  /** New state values by state name, in the graph's order. */
  public Map<String, F64Tensor> stateUpdates() {
    return stateUpdates;
  }

  /** True if the run evaluated this node (a mode switch's other branch is not evaluated). */
  public boolean evaluated(Node node) {
    return values.containsKey(node);
  }

  /** The value of an evaluated node; an {@link IllegalArgumentException} if it was not evaluated. */
  public F64Tensor value(Node node) {
    F64Tensor t = values.get(node);
    if (t == null) {
      throw new IllegalArgumentException("node " + node + " at " + node.span().location() + " was not evaluated");
    }
    return t;
  }

  /** How many nodes were evaluated. */
  public int evaluatedCount() {
    return values.size();
  }

  /** The batch size B of the run, or -1 if no input had a batch dimension. */
  public int batch() {
    return batch;
  }
}
