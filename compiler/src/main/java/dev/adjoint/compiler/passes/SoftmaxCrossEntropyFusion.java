package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Detects cross-entropy against a log-softmax over the last axis,
 * {@code -sum(t * log_softmax(z), axes)} with the class axis among the axes — what
 * {@code cross_entropy(softmax(z), y)}, {@code nll(log_softmax(z), y)} and a hand-written
 * {@code -sum(t * log(softmax(z)))} become after the log-softmax rewrite, also with the
 * log guarded as {@code where(t == 0, 0, log_softmax(z))} or the target picked as
 * {@code where(one_hot(y), log_softmax(z), 0)} — and replaces it
 * with SOFTMAX_CROSS_ENTROPY, whose gradient is {@code softmax(z)·Σt - t}. A target that
 * is a one-hot of class indices, smoothed or not, is read back as the indices and the
 * smoothing, so the one-hot is never built. Reductions over other axes stay as they were.
 */
final class SoftmaxCrossEntropyFusion extends RewritePass {

  @Override
  public String name() {
    return "softmax-cross-entropy";
  }

  @Override
  Node rewrite(Node n, NodeBuilder b) {
    if (n.op() != Op.NEG || n.input(0).op() != Op.REDUCE_SUM) {
      return null;
    }
    Node sum = n.input(0);
    for (Node[] pair : targetAndLogSoftmax(sum.input(0))) {
      Node target = pair[0];
      Node logSoftmax = pair[1];
      Node logits = logSoftmax.input(0);
      int last = logits.shape().rank() - 1;
      Attrs.Axes axes = sum.attrs(Attrs.Axes.class);
      if (logSoftmax.attrs(Attrs.Axes.class).axes().get(0) != last || !axes.axes().contains(last)) {
        continue;
      }
      Node perSample = b.node(Op.SOFTMAX_CROSS_ENTROPY, List.of(logits, classIndices(target, logits)),
          new Attrs.CrossEntropy(smoothing(target, logits)));
      List<Integer> rest = new ArrayList<>(axes.axes());
      rest.remove(Integer.valueOf(last));
      Node reduced = rest.isEmpty() ? perSample : b.sum(perSample, rest, false);
      return b.reshape(reduced, n.shape());
    }
    return null;
  }

  /** Candidate (target, log-softmax) pairs of a summed term: t·ls, t·where(t == 0, 0, ls), where(onehot, ls, 0). */
  private static List<Node[]> targetAndLogSoftmax(Node term) {
    List<Node[]> pairs = new ArrayList<>();
    if (term.op() == Op.WHERE && term.input(0).op() == Op.ONE_HOT && Patterns.isConstant(term.input(2), 0)
        && term.input(1).op() == Op.LOG_SOFTMAX) {
      pairs.add(new Node[] {term.input(0), term.input(1)});
    }
    if (term.op() == Op.MUL) {
      for (int i = 0; i < 2; i++) {
        Node t = term.input(1 - i);
        Node ls = term.input(i);
        Node guarded = Patterns.guardedBy(ls, t, 0);
        Node candidate = guarded != null ? guarded : ls;
        if (candidate.op() == Op.LOG_SOFTMAX) {
          pairs.add(new Node[] {t, candidate});
        }
      }
    }
    return pairs;
  }

  /** The class indices behind a (smoothed) one-hot target, or the target itself. */
  private static Node classIndices(Node target, Node logits) {
    Node oneHot = oneHot(target, logits);
    return oneHot != null ? oneHot.input(0) : target;
  }

  private static double smoothing(Node target, Node logits) {
    if (target.op() == Op.ONE_HOT || oneHot(target, logits) == null) {
      return 0;
    }
    // ε from the spread ε/C, not from the kept 1 - ε: 0.1 / 10 * 10 gives back 0.1, 1 - (1 - 0.1) does not
    return Patterns.constant(target.input(1)) * logits.shape().last();
  }

  /**
   * The ONE_HOT node of {@code onehot} or of {@code onehot·(1 - ε) + ε/C} as label smoothing
   * builds it, matching the logits' class count; otherwise null.
   */
  private static Node oneHot(Node target, Node logits) {
    int classes = logits.shape().last();
    if (target.op() == Op.ONE_HOT) {
      return isOneHotOf(target, logits) ? target : null;
    }
    if (target.op() != Op.ADD || target.input(0).op() != Op.MUL) {
      return null;
    }
    Node scaled = target.input(0);
    Node oneHot = scaled.input(0);
    Double keep = Patterns.constant(scaled.input(1));
    Double spread = Patterns.constant(target.input(1));
    if (oneHot.op() != Op.ONE_HOT || !isOneHotOf(oneHot, logits) || keep == null || spread == null) {
      return null;
    }
    double smoothing = 1 - keep;
    return Math.abs(spread - smoothing / classes) <= 1e-12 * Math.max(1, Math.abs(spread)) ? oneHot : null;
  }

  private static boolean isOneHotOf(Node oneHot, Node logits) {
    return oneHot.input(0).dtype() == ScalarType.I32 && oneHot.shape().equals(logits.shape())
        && oneHot.dtype() == logits.dtype();
  }
}
