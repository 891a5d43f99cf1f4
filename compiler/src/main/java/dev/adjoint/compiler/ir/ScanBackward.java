package dev.adjoint.compiler.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SCAN's reverse-mode rule as one backward loop, where the step's values allow it: the loop
 * runs the other way over (g_t, h_{t-1}, x_t), recomputes step t once and, from its cotangent
 * c_t = g_t + a_{t+1}, gives side by side in its carry a_t = ∂f/∂hᵀ c_t (the cotangent of the
 * step's incoming carry), each sequence's cotangent ∂f/∂xᵀ c_t, and, for every matrix product
 * u·w of the body whose right operand w is a constant, its left operand u_t and the product's
 * cotangent dz_t. The init's cotangent is the first step's a; a constant read only by such
 * products gets Σ_t u_tᵀ·dz_t as one product over all the steps after the loop (the steps'
 * leading axes contracted by MATMUL's own rule) instead of a loop of small ones; any other
 * constant keeps {@link ScanDerivative}'s summing loop, fed with c_t. Memory is O(T) of the
 * carry, the sequences' slices and the products' operands, never O(T) weights.
 *
 * <p>It applies when all of those values have one floating-point dtype and one rank r, the
 * same dimensions but the last, and the loop's axis is before the last (they are then
 * concatenated along the last axis), as for rnn, lstm and gru over [B, T, k]; otherwise
 * {@link #vjp} gives null and {@link ScanDerivative} builds its loops. The backward loop is an
 * ordinary SCAN over a body built from differentiable ops, so it differentiates again.
 */
final class ScanBackward {
  private ScanBackward() {}

  /**
   * The cotangents of a stacked SCAN {@code n}'s inputs for the cotangent {@code g} of its
   * result (null for inputs that are not floating point), or null when the layout does not fit.
   */
  static List<Node> vjp(NodeBuilder b, Node n, Node g) {
    Attrs.Scan scan = n.attrs(Attrs.Scan.class);
    ScanBody body = scan.body();
    int axis = scan.axis();
    int steps = Scans.length(n);
    int m = body.sequences();
    List<List<Node>> products = new ArrayList<>();
    List<TensorType> parts = new ArrayList<>(List.of(body.carry().type()));
    for (int i = 0; i < m; i++) {
      if (body.slice(i).dtype().isFloat()) {
        parts.add(body.slice(i).type());
      }
    }
    for (int j = 0; j < body.constants(); j++) {
      List<Node> uses = products(body, body.constant(j));
      products.add(uses);
      for (Node z : uses) {
        parts.add(z.input(0).type());
        parts.add(z.type());
      }
    }
    if (!sideBySide(parts, axis)) {
      return null;
    }
    Node init = n.input(0);
    List<Node> sequences = n.inputs().subList(1, 1 + m);
    List<Node> constants = n.inputs().subList(1 + m, n.inputs().size());
    Node previous = ScanDerivative.previous(b, n, axis, steps, scan.reverse());
    ScanBody backward = backwardBody(b, body, parts, products);
    List<Node> inputs = new ArrayList<>();
    inputs.add(ScanDerivative.zeros(b, wide(parts)));
    inputs.add(g);
    inputs.add(previous);
    if (backward.sequences() > 2 + m) {
      inputs.add(n);
    }
    inputs.addAll(sequences);
    inputs.addAll(constants);
    Node loop = b.node(Op.SCAN, inputs, new Attrs.Scan(backward, axis, !scan.reverse(), true));
    // the loop's result, part by part, each stacked along the axis
    int last = loop.shape().rank() - 1;
    int[] offset = {0};
    java.util.function.Function<TensorType, Node> next = type -> {
      int from = offset[0];
      offset[0] += type.shape().last();
      return parts.size() == 1 ? loop : b.slice(loop, last, from, offset[0]);
    };
    Node a = next.apply(body.carry().type());
    int at = scan.reverse() ? steps - 1 : 0;
    List<Node> out = new ArrayList<>();
    out.add(b.reshape(b.slice(a, axis, at, at + 1), init.shape()));
    for (int i = 0; i < m; i++) {
      out.add(body.slice(i).dtype().isFloat() ? next.apply(body.slice(i).type()) : null);
    }
    Node c = null;
    for (int j = 0; j < constants.size(); j++) {
      Node w = constants.get(j);
      List<Node> uses = products.get(j);
      if (!uses.isEmpty()) {
        Node sum = null;
        for (Node z : uses) {
          Node u = next.apply(z.input(0).type());
          Node dz = next.apply(z.type());
          Node all = b.node(Op.MATMUL, List.of(u, w), z.attrs());
          Node d = Op.MATMUL.derivative().vjp(b, all, dz).get(1);
          sum = sum == null ? d : b.add(sum, d);
        }
        out.add(sum);
      } else if (!w.dtype().isFloat()) {
        out.add(null);
      } else {
        if (c == null) {
          c = b.add(g, ScanDerivative.following(b, a, axis, steps, scan.reverse()));
        }
        List<Node> sums = new ArrayList<>();
        sums.add(ScanDerivative.zeros(b, w.type()));
        sums.add(previous);
        sums.addAll(sequences);
        sums.add(c);
        sums.addAll(constants);
        out.add(b.node(Op.SCAN, sums,
            new Attrs.Scan(ScanDerivative.perStepBody(b, body, 1 + m + j, true), axis, false, false)));
      }
    }
    return out;
  }

  /**
   * The body's matrix products reading {@code w} as their right operand, untransposed on the
   * left; empty when {@code w} is not a floating-point matrix or is read in any other way.
   */
  static List<Node> products(ScanBody body, Node w) {
    List<Node> uses = new ArrayList<>();
    if (!w.dtype().isFloat() || w.shape().rank() != 2) {
      return uses;
    }
    for (Node node : body.nodes()) {
      for (int k = 0; k < node.inputs().size(); k++) {
        if (node.input(k) != w) {
          continue;
        }
        if (node.op() != Op.MATMUL || k != 1 || node.input(0) == w
            || node.attrs(Attrs.Matmul.class).transposeA()) {
          return new ArrayList<>();
        }
        uses.add(node);
      }
    }
    if (body.result() == w) {
      return new ArrayList<>();
    }
    return uses;
  }

  /** Whether the parts can lie side by side along their last axis, with the loop's axis before it. */
  static boolean sideBySide(List<TensorType> parts, int axis) {
    TensorType first = parts.get(0);
    int rank = first.shape().rank();
    if (rank < 1 || axis >= rank || !first.dtype().isFloat()) {
      return false;
    }
    Shape leading = first.shape().slice(0, rank - 1);
    for (TensorType t : parts) {
      if (t.dtype() != first.dtype() || t.shape().rank() != rank || !t.shape().slice(0, rank - 1).equals(leading)) {
        return false;
      }
    }
    return true;
  }

  private static TensorType wide(List<TensorType> parts) {
    TensorType first = parts.get(0);
    int width = 0;
    for (TensorType t : parts) {
      width += t.shape().last();
    }
    return new TensorType(first.dtype(), first.shape().with(first.shape().rank() - 1, width));
  }

  /**
   * (carry [a_{t+1}, ...]; g_t, h_{t-1}, x_t...; w...) ↦ [a_t, dx_t..., (u_t, dz_t)...] for
   * the step's cotangent c_t = g_t + a_{t+1}, the step recomputed once, except for what the
   * forward step stored ({@link ScanSavedValues}): read back from y_t, the step's own result,
   * a sequence placed after h_{t-1} when the derivative reads any of it.
   */
  private static ScanBody backwardBody(NodeBuilder b, ScanBody body, List<TensorType> parts,
      List<List<Node>> products) {
    TensorType carry = body.carry().type();
    Node state = ScanBody.placeholder(b, "d", wide(parts));
    Node g = ScanBody.placeholder(b, "g", carry);
    Node h = ScanBody.placeholder(b, "h", carry);
    List<Node> placeholders = new ArrayList<>(List.of(state, g, h));
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
    Map<Node, Node> copy = body.instantiateAll(actuals);
    int rank = carry.shape().rank();
    Node later = parts.size() == 1 ? state : b.slice(state, rank - 1, 0, carry.shape().last());
    Node c = b.add(g, later);
    List<Node> sources = new ArrayList<>(List.of(h));
    for (int i = 0; i < body.sequences(); i++) {
      if (body.slice(i).dtype().isFloat()) {
        sources.add(actuals.get(1 + i));
      }
    }
    for (List<Node> uses : products) {
      for (Node z : uses) {
        sources.add(copy.get(z));
      }
    }
    Map<Node, Node> cotangents = ScanDerivative.cotangents(b, copy.get(body.result()), c, sources);
    List<Node> pieces = new ArrayList<>();
    pieces.add(cotangentOf(b, cotangents, h));
    for (int i = 0; i < body.sequences(); i++) {
      if (body.slice(i).dtype().isFloat()) {
        pieces.add(cotangentOf(b, cotangents, actuals.get(1 + i)));
      }
    }
    for (List<Node> uses : products) {
      for (Node z : uses) {
        Node product = copy.get(z);
        pieces.add(product.input(0));
        pieces.add(cotangentOf(b, cotangents, product));
      }
    }
    Node result = b.concat(pieces, rank - 1);
    Node y = ScanBody.placeholder(b, "y", carry);
    Node readBack = ScanSavedValues.readBack(b, result, body, copy, y);
    if (readBack == result) {
      return ScanBody.of(placeholders, 2 + body.sequences(), result);
    }
    placeholders.add(3, y);
    return ScanBody.of(placeholders, 3 + body.sequences(), readBack);
  }

  private static Node cotangentOf(NodeBuilder b, Map<Node, Node> cotangents, Node x) {
    Node d = cotangents.get(x);
    return d != null ? d : ScanDerivative.zeros(b, x.type());
  }
}
