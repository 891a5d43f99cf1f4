package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.GraphBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Detects a product that multiplies by a dropout keep-mask {@code (u >= p)} and by its
 * rescaling constant {@code 1/(1 - p)} — in the forward pass {@code (x·keep)·s}, in the
 * backward pass {@code (g·s)·keep} — and replaces both factors with one DROPOUT_MASK that
 * holds 0 or 1/(1 - p): one multiply, no separate scale. The mask keeps the graph's
 * threshold and scale exactly, so values do not change.
 */
final class DropoutScaleFolding extends RewritePass {

  @Override
  public String name() {
    return "dropout-scale-folding";
  }

  @Override
  Node rewrite(Node n, GraphBuilder b) {
    if (n.op() != Op.MUL) {
      return null;
    }
    List<Node> factors = new ArrayList<>();
    flatten(n, factors);
    for (Node keep : factors) {
      Attrs.Random draw = keepMaskDraw(keep);
      if (draw == null) {
        continue;
      }
      double threshold = Patterns.constant(keep.input(1));
      for (Node scale : factors) {
        Double s = Patterns.constant(scale);
        if (s != null && Math.abs(s * (1 - threshold) - 1) < 1e-6) {
          Node mask = b.node(Op.DROPOUT_MASK, List.of(),
              new Attrs.DropoutMask(draw.stream(), threshold, s, n.dtype(), n.shape()));
          Node product = mask;
          for (Node f : factors) {
            if (f != keep && f != scale) {
              product = b.mul(f, product);
            }
          }
          return product;
        }
      }
    }
    return null;
  }

  /** The factors of a tree of multiplications. */
  private static void flatten(Node n, List<Node> factors) {
    if (n.op() == Op.MUL) {
      flatten(n.input(0), factors);
      flatten(n.input(1), factors);
    } else {
      factors.add(n);
    }
  }

  /** The draw of a keep-mask {@code uniform >= constant}, or null. */
  private static Attrs.Random keepMaskDraw(Node n) {
    if (n.op() != Op.GREATER_EQUAL || n.input(0).op() != Op.RANDOM_UNIFORM || Patterns.constant(n.input(1)) == null) {
      return null;
    }
    return n.input(0).attrs(Attrs.Random.class);
  }
}
