package dev.adjoint.compiler.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The derivative of {@link Op#SCAN}: back-propagation through time as more loops. Where the
 * step's values can lie side by side, {@link ScanBackward} builds one backward loop (and
 * weight gradients as single products after it). Otherwise, with h_t the carry after step t
 * (the stacked result H), f the body and c_t the whole cotangent of h_t, a reverse loop
 * computes c_t = g_t + ∂f/∂h(h_t, x_{t+1})ᵀ c_{t+1} from the saved states; then a loop per
 * sequence gives its cotangent ∂f/∂x(h_{t-1}, x_t)ᵀ c_t step by step, a loop per constant
 * sums ∂f/∂w(h_{t-1}, x_t)ᵀ c_t over the steps (its carry is the sum, so nothing grows with
 * T), and the init's cotangent is ∂f/∂h(h_0⁻, x_0)ᵀ c_0. Each loop's body is the body's own
 * vector-Jacobian product, built from primitives, so the backward pass stays in the IR; each
 * backward loop recomputes the step it differentiates rather than saving its intermediates.
 *
 * <p>A reverse loop's derivative is the mirror image (its cotangents run forwards), so the
 * backward loops can be differentiated again: second derivatives through a scan are loops
 * too. Forward mode (a tangent through the loop) is not built: asking for one is a
 * {@link ShapeException} saying so.
 */
final class ScanDerivative {
  private ScanDerivative() {}

  static Derivative rule() {
    return Derivative.everyInput(ScanDerivative::vjp, ScanDerivative::jvp);
  }

  private static List<Node> vjp(NodeBuilder b, Node n, Node g) {
    Attrs.Scan scan = n.attrs(Attrs.Scan.class);
    boolean reverse = scan.reverse();
    int steps = Scans.length(n);
    int axis = scan.axis();
    if (!scan.stacked()) {
      // the last carry is the last row of the stacked carries: the same loop, stacked
      Node stacked = b.node(Op.SCAN, n.inputs(), new Attrs.Scan(scan.body(), axis, reverse, true));
      Node row = b.reshape(g, Scans.insert(g.shape(), axis, 1));
      return vjp(b, stacked, steps == 1 ? row : reverse ? b.pad(row, axis, 0, steps - 1)
          : b.pad(row, axis, steps - 1, 0));
    }
    List<Node> fused = ScanBackward.vjp(b, n, g);
    if (fused != null) {
      return fused;
    }
    ScanBody body = scan.body();
    int m = body.sequences();
    Node init = n.input(0);
    List<Node> sequences = n.inputs().subList(1, 1 + m);
    List<Node> constants = n.inputs().subList(1 + m, n.inputs().size());
    Node previous = previous(b, n, axis, steps, reverse);
    // c_t, from the last step back: a loop the other way
    List<Node> reverseInputs = new ArrayList<>();
    reverseInputs.add(zeros(b, init.type()));
    reverseInputs.add(g);
    reverseInputs.add(n);
    for (Node x : sequences) {
      reverseInputs.add(following(b, x, axis, steps, reverse));
    }
    reverseInputs.addAll(constants);
    Node cotangents = b.node(Op.SCAN, reverseInputs, new Attrs.Scan(reverseBody(b, body), axis, !reverse, true));
    // each step's inputs, for the loops that differentiate a step: h_{t-1}, x_t, c_t
    List<Node> stepSequences = new ArrayList<>();
    stepSequences.add(previous);
    stepSequences.addAll(sequences);
    stepSequences.add(cotangents);
    List<Node> out = new ArrayList<>();
    int at = reverse ? steps - 1 : 0;
    List<Node> firstStep = new ArrayList<>();
    firstStep.add(init);
    for (Node x : sequences) {
      firstStep.add(b.reshape(b.slice(x, axis, at, at + 1), Scans.remove(x.shape(), axis)));
    }
    firstStep.addAll(constants);
    firstStep.add(b.reshape(b.slice(cotangents, axis, at, at + 1), init.shape()));
    out.add(stepVjp(b, body, 0).instantiate(firstStep));
    for (int i = 0; i < m; i++) {
      Node x = sequences.get(i);
      if (!x.dtype().isFloat()) {
        out.add(null);
        continue;
      }
      List<Node> inputs = new ArrayList<>();
      inputs.add(zeros(b, body.slice(i).type()));
      inputs.addAll(stepSequences);
      inputs.addAll(constants);
      out.add(b.node(Op.SCAN, inputs, new Attrs.Scan(perStepBody(b, body, 1 + i, false), axis, false, true)));
    }
    for (int j = 0; j < constants.size(); j++) {
      Node w = constants.get(j);
      if (!w.dtype().isFloat()) {
        out.add(null);
        continue;
      }
      List<Node> inputs = new ArrayList<>();
      inputs.add(zeros(b, w.type()));
      inputs.addAll(stepSequences);
      inputs.addAll(constants);
      out.add(b.node(Op.SCAN, inputs, new Attrs.Scan(perStepBody(b, body, 1 + m + j, true), axis, false, false)));
    }
    return out;
  }

