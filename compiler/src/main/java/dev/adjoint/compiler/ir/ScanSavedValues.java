package dev.adjoint.compiler.ir;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a loop's forward step already stored, read back by its backward loop instead of being
 * recomputed: the pieces of the step's result (the inputs of a CONCAT along its last axis,
 * or the whole result), which a stacked SCAN keeps for every step. An LSTM's step stores its
 * gates beside h and c for this: the backward loop's derivatives of σ and tanh read their
 * outputs, so with the gates read back neither the gates nor the product h·W_hhᵀ under them
 * is computed again. Replacing a node by the value it stored is exact, and the derivative
 * graph built over the recomputed step keeps its shape, so loops built so still
 * differentiate again.
 */
final class ScanSavedValues {
  private ScanSavedValues() {}

  /**
   * {@code root} rebuilt over {@code y} (the step's stored result, a placeholder of the
   * backward body): every copy of a stored piece that {@code root} reads replaced by its slice
   * of {@code y}; {@code root} itself when it reads none.
   *
   * @param copies the forward body's nodes mapped to their copies in the backward body
   */
  static Node readBack(NodeBuilder b, Node root, ScanBody forward, Map<Node, Node> copies, Node y) {
    Node result = forward.result();
    List<Node> pieces = concatenatedOnLast(result) ? result.inputs() : List.of(result);
    int last = result.shape().rank() - 1;
    Map<Node, Node> stored = new IdentityHashMap<>();
    int from = 0;
    for (Node piece : pieces) {
      int to = from + piece.shape().last();
      Node copy = copies.get(piece);
      if (piece.op() != Op.INPUT && copy != null && !stored.containsKey(copy)) {
        stored.put(copy, pieces.size() == 1 ? y : b.slice(y, last, from, to));
      }
      from = to;
    }
    Map<Node, Node> rebuilt = new IdentityHashMap<>();
    boolean replaced = false;
    for (Node node : PostOrder.of(List.of(root))) {
      Node value = stored.get(node);
      if (value != null) {
        replaced = true;
      } else {
        value = node;
        List<Node> inputs = node.inputs().stream().map(rebuilt::get).toList();
        for (int i = 0; i < inputs.size(); i++) {
          if (inputs.get(i) != node.input(i)) {
            value = b.at(node.span()).node(node.op(), inputs, node.attrs());
            break;
          }
        }
      }
      rebuilt.put(node, value);
    }
    return replaced ? rebuilt.get(root) : root;
  }

  private static boolean concatenatedOnLast(Node result) {
    return result.op() == Op.CONCAT
        && result.attrs(Attrs.Concat.class).axis() == result.shape().rank() - 1;
  }
}
