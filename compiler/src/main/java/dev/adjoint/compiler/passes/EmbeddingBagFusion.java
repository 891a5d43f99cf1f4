package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.GraphRewriter;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Detects an embedding bag, {@code reduce_sum(gather(table, ids) [· broadcast(weights)], bag axis)},
 * and its table's gradient, {@code scatter_add(ids, broadcast(dy) [· broadcast(weights)])}, and
 * replaces them with BAG_SUM and BAG_SUM_GRAD: one loop each whose work follows the ids present
 * (a padding id, negative, costs a comparison), where the ops they replace go through every
 * place of the bag and hold {@code [bags, places, width]} rows between them. The products are
 * the same and added in the same order, so the results are bit for bit those of the unfused ops.
 *
 * <p>It fires only when the gathered rows (and their weighted product) are read by the sum
 * alone, and the broadcast gradient by the scatter alone. Runs after differentiation, before
 * elementwise fusion would take the products into loops.
 */
final class EmbeddingBagFusion implements Pass {

  @Override
  public String name() {
    return "embedding-bag";
  }

  @Override
  public Result run(Graph graph) {
    Map<Node, Integer> readers = readers(graph);
    int[] fired = {0};
    Graph out = GraphRewriter.rewrite(graph, (original, current) -> {
      Node fused = original.op() == Op.REDUCE_SUM && bagSum(original, readers) != null ? fusedSum(current)
          : original.op() == Op.SCATTER_ADD && bagGradient(original, readers) != null ? fusedGradient(current)
          : null;
      if (fused == null) {
        return current;
      }
      fired[0]++;
      return fused;
    });
    return new Result(out, fired[0]);
  }

  private static Node fusedSum(Node current) {
    List<Node> inputs = bagSum(current, null);
    return Node.of(Op.BAG_SUM, inputs, new Attrs.None(), current.span());
  }

  private static Node fusedGradient(Node current) {
    List<Node> inputs = bagGradient(current, null);
    return Node.of(Op.BAG_SUM_GRAD, inputs, current.attrs(), current.span());
  }

  /**
   * [table, ids] or [table, ids, weights] when {@code sum} reduces over the bag axis alone a
   * gather, or a gather times weights broadcast along the rows; else null. With {@code readers}
   * given, also null unless the gather and the product are read by the sum alone.
   */
  static List<Node> bagSum(Node sum, Map<Node, Integer> readers) {
    Attrs.Axes axes = sum.attrs(Attrs.Axes.class);
    Node x = sum.input(0);
    if (axes.keepDims() || axes.axes().size() != 1 || x.shape().rank() < 2
        || axes.axes().get(0) != x.shape().rank() - 2 || !onlyReader(x, readers)) {
      return null;
    }
    if (x.op() == Op.GATHER) {
      return List.of(x.input(0), x.input(1));
    }
    if (x.op() != Op.MUL) {
      return null;
    }
    for (int i = 0; i < 2; i++) {
      Node gather = x.input(i);
      if (gather.op() == Op.GATHER && onlyReader(gather, readers)) {
        Node weights = perId(x.input(1 - i), gather.input(1).shape(), x.shape());
        if (weights != null && weights.dtype() == x.dtype()) {
          return List.of(gather.input(0), gather.input(1), weights);
        }
      }
    }
    return null;
  }

  /**
   * [ids, dy] or [ids, dy, weights] when {@code scatter} adds into its table each bag's dy
   * broadcast along the bag, or that times weights broadcast along the rows; else null. With
   * {@code readers} given, also null unless the updates are read by the scatter alone.
   */
  static List<Node> bagGradient(Node scatter, Map<Node, Integer> readers) {
    Node ids = scatter.input(0);
    Node u = scatter.input(1);
    if (ids.shape().rank() < 1 || !onlyReader(u, readers)) {
      return null;
    }
    Node dy = perBag(u, ids.shape());
    if (dy != null) {
      return List.of(ids, dy);
    }
    if (u.op() != Op.MUL) {
      return null;
    }
    for (int i = 0; i < 2; i++) {
      Node d = perBag(u.input(i), ids.shape());
      Node weights = perId(u.input(1 - i), ids.shape(), u.shape());
      if (d != null && weights != null && weights.dtype() == u.dtype()) {
        return List.of(ids, d, weights);
      }
    }
    return null;
  }

  /** w when {@code n} is {@code broadcast(reshape(w to [..., L, 1]) to [..., L, width])} with w of the ids' shape. */
  private static Node perId(Node n, Shape ids, Shape rows) {
    if (n.op() != Op.BROADCAST || !n.shape().equals(rows) || n.input(0).op() != Op.RESHAPE) {
      return null;
    }
    Node reshape = n.input(0);
    Node w = reshape.input(0);
    return reshape.shape().equals(ids.append(1)) && w.shape().equals(ids) ? w : null;
  }

  /**
   * dy [..., width] when {@code n} is {@code broadcast(reshape(d to [..., 1, width]) to [..., L, width])}:
   * d itself when it has that shape, else d reshaped to it (a view, no copy).
   */
  private static Node perBag(Node n, Shape ids) {
    if (n.op() != Op.BROADCAST || n.input(0).op() != Op.RESHAPE) {
      return null;
    }
    int width = n.shape().last();
    Shape bags = ids.slice(0, ids.rank() - 1);
    Node reshape = n.input(0);
    if (!n.shape().equals(ids.append(width)) || !reshape.shape().equals(bags.append(1, width))) {
      return null;
    }
    Node d = reshape.input(0);
    Shape dy = bags.append(width);
    return d.shape().equals(dy) ? d : Node.of(Op.RESHAPE, List.of(d), new Attrs.Target(dy), reshape.span());
  }

  private static boolean onlyReader(Node n, Map<Node, Integer> readers) {
    return readers == null || readers.getOrDefault(n, 0) == 1;
  }

  /** How many input slots read each node, roots counting as one more. */
  private static Map<Node, Integer> readers(Graph graph) {
    Map<Node, Integer> readers = new IdentityHashMap<>();
    for (Node n : graph.nodes()) {
      for (Node in : n.inputs()) {
        readers.merge(in, 1, Integer::sum);
      }
    }
    for (Node root : new ArrayList<>(graph.roots())) {
      readers.merge(root, 1, Integer::sum);
    }
    return readers;
  }
}
