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
 * end a chain, and so does a kernel's length: a chain longer than {@link #MAX_INSTRUCTIONS}
 * (a deep unrolled repeat) becomes several kernels, each small enough for one method.
 */
final class ElementwiseFusion implements Pass {
  /** The most instructions one kernel holds: its loop stays far under HotSpot's JIT limit. */
  static final int MAX_INSTRUCTIONS = 64;

  @Override
  public String name() {
    return "elementwise-fusion";
  }

  @Override
  public Result run(Graph graph) {
    Map<Node, Integer> uses = uses(graph);
    Set<Node> absorbed = Collections.newSetFromMap(new IdentityHashMap<>());
    Map<Node, Integer> sizes = new IdentityHashMap<>(); // instructions of the kernel a node would end
    for (Node n : graph.nodes()) {
      if (!fusible(n)) {
        continue;
      }
      int size = 1;
      for (Node in : n.inputs()) {
        if (uses.get(in) != 1) {
          continue;
        }
        if (in.op() == Op.BROADCAST) {
          absorbed.add(in);
        } else if (fusible(in) && in.shape().equals(n.shape()) && size + sizes.get(in) <= MAX_INSTRUCTIONS) {
          absorbed.add(in);
          size += sizes.get(in);
        }
      }
      sizes.put(n, size);
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

    /**
     * Depth first, inputs before users: operands of absorbed nodes become inputs or
     * instructions. Iterative, with an explicit stack of (original, rewritten) pairs, since
     * a chain can be as long as the model is deep.
     */
    private void collectInputs(Node rootOriginal, Node rootNow) {
      Set<Node> collected = Collections.newSetFromMap(new IdentityHashMap<>());
      List<Node[]> stack = new ArrayList<>();
      List<Integer> next = new ArrayList<>();
      stack.add(new Node[] {rootOriginal, rootNow});
      next.add(0);
      while (!stack.isEmpty()) {
        int top = stack.size() - 1;
        Node original = stack.get(top)[0];
        Node now = stack.get(top)[1];
        int i = next.get(top);
        if (i == original.inputs().size()) {
          stack.remove(top);
          next.remove(top);
          collected.add(original);
          originals.add(original);
          continue;
        }
        next.set(top, i + 1);
        Node in = original.input(i);
        Node inNow = now.input(i);
        if (slots.containsKey(in) || collected.contains(in)) {
          continue;
        }
        if (absorbed.contains(in) && fusible(in)) {
          stack.add(new Node[] {in, inNow});
          next.add(0);
        } else {
          Node source = absorbed.contains(in) && in.op() == Op.BROADCAST ? inNow.input(0) : inNow;
          slots.put(in, inputs.size());
          inputs.add(source);
        }
      }
    }
  }
}
