package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Detects identities and replaces them with the simpler form: x + 0, x - 0, x·1, x/1 and
 * x^1 become x; 0 - x and x·(-1) become -x; x^2 becomes x·x; -(-x) becomes x; x + (-y) and
 * x - (-y) become x - y and x + y; a transpose of a transpose, a reshape of a reshape and a
 * broadcast of a broadcast become one (or none); a mode switch between equal branches
 * becomes the branch. x·0 is left alone: it is NaN, not 0, when x is infinite.
 */
final class AlgebraicSimplification extends RewritePass {

  @Override
  public String name() {
    return "algebraic-simplification";
  }

  @Override
  Node rewrite(Node n, NodeBuilder b) {
    if (!(n.op() instanceof Op op)) {
      return null;
    }
    return switch (op) {
      case ADD -> add(n, b);
      case SUB -> sub(n, b);
      case MUL -> mul(n, b);
      case DIV -> Patterns.isConstant(n.input(1), 1) ? n.input(0) : null;
      case POW -> pow(n, b);
      case NEG -> n.input(0).op() == Op.NEG ? n.input(0).input(0) : null;
      case TRANSPOSE -> transpose(n, b);
      case RESHAPE, BROADCAST -> movement(n, b);
      case MODE_SWITCH -> n.input(0) == n.input(1) ? n.input(0) : null;
      default -> null;
    };
  }

  private static Node add(Node n, NodeBuilder b) {
    if (Patterns.isConstant(n.input(1), 0)) {
      return n.input(0);
    }
    if (Patterns.isConstant(n.input(0), 0)) {
      return n.input(1);
    }
    if (n.input(1).op() == Op.NEG) {
      return b.sub(n.input(0), n.input(1).input(0));
    }
    return n.input(0).op() == Op.NEG ? b.sub(n.input(1), n.input(0).input(0)) : null;
  }

  private static Node sub(Node n, NodeBuilder b) {
    if (Patterns.isConstant(n.input(1), 0)) {
      return n.input(0);
    }
    if (Patterns.isConstant(n.input(0), 0)) {
      return b.neg(n.input(1));
    }
    return n.input(1).op() == Op.NEG ? b.add(n.input(0), n.input(1).input(0)) : null;
  }

  private static Node mul(Node n, NodeBuilder b) {
    for (int i = 0; i < 2; i++) {
      Node other = n.input(1 - i);
      if (Patterns.isConstant(n.input(i), 1)) {
        return other;
      }
      if (Patterns.isConstant(n.input(i), -1)) {
        return b.neg(other);
      }
    }
    return null;
  }

  private static Node pow(Node n, NodeBuilder b) {
    if (Patterns.isConstant(n.input(1), 1)) {
      return n.input(0);
    }
    return Patterns.isConstant(n.input(1), 2) ? b.mul(n.input(0), n.input(0)) : null;
  }

  private static Node transpose(Node n, NodeBuilder b) {
    List<Integer> perm = n.attrs(Attrs.Permutation.class).perm();
    Node x = n.input(0);
    if (x.op() == Op.TRANSPOSE) {
      List<Integer> inner = x.attrs(Attrs.Permutation.class).perm();
      List<Integer> composed = new ArrayList<>();
      for (int p : perm) {
        composed.add(inner.get(p));
      }
      return isIdentity(composed) ? x.input(0) : b.transpose(x.input(0), composed);
    }
    return isIdentity(perm) ? x : null;
  }

  private static Node movement(Node n, NodeBuilder b) {
    Node x = n.input(0);
    if (x.shape().equals(n.shape())) {
      return x;
    }
    if (x.op() == n.op()) {
      return n.op() == Op.RESHAPE ? b.reshape(x.input(0), n.shape()) : b.broadcastTo(x.input(0), n.shape());
    }
    return null;
  }

  private static boolean isIdentity(List<Integer> perm) {
    for (int i = 0; i < perm.size(); i++) {
      if (perm.get(i) != i) {
        return false;
      }
    }
    return true;
  }
}
