package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Graph;

/** One named transformation of a graph. Each says in its Javadoc what it detects and what it makes. */
public interface Pass {

  /** The result of running a pass: the new graph and how many times the pass changed something. */
  record Result(Graph graph, int fired) {}

  /** A short kebab-case name, as {@code adjoint graph --after} takes it. */
  String name();

  Result run(Graph graph);
}
