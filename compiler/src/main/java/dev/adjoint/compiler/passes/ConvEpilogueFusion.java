package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.GraphRewriter;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ScalarType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Detects a convolution layer with a relu, {@code max(conv(x, w) + broadcast(b), 0)} in f32,
 * and replaces it with one CONV_BIAS_RELU: the bias and the relu become the GEMM's epilogue,
 * so the layer's forward pass is one kernel call that writes its output once.
 *
 * <p>It fires only when nothing else needs the convolution or the pre-activation sum, except
 * the backward pass's relu masks {@code greater(z, 0)}: those read the fused output instead,
 * since {@code max(z, 0) > 0} exactly when {@code z > 0} (NaN included: both false). Runs after
 * differentiation, before elementwise fusion would take the add and the max into a loop.
 */
final class ConvEpilogueFusion implements Pass {

  @Override
  public String name() {
    return "conv-epilogue";
  }

  @Override
  public Result run(Graph graph) {
    Map<Node, List<Node>> consumers = consumers(graph);
    Set<Node> roots = Collections.newSetFromMap(new IdentityHashMap<>());
    roots.addAll(graph.roots());
    Map<Node, Node> sums = new IdentityHashMap<>(); // relu -> its pre-activation sum, for each match
    for (Node n : graph.nodes()) {
      Node z = preActivation(n, roots, consumers);
      if (z != null) {
        sums.put(n, z);
      }
    }
    if (sums.isEmpty()) {
      return new Result(graph, 0);
    }
    Map<Node, Node> reluOfSum = new IdentityHashMap<>();
    sums.forEach((relu, z) -> reluOfSum.put(z, relu));
    Map<Node, Node> done = new IdentityHashMap<>();
    Map<Node, Node> fused = new IdentityHashMap<>(); // pre-activation sum -> its fused node
    Graph out = GraphRewriter.rewrite(graph, (original, current) -> {
      Node replacement = current;
      if (sums.containsKey(original)) {
        replacement = fusedOf(sums.get(original), original, fused, done);
      } else if (original.op() == Op.GREATER && reluOfSum.containsKey(original.input(0))) {
        Node z = original.input(0);
        Node f = fusedOf(z, reluOfSum.get(z), fused, done);
        replacement = current.withInputs(List.of(f, current.input(1)));
      }
      done.put(original, replacement);
      return replacement;
    });
    return new Result(out, sums.size());
  }

  /** The fused node of sum z (built once), from the rewritten inputs of its convolution and bias. */
  private static Node fusedOf(Node z, Node relu, Map<Node, Node> fused, Map<Node, Node> done) {
    return fused.computeIfAbsent(z, k -> {
      Node conv = z.input(0);
      Node bias = z.input(1).input(0);
      List<Node> inputs = new ArrayList<>();
      for (Node in : List.of(conv.input(0), conv.input(1), bias)) {
        inputs.add(done.getOrDefault(in, in));
      }
      return Node.of(Op.CONV_BIAS_RELU, inputs, conv.attrs(), relu.span());
    });
  }

  /**
   * The sum z when {@code n} is {@code max(z, 0)} (either order) over {@code z = conv + broadcast(b)}
   * with b one f32 value per output channel, the convolution read by z alone, z read by n and
   * relu masks alone, and neither a result of the graph; else null.
   */
  private static Node preActivation(Node n, Set<Node> roots, Map<Node, List<Node>> consumers) {
    if (n.op() != Op.MAX || n.dtype() != ScalarType.F32) {
      return null;
    }
    for (int i = 0; i < 2; i++) {
      Node z = n.input(i);
      if (isPositiveZero(n.input(1 - i)) && isConvPlusBias(z) && readOnlyBy(z.input(0), List.of(z), consumers)
          && onlyMasksBeside(z, n, consumers) && !roots.contains(z) && !roots.contains(z.input(0))) {
        return z;
      }
    }
    return null;
  }

  private static boolean isPositiveZero(Node n) {
    Double c = Patterns.constant(n);
    return c != null && Double.doubleToRawLongBits(c) == 0L;
  }

  /** {@code conv(x, w) + broadcast(b)}, b a computed or declared [C_out] vector (not a broadcast scalar). */
  private static boolean isConvPlusBias(Node z) {
    if (z.op() != Op.ADD || z.input(0).op() != Op.CONV || z.input(1).op() != Op.BROADCAST) {
      return false;
    }
    Node conv = z.input(0);
    Node bias = z.input(1).input(0);
    return conv.shape().equals(z.shape()) && bias.dtype() == ScalarType.F32 && bias.shape().rank() == 1
        && bias.shape().dim(0) == z.shape().last() && bias.op() != Op.BROADCAST && bias.op() != Op.RESHAPE
        && bias.op() != Op.CONST;
  }

  private static boolean readOnlyBy(Node n, List<Node> readers, Map<Node, List<Node>> consumers) {
    List<Node> users = consumers.getOrDefault(n, List.of());
    return users.size() == readers.size() && users.stream().allMatch(u -> readers.stream().anyMatch(r -> r == u));
  }

  /** Every reader of z other than {@code relu} is a mask {@code greater(z, 0)}. */
  private static boolean onlyMasksBeside(Node z, Node relu, Map<Node, List<Node>> consumers) {
    for (Node user : consumers.getOrDefault(z, List.of())) {
      boolean mask = user.op() == Op.GREATER && user.input(0) == z && user.input(1) != z
          && Patterns.isConstant(user.input(1), 0);
      if (user != relu && !mask) {
        return false;
      }
    }
    return true;
  }

  /** Each node's readers, once per input slot that reads it. */
  private static Map<Node, List<Node>> consumers(Graph graph) {
    Map<Node, List<Node>> consumers = new IdentityHashMap<>();
    for (Node n : graph.nodes()) {
      for (Node in : n.inputs()) {
        consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
    }
    return consumers;
  }
}
