package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.GraphRewriter;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Detects a batch norm in inference mode right after a convolution,
 * {@code ((conv(x, W) [+ b]) - mean) / sd [· gamma] [+ beta]} with the running mean a state
 * and every factor one value per output channel, and replaces it with one convolution whose
 * filters and bias absorb the normalization: {@code conv(x, W · k) + ((b - mean) · k [+ beta])},
 * {@code k = gamma / sd} scaling each output channel's filters. The image-sized subtraction,
 * division, product and sum become work on the filters and on [C] vectors, and the folded
 * layer's bias (and a relu after it) can be the convolution's epilogue.
 *
 * <p>It fires only where nothing else reads the convolution or the steps in between, and
 * only on running statistics (a state), never on a batch's own, so it belongs to the
 * inference and evaluation graphs; the training graph keeps its batch norm. The folded
 * values equal the unfolded ones up to rounding.
 */
final class BatchNormFolding implements Pass {

  /** The parts of one matched batch norm, as nodes of the graph being rewritten. */
  private record Match(Node conv, Node bias, Node mean, Node sd, Node gamma, Node beta) {}

  @Override
  public String name() {
    return "batch-norm-folding";
  }

  @Override
  public Result run(Graph graph) {
    Uses uses = Uses.of(graph);
    Set<Node> ends = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Node n : graph.nodes()) {
      if (n.op() == Op.DIV && core(n, uses) != null) {
        ends.add(end(n, uses));
      }
    }
    if (ends.isEmpty()) {
      return new Result(graph, 0);
    }
    NodeBuilder root = NodeBuilder.start(graph.span(), Streams.next(graph));
    Graph out = GraphRewriter.rewrite(graph, (original, current) ->
        ends.contains(original) ? folded(parts(current), current, root.at(original.span())) : current);
    return new Result(out, ends.size());
  }

  /** {@code conv(x, W · k) + broadcast((b - mean) · k + beta)}, k = gamma / sd (1 / sd without gamma). */
  private static Node folded(Match m, Node end, NodeBuilder b) {
    Node k = m.gamma() == null ? b.recip(m.sd()) : b.div(m.gamma(), m.sd());
    Node filters = m.conv().input(1);
    Node scaled = b.mul(filters, b.broadcastTo(k, filters.shape()));
    Node conv = b.node(Op.CONV, List.of(m.conv().input(0), scaled), m.conv().attrs());
    Node shift = m.bias() == null ? b.neg(m.mean()) : b.sub(m.bias(), m.mean());
    Node bias = b.mul(shift, k);
    if (m.beta() != null) {
      bias = b.add(bias, m.beta());
    }
    Node y = b.add(conv, b.broadcastTo(bias, conv.shape()));
    if (!y.type().equals(end.type())) {
      throw new IllegalStateException("batch-norm-folding made " + y.type() + " for " + end);
    }
    return y;
  }

  /**
   * The division {@code (X - broadcast(mean)) / broadcast(sd)} over a convolution X (or a
   * convolution plus a broadcast bias), when the running mean is a state, mean and sd are
   * [C] vectors, sd does not depend on X, and the convolution, X and the difference are
   * read once and no result: the match, or null.
   */
  private static Match core(Node div, Uses uses) {
    Node sub = div.input(0);
    Node sd = channelVector(div.input(1), div.shape());
    if (sub.op() != Op.SUB || sd == null || !once(sub, uses)) {
      return null;
    }
    Node mean = channelVector(sub.input(1), div.shape());
    Node x = sub.input(0);
    if (mean == null || mean.op() != Op.STATE || !once(x, uses)) {
      return null;
    }
    Node conv = x;
    Node bias = null;
    if (x.op() == Op.ADD) {
      conv = x.input(0);
      bias = channelVector(x.input(1), div.shape());
      if (bias == null || !once(conv, uses)) {
        return null;
      }
    }
    if (conv.op() != Op.CONV || !conv.shape().equals(div.shape()) || reaches(sd, conv)) {
      return null;
    }
    return new Match(conv, bias, mean, sd, null, null);
  }

  /** The matched chain read from its last node: the affine steps if present, then the core. */
  private static Match parts(Node end) {
    Node n = end;
    Node beta = null;
    Node gamma = null;
    if (n.op() == Op.ADD) {
      beta = n.input(1).input(0);
      n = n.input(0);
    }
    if (n.op() == Op.MUL) {
      gamma = n.input(1).input(0);
      n = n.input(0);
    }
    Node sub = n.input(0);
    Node x = sub.input(0);
    Node conv = x.op() == Op.ADD ? x.input(0) : x;
    Node bias = x.op() == Op.ADD ? x.input(1).input(0) : null;
    return new Match(conv, bias, sub.input(1).input(0), n.input(1).input(0), gamma, beta);
  }

  /** The last node of the chain: the division, then {@code · broadcast(gamma)}, then {@code + broadcast(beta)}. */
  private static Node end(Node div, Uses uses) {
    Node end = div;
    Node next = soleReader(end, uses, Op.MUL);
    if (next != null) {
      end = next;
    }
    next = soleReader(end, uses, Op.ADD);
    return next != null ? next : end;
  }

  /** The one reader of n when it is {@code op(n, broadcast(v))} with v a [C] vector and n no result; else null. */
  private static Node soleReader(Node n, Uses uses, Op op) {
    if (!once(n, uses)) {
      return null;
    }
    Node reader = uses.reader().get(n);
    return reader != null && reader.op() == op && reader.input(0) == n
        && channelVector(reader.input(1), n.shape()) != null ? reader : null;
  }

  /** v when {@code n} is {@code broadcast(v)} to {@code shape} and v is [C], C the last axis of shape. */
  private static Node channelVector(Node n, Shape shape) {
    if (n.op() != Op.BROADCAST || !n.shape().equals(shape)) {
      return null;
    }
    Node v = n.input(0);
    return v.shape().equals(Shape.of(shape.last())) && v.dtype() == n.dtype() ? v : null;
  }

  /** Read by exactly one input slot, and no result of the graph (a result counts as two reads). */
  private static boolean once(Node n, Uses uses) {
    return uses.counts().getOrDefault(n, 0) == 1;
  }

  /** Whether {@code target} is {@code from} or one of its inputs, transitively. */
  private static boolean reaches(Node from, Node target) {
    Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Node> todo = new ArrayDeque<>(List.of(from));
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      if (n == target) {
        return true;
      }
      if (seen.add(n)) {
        todo.addAll(n.inputs());
      }
    }
    return false;
  }

  /** How many input slots read each node (a result counts as two), and its last reader. */
  private record Uses(Map<Node, Integer> counts, Map<Node, Node> reader) {
    static Uses of(Graph graph) {
      Uses uses = new Uses(new IdentityHashMap<>(), new IdentityHashMap<>());
      for (Node n : graph.nodes()) {
        for (Node in : n.inputs()) {
          uses.counts.merge(in, 1, Integer::sum);
          uses.reader.put(in, n);
        }
      }
      for (Node r : graph.roots()) {
        uses.counts.merge(r, 2, Integer::sum);
      }
      return uses;
    }
  }
}
