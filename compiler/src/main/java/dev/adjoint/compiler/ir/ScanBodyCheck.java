package dev.adjoint.compiler.ir;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The {@link Verifier}'s checks of a loop's body: every node sound as a graph's node is, its
 * only inputs its placeholders, and nothing in it that a step could not repeat as a pure
 * function (parameters, state, random draws, mode switches, which belong outside the loop);
 * loops nested in it are checked in turn.
 */
final class ScanBodyCheck {
  private ScanBodyCheck() {}

  static void check(String scan, ScanBody body, List<String> problems) {
    List<Node> nodes = body.nodes();
    NodeNumbering numbering = NodeNumbering.of(nodes);
    Set<Node> placeholders = Collections.newSetFromMap(new IdentityHashMap<>());
    placeholders.addAll(body.placeholders());
    for (Node n : nodes) {
      String who = "in the body of " + scan + ": " + numbering.describe(n);
      int before = problems.size();
      Verifier.checkNode(n, numbering, problems);
      for (int i = before; i < problems.size(); i++) {
        problems.set(i, "in the body of " + scan + ": " + problems.get(i));
      }
      if (n.op() == Op.INPUT && !placeholders.contains(n)) {
        problems.add(who + ": an input that is not one of the body's placeholders");
      }
      if (n.op() == Op.PARAM || n.op() == Op.STATE || n.op() == Op.MODE_SWITCH || n.op() == Op.RANDOM_UNIFORM
          || n.op() == Op.DROPOUT_MASK) {
        problems.add(who + ": a " + n.op().text() + " cannot be inside a loop; pass it in as a constant");
      }
      if (n.op() == Op.SCAN && n.attrs() instanceof Attrs.Scan inner) {
        check(who, inner.body(), problems);
      }
    }
  }
}
