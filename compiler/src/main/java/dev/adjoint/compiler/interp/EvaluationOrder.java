package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.PostOrder;
import java.util.List;

/**
 * The nodes an evaluation needs, each after its inputs. A MODE_SWITCH needs only the input
 * its mode chooses, so the other branch (say, a dropout mask in inference) is never
 * evaluated.
 */
final class EvaluationOrder {
  private EvaluationOrder() {}

  /** The input of a MODE_SWITCH that {@code mode} chooses. */
  static Node chosen(Node modeSwitch, Mode mode) {
    return modeSwitch.input(mode == Mode.TRAINING ? 0 : 1);
  }

  /** The inputs a node needs evaluated in this mode. */
  static List<Node> needs(Node node, Mode mode) {
    return node.op() == Op.MODE_SWITCH ? List.of(chosen(node, mode)) : node.inputs();
  }

  /** Every node the targets need, in an order that puts each after what it needs. */
  static List<Node> of(List<Node> targets, Mode mode) {
    return PostOrder.of(targets, node -> needs(node, mode));
  }
}
