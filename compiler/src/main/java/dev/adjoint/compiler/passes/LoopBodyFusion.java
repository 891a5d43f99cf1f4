package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.GraphRewriter;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ScanBody;
import java.util.List;

/**
 * Detects loops (SCAN) and replaces each body with the body optimized and fused as a graph
 * is: common subexpressions merged, constants folded, algebra simplified, and chains of
 * elementwise ops turned into ELEMENTWISE_KERNELs, loops inside the body first. The body's
 * placeholders and what it computes stay the same; a step then runs one loop per chain of
 * gates instead of one per op. The other passes treat a SCAN as one opaque node.
 */
final class LoopBodyFusion implements Pass {
  private static final List<Pass> BODY_PASSES = List.of(new CommonSubexpressions(), new ConstantFolding(),
      new AlgebraicSimplification(), new ElementwiseFusion());

  @Override
  public String name() {
    return "loop-body-fusion";
  }

  @Override
  public Result run(Graph graph) {
    int[] fired = {0};
    Graph out = GraphRewriter.rewrite(graph, n -> {
      if (n.op() != Op.SCAN) {
        return n;
      }
      Node fused = fuse(n);
      if (fused != n) {
        fired[0]++;
      }
      return fused;
    });
    return new Result(out, fired[0]);
  }

  /** The loop with its body optimized and fused, or the loop itself when nothing changed. */
  private Node fuse(Node scan) {
    Attrs.Scan attrs = scan.attrs(Attrs.Scan.class);
    ScanBody body = attrs.body();
    // loops inside the body first, then the body itself; a pass that changes nothing keeps every node
    Graph step = run(Graph.builder("body", scan.span()).output("next", body.result()).build()).graph();
    for (Pass pass : BODY_PASSES) {
      step = pass.run(step).graph();
    }
    Node result = step.outputs().get("next");
    if (result == body.result()) {
      return scan;
    }
    ScanBody fused = ScanBody.of(body.placeholders(), body.sequences(), result);
    return Node.of(Op.SCAN, scan.inputs(), new Attrs.Scan(fused, attrs.axis(), attrs.reverse(), attrs.stacked()),
        scan.span());
  }
}