  private static Node jvp(NodeBuilder b, Node n, List<Node> tangents) {
    throw new ShapeException("forward-mode derivatives (jvp) through a recurrent loop (scan) are not supported",
        "use reverse mode (grad) through rnn, lstm, gru or scan");
  }

  /** The carry before each step of the stacked SCAN {@code n}: the init at the first step, the step before's carry at the others. */
  static Node previous(NodeBuilder b, Node n, int axis, int steps, boolean reverse) {
    Node init = n.input(0);
    Node first = b.reshape(init, Scans.insert(init.shape(), axis, 1));
    return steps == 1 ? first : reverse ? b.concat(List.of(b.slice(n, axis, 1, steps), first), axis)
        : b.concat(List.of(first, b.slice(n, axis, 0, steps - 1)), axis);
  }

  /**
   * The sequence's slice at the step after each step (x_{t+1}, or x_{t-1} for a reverse
   * loop), zeros after the last step.
   */
  static Node following(NodeBuilder b, Node x, int axis, int steps, boolean reverse) {
    if (steps == 1) {
      return zeros(b, x.type());
    }
    return reverse ? b.pad(b.slice(x, axis, 0, steps - 1), axis, 1, 0) : b.pad(b.slice(x, axis, 1, steps), axis, 0, 1);
  }

  static Node zeros(NodeBuilder b, TensorType type) {
    return b.broadcastTo(b.constant(0, type.dtype()), type.shape());
  }

  /** (c_{t+1}; g_t, h_t, x_{t+1}...; w...) ↦ g_t + ∂f/∂h(h_t, x_{t+1}, w)ᵀ c_{t+1}. */
  private static ScanBody reverseBody(NodeBuilder b, ScanBody body) {
    TensorType carry = body.carry().type();
    List<Node> placeholders = new ArrayList<>();
    Node c = ScanBody.placeholder(b, "c", carry);
    Node g = ScanBody.placeholder(b, "g", carry);
    Node h = ScanBody.placeholder(b, "h", carry);
    placeholders.addAll(List.of(c, g, h));
    List<Node> actuals = new ArrayList<>(List.of(h));
    for (int i = 0; i < body.sequences(); i++) {
      Node x = ScanBody.placeholder(b, "x" + i, body.slice(i).type());
      placeholders.add(x);
      actuals.add(x);
    }
    for (int j = 0; j < body.constants(); j++) {
      Node w = ScanBody.placeholder(b, "w" + j, body.constant(j).type());
      placeholders.add(w);
      actuals.add(w);
    }
    Node step = body.instantiate(actuals);
    Node dh = cotangent(b, step, c, h);
    return ScanBody.of(placeholders, 2 + body.sequences(), b.add(g, dh));
  }

