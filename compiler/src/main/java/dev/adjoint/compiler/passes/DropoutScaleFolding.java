package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.List;

/**
 * Detects a product that multiplies by a dropout keep-mask {@code (u >= p)} and right
 * after by its rescaling constant {@code 1/(1 - p)}, or the other way round — in the
 * forward pass {@code (x·keep)·s}, in the backward pass {@code (g·s)·keep}, in any operand
 * order — and replaces both factors with one DROPOUT_MASK that holds 0 or 1/(1 - p): one
 * multiply, no separate scale. The mask keeps the graph's threshold and scale exactly, and
 * {@code x·mask} rounds as the two products did, so finite values do not change. One
 * difference, for the better: where a dropped element's {@code g·s} overflowed (|g| above
 * about 9e307 at p = 0.5), the unfolded graph computed ∞·0 = NaN and the folded one gives 0,
 * the true derivative.
 */
final class DropoutScaleFolding extends RewritePass {

  @Override
  public String name() {
    return "dropout-scale-folding";
  }

  @Override
  Node rewrite(Node n, NodeBuilder b) {
    if (n.op() != Op.MUL) {
      return null;
    }
    for (int i = 0; i < 2; i++) {
      Node inner = n.input(i);
      Node outer = n.input(1 - i);
      if (inner.op() != Op.MUL) {
        continue;
      }
      for (int j = 0; j < 2; j++) {
        Node x = inner.input(j);
        Node other = inner.input(1 - j);
        Node mask = mask(other, outer, n, b);
        if (mask == null) {
          mask = mask(outer, other, n, b);
        }
        if (mask != null) {
          return b.mul(x, mask);
        }
      }
    }
    return null;
  }

  /** The mask replacing {@code keep·scale} when keep is a keep-mask and scale its rescaling; else null. */
  private static Node mask(Node keep, Node scale, Node product, NodeBuilder b) {
    Attrs.Random draw = keepMaskDraw(keep);
    Double s = Patterns.constant(scale);
    if (draw == null || s == null) {
      return null;
    }
    double threshold = Patterns.constant(keep.input(1));
    if (Math.abs(s * (1 - threshold) - 1) >= 1e-6) {
      return null;
    }
    return b.node(Op.DROPOUT_MASK, List.of(),
        new Attrs.DropoutMask(draw.stream(), threshold, s, product.dtype(), product.shape()));
  }

  /** The draw of a keep-mask {@code uniform >= constant}, or null. */
  private static Attrs.Random keepMaskDraw(Node n) {
    if (n.op() != Op.GREATER_EQUAL || n.input(0).op() != Op.RANDOM_UNIFORM || Patterns.constant(n.input(1)) == null) {
      return null;
    }
    return n.input(0).attrs(Attrs.Random.class);
  }
}
