package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.GraphRewriter;
import dev.adjoint.compiler.ir.Node;

/**
 * A pass made of one local rewrite, applied bottom-up to every node. A rewrite returns a
 * replacement of the same type, or null when its pattern does not match; replacements
 * are built with the span of the node they replace.
 */
abstract class RewritePass implements Pass {

  /** A replacement for {@code node} (its inputs already rewritten), or null. */
  abstract Node rewrite(Node node, NodeBuilder b);

  @Override
  public Result run(Graph graph) {
    int[] fired = {0};
    NodeBuilder root = NodeBuilder.start(graph.span(), Streams.next(graph));
    Graph out = GraphRewriter.rewrite(graph, n -> {
      Node replacement = rewrite(n, root.at(n.span()));
      if (replacement == null || replacement == n) {
        return n;
      }
      fired[0]++;
      return replacement;
    });
    return new Result(out, fired[0]);
  }
}
