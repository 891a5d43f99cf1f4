package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference interpreter: evaluates a graph in f64 with plain loops, slowly and
 * obviously correctly, as the oracle for autodiff checks, the code generator and the
 * optimizers. Nodes are evaluated in an order that puts each after what it needs (no
 * recursion, so deep models are fine), each once; a MODE_SWITCH evaluates only the branch
 * its mode chooses. Every result is checked against the shape the IR declares for it.
 */
public final class Interpreter {
  private final Graph graph;

  public Interpreter(Graph graph) {
    this.graph = graph;
  }

  public Graph graph() {
    return graph;
  }

  /** Evaluates every root of the graph: outputs, loss and state updates. */
  public Evaluation evaluate(Feed feed) {
    IdentityHashMap<Node, F64Tensor> values = new IdentityHashMap<>();
    int batch = run(graph.roots(), feed, values);
    Map<String, F64Tensor> outputs = new LinkedHashMap<>();
    graph.outputs().forEach((name, node) -> outputs.put(name, values.get(node)));
    Map<String, F64Tensor> stateUpdates = new LinkedHashMap<>();
    graph.stateUpdates().forEach((name, node) -> stateUpdates.put(name, values.get(node)));
    F64Tensor loss = graph.loss() == null ? null : values.get(graph.loss());
    return new Evaluation(outputs, loss, stateUpdates, values, batch);
  }

  /** {@link #evaluate(Feed)} with the feed spelt out. */
  public Evaluation evaluate(Map<String, F64Tensor> inputs, Map<String, F64Tensor> params, Map<String, F64Tensor> states,
      Mode mode, long seed, long step) {
    return evaluate(new Feed(inputs, params, states, mode, seed, step));
  }

  /**
   * Evaluates only the given nodes and what they need (they need not be roots of the graph);
   * the result has no outputs, loss or state updates, only {@link Evaluation#value} of them.
   * The graph still declares the inputs, parameters and states the feed is checked against.
   */
  public Evaluation evaluateNodes(List<Node> targets, Feed feed) {
    IdentityHashMap<Node, F64Tensor> values = new IdentityHashMap<>();
    int batch = run(targets, feed, values);
    return new Evaluation(Map.of(), null, Map.of(), values, batch);
  }

  /** The value of one node, evaluating what it needs. */
  public F64Tensor value(Node node, Feed feed) {
    return evaluateNodes(List.of(node), feed).value(node);
  }

  /** Evaluates the targets into {@code values}; returns the batch size (-1 if unknown). */
  private int run(List<Node> targets, Feed feed, IdentityHashMap<Node, F64Tensor> values) {
    List<Node> order = EvaluationOrder.of(targets, feed.mode());
    SourceValues sources = SourceValues.bind(graph, order, feed);
    Batch batch = sources.batch();
    for (Node node : order) {
      values.put(node, node.op().isSource() && node.op() != Op.CONST
          ? sources.value(node) : compute(node, values, batch, feed));
    }
    return batch.size();
  }

  /** A computed node's value, with any error located at the node's .nn text. */
  static F64Tensor compute(Node node, IdentityHashMap<Node, F64Tensor> values, Batch batch, Feed feed) {
    try {
      F64Tensor value;
      if (node.op() == Op.MODE_SWITCH) {
        value = values.get(EvaluationOrder.chosen(node, feed.mode()));
      } else {
        List<F64Tensor> in = new ArrayList<>(node.inputs().size());
        for (Node input : node.inputs()) {
          in.add(values.get(input));
        }
        value = OpKernels.apply(node, in, batch, feed);
      }
      int[] expected = batch.concrete(node.shape());
      if (!Arrays.equals(expected, value.shape())) {
        throw new IllegalStateException(node + " produced shape " + Arrays.toString(value.shape())
            + " but its type says " + Arrays.toString(expected));
      }
      return value;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(node.op().text() + " at " + node.span().location() + ": " + e.getMessage(),
          e);
    }
  }
}
