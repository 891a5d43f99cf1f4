package dev.adjoint.compiler.ir;

/** Resolves every MODE_SWITCH of a graph to its training or its inference input. */
public final class ModeSwitches {
  private ModeSwitches() {}

  /** The graph as it behaves when training ({@code training}) or at inference. */
  public static Graph choose(Graph graph, boolean training) {
    return GraphRewriter.rewrite(graph, n -> n.op() == Op.MODE_SWITCH ? n.input(training ? 0 : 1) : n);
  }
}
