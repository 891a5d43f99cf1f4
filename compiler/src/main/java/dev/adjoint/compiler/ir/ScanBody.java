package dev.adjoint.compiler.ir;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The graph one step of a {@link Op#SCAN} computes: from its placeholders (INPUT nodes, in
 * order: the carry, one slice per sequence, then the constants the step reads, such as
 * weights) to the next carry. A body holds no parameter, state, random draw or mode switch
 * of its own: everything from outside comes in through a placeholder, so the step is a pure
 * function of them ({@link Verifier} checks this). Identity is the object.
 */
public final class ScanBody {
  private final List<Node> placeholders;
  private final int sequences;
  private final Node result;
  private List<Node> nodes;

  private ScanBody(List<Node> placeholders, int sequences, Node result) {
    this.placeholders = List.copyOf(placeholders);
    this.sequences = sequences;
    this.result = Objects.requireNonNull(result, "result");
  }

  /**
   * A body over {@code placeholders} (carry, sequence slices, constants; each an INPUT node
   * made by {@link #placeholder}) whose next carry is {@code result}.
   */
  public static ScanBody of(List<Node> placeholders, int sequences, Node result) {
    if (placeholders.isEmpty() || sequences < 1 || sequences >= placeholders.size()) {
      throw new IllegalArgumentException("a scan body takes a carry and at least one sequence, got "
          + placeholders.size() + " placeholders with " + sequences + " sequences");
    }
    for (Node p : placeholders) {
      if (p.op() != Op.INPUT) {
        throw new IllegalArgumentException("a scan body's placeholder must be an input node, got " + p);
      }
    }
    if (!result.type().equals(placeholders.get(0).type())) {
      throw new IllegalArgumentException("a scan body gives " + result.type() + " for a carry of type "
          + placeholders.get(0).type());
    }
    return new ScanBody(placeholders, sequences, result);
  }

  /** A placeholder of a body: an INPUT node named for its role ({@code carry}, {@code x0}, {@code c1}). */
  public static Node placeholder(NodeBuilder b, String name, TensorType type) {
    return b.node(Op.INPUT, List.of(), new Attrs.Input(name, type.dtype(), type.shape(), false, 0, List.of()));
  }

  /** Carry, sequence slices and constants, in that order. */
  public List<Node> placeholders() {
    return placeholders;
  }

  public Node carry() {
    return placeholders.get(0);
  }

  public int sequences() {
    return sequences;
  }

  /** The slice placeholder of sequence {@code i}. */
  public Node slice(int i) {
    return placeholders.get(1 + i);
  }

  /** How many constants the step reads. */
  public int constants() {
    return placeholders.size() - 1 - sequences;
  }

  public Node constant(int i) {
    return placeholders.get(1 + sequences + i);
  }

  /** The next carry. */
  public Node result() {
    return result;
  }

  /** The step's nodes, each after its inputs (placeholders the result does not read are left out). */
  public List<Node> nodes() {
    if (nodes == null) {
      nodes = PostOrder.of(List.of(result));
    }
    return nodes;
  }

  /**
   * The step's result computed from {@code actuals} in place of the placeholders (in their
   * order): the body's nodes copied over the actual values, with their spans.
   */
  public Node instantiate(List<Node> actuals) {
    return instantiate(actuals, result);
  }

  /** {@code target} (a node of this body) computed from {@code actuals} in place of the placeholders. */
  public Node instantiate(List<Node> actuals, Node target) {
    return copies(actuals, PostOrder.of(List.of(target))).get(target);
  }

  /**
   * Every node of the step computed from {@code actuals} in place of the placeholders, as
   * {@link #instantiate} does for the result: each of the body's nodes (placeholders
   * included) mapped to its copy, for rules that need the copies of inner nodes too.
   */
  public Map<Node, Node> instantiateAll(List<Node> actuals) {
    return copies(actuals, nodes());
  }

  /** The copies of {@code order}'s nodes (inputs before users) over {@code actuals}, placeholders mapped to them. */
  private Map<Node, Node> copies(List<Node> actuals, List<Node> order) {
    if (actuals.size() != placeholders.size()) {
      throw new IllegalArgumentException("a scan body takes " + placeholders.size() + " values, got " + actuals.size());
    }
    Map<Node, Node> mapped = new IdentityHashMap<>();
    for (int i = 0; i < actuals.size(); i++) {
      if (!actuals.get(i).type().equals(placeholders.get(i).type())) {
        throw new IllegalArgumentException("scan body value " + i + " has type " + actuals.get(i).type()
            + " where " + placeholders.get(i).type() + " is expected");
      }
      mapped.put(placeholders.get(i), actuals.get(i));
    }
    for (Node n : order) {
      if (mapped.containsKey(n)) {
        continue;
      }
      List<Node> inputs = new ArrayList<>(n.inputs().size());
      boolean changed = false;
      for (Node in : n.inputs()) {
        Node m = mapped.getOrDefault(in, in);
        inputs.add(m);
        changed |= m != in;
      }
      mapped.put(n, changed ? n.withInputs(inputs) : n);
    }
    return mapped;
  }

  @Override
  public String toString() {
    return "body of " + nodes().size() + " nodes";
  }
}