  /**
   * (h, x..., w..., c) ↦ ∂f/∂(input k)(h, x, w)ᵀ c, as a body whose "carry" is h, to
   * instantiate outside a loop.
   */
  private static ScanBody stepVjp(NodeBuilder b, ScanBody body, int k) {
    List<Node> placeholders = new ArrayList<>();
    for (int i = 0; i < body.placeholders().size(); i++) {
      placeholders.add(ScanBody.placeholder(b, "p" + i, body.placeholders().get(i).type()));
    }
    Node c = ScanBody.placeholder(b, "c", body.carry().type());
    Node step = body.instantiate(placeholders);
    Node d = cotangent(b, step, c, placeholders.get(k));
    placeholders.add(c);
    return ScanBody.of(placeholders, body.sequences(), d);
  }

  /**
   * The body of a loop over (h_{t-1}, x_t..., c_t) with constants w: its carry becomes the
   * cotangent of input k at each step ({@code sum} false) or the running sum of them.
   */
  static ScanBody perStepBody(NodeBuilder b, ScanBody body, int k, boolean sum) {
    Node acc = ScanBody.placeholder(b, "acc", body.placeholders().get(k).type());
    List<Node> placeholders = new ArrayList<>(List.of(acc));
    List<Node> actuals = new ArrayList<>();
    Node h = ScanBody.placeholder(b, "h", body.carry().type());
    placeholders.add(h);
    actuals.add(h);
    for (int i = 0; i < body.sequences(); i++) {
      Node x = ScanBody.placeholder(b, "x" + i, body.slice(i).type());
      placeholders.add(x);
      actuals.add(x);
    }
    Node c = ScanBody.placeholder(b, "c", body.carry().type());
    placeholders.add(c);
    for (int j = 0; j < body.constants(); j++) {
      Node w = ScanBody.placeholder(b, "w" + j, body.constant(j).type());
      placeholders.add(w);
      actuals.add(w);
    }
    Node step = body.instantiate(actuals);
    Node d = cotangent(b, step, c, actuals.get(k));
    return ScanBody.of(placeholders, 2 + body.sequences(), sum ? b.add(acc, d) : d);
  }

  /**
   * The vector-Jacobian product of {@code output} with the cotangent {@code seed}, for input
   * {@code wrt} (zeros when the output does not depend on it): reverse accumulation over the
   * step's nodes by each op's own rule, as autodiff's reverse mode does from a scalar.
   */
  static Node cotangent(NodeBuilder b, Node output, Node seed, Node wrt) {
    Node result = cotangents(b, output, seed, List.of(wrt)).get(wrt);
    return result != null ? result : zeros(b, wrt.type());
  }

  /**
   * The cotangents, for the seed {@code seed} of {@code output}, of every node of the step
   * that depends on one of {@code sources} (the sources included): one reverse sweep for all
   * of them. A node on no path from a source is missing from the map.
   */
  static Map<Node, Node> cotangents(NodeBuilder b, Node output, Node seed, List<Node> sources) {
    List<Node> order = PostOrder.of(List.of(output));
    Set<Node> needed = Collections.newSetFromMap(new IdentityHashMap<>());
    needed.addAll(sources);
    for (Node node : order) {
      for (int i = 0; i < node.inputs().size(); i++) {
        if (node.op().derivative().differentiable(i) && needed.contains(node.input(i))) {
          needed.add(node);
          break;
        }
      }
    }
    Map<Node, Node> cotangents = new IdentityHashMap<>();
    if (!needed.contains(output)) {
      return cotangents;
    }
    cotangents.put(output, seed);
    for (int i = order.size() - 1; i >= 0; i--) {
      Node node = order.get(i);
      Node g = cotangents.get(node);
      if (g == null || node.inputs().isEmpty()) {
        continue;
      }
      List<Node> contributions = node.op().derivative().vjp(b.at(node.span()), node, g);
      for (int k = 0; k < node.inputs().size(); k++) {
        Node input = node.input(k);
        Node d = k < contributions.size() ? contributions.get(k) : null;
        if (d == null || !needed.contains(input)) {
          continue;
        }
        Node before = cotangents.get(input);
        cotangents.put(input, before == null ? d : b.at(input.span()).add(before, d));
      }
    }
    return cotangents;
  }
}
