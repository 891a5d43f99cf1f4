package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.GraphRewriter;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Detects chains of elementwise ops in which each intermediate result has one consumer of
 * the same shape, and replaces each chain with one ELEMENTWISE_KERNEL: one loop for the
 * code generator, no intermediate buffers. A broadcast feeding a chain becomes part of
 * the kernel's input indexing. Results used twice, graph results, and ops of other kinds
 * end a chain.
 */
final class ElementwiseFusion implements Pass {

  @Override
  public String name() {
    return "elementwise-fusion";
  }

  @Override
  public Result run(Graph graph) {
    Map<Node, Integer> uses = uses(graph);
    Set<Node> absorbed = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Node n : graph.nodes()) {
      for (Node in : n.inputs()) {
        if (fusible(n) && uses.get(in) == 1 && (fusible(in) && in.shape().equals(n.shape())
            || in.op() == Op.BROADCAST)) {
          absorbed.add(in);
        }
      }
    }
    int[] kernels = {0};
    Graph out = GraphRewriter.rewrite(graph, (original, current) -> {
      if (!fusible(original) || absorbed.contains(original) || !hasFusibleInput(original, absorbed)) {
        return current;
      }
      kernels[0]++;
      return new KernelBuilder(original, current, absorbed).build();
    });
    return new Result(out, kernels[0]);
  }

  static boolean fusible(Node n) {
    return n.op().isElementwise() && !n.inputs().isEmpty();
  }

  private static boolean hasFusibleInput(Node n, Set<Node> absorbed) {
    for (Node in : n.inputs()) {
      if (absorbed.contains(in) && fusible(in)) {
        return true;
      }
    }
    return false;
  }

  private static Map<Node, Integer> uses(Graph graph) {
    Map<Node, Integer> uses = new IdentityHashMap<>();
    for (Node n : graph.nodes()) {
      uses.putIfAbsent(n, 0);
      for (Node in : n.inputs()) {
        uses.merge(in, 1, Integer::sum);
      }
    }
    for (Node root : graph.roots()) {
      uses.merge(root, 2, Integer::sum); // a result must be written out: never absorbed
    }
    return uses;
  }

  /** Walks a chain from its last node, collecting kernel inputs and instructions. */
  private static final class KernelBuilder {
    private final Node root;
    private final Node current;
    private final Set<Node> absorbed;
    private final List<Node> inputs = new ArrayList<>();
    private final List<Attrs.Instruction> program = new ArrayList<>();
    private final Map<Node, Integer> slots = new IdentityHashMap<>();
    private final List<Node> originals = new ArrayList<>();

    KernelBuilder(Node root, Node current, Set<Node> absorbed) {
      this.root = root;
      this.current = current;
      this.absorbed = absorbed;
    }

    Node build() {
      collectInputs(root, current);
      int first = inputs.size();
      for (int i = 0; i < originals.size(); i++) {
        Node n = originals.get(i);
        List<Integer> args = new ArrayList<>();
        for (Node in : n.inputs()) {
          args.add(slots.get(in));
        }
        slots.put(n, first + i);
        program.add(new Attrs.Instruction(n.op(), args, n.attrs()));
      }
      return Node.of(Op.ELEMENTWISE_KERNEL, inputs, new Attrs.Kernel(program, root.dtype(), root.shape()),
          root.span());
    }

    /** Depth first, inputs before users: operands of absorbed nodes become inputs or instructions. */
    private void collectInputs(Node original, Node now) {
      for (int i = 0; i < original.inputs().size(); i++) {
        Node in = original.input(i);
        Node inNow = now.input(i);
        if (slots.containsKey(in) || originals.contains(in)) {
          continue;
        }
        if (absorbed.contains(in) && fusible(in)) {
          collectInputs(in, inNow);
        } else {
          Node source = absorbed.contains(in) && in.op() == Op.BROADCAST ? inNow.input(0) : inNow;
          slots.put(in, inputs.size());
          inputs.add(source);
        }
      }
      originals.add(original);
    }
  }
}
