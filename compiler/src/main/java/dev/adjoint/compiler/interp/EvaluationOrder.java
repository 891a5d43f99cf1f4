package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The nodes an evaluation needs, each after its inputs. A MODE_SWITCH needs only the input
 * its mode chooses, so the other branch (say, a dropout mask in inference) is never
 * evaluated. Iterative, so that deep graphs do not overflow the stack.
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
    List<Node> order = new ArrayList<>();
    Set<Node> done = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Node> stack = new ArrayList<>();
    List<Integer> nextInput = new ArrayList<>();
    for (Node target : targets) {
      if (done.contains(target)) {
        continue;
      }
      stack.add(target);
      nextInput.add(0);
      while (!stack.isEmpty()) {
        int top = stack.size() - 1;
        Node node = stack.get(top);
        List<Node> needs = needs(node, mode);
        int i = nextInput.get(top);
        if (i < needs.size()) {
          nextInput.set(top, i + 1);
          Node in = needs.get(i);
          if (!done.contains(in)) {
            stack.add(in);
            nextInput.add(0);
          }
        } else {
          stack.remove(top);
          nextInput.remove(top);
          if (done.add(node)) {
            order.add(node);
          }
        }
      }
    }
    return order;
  }
}
