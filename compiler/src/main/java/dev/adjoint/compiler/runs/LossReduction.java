package dev.adjoint.compiler.runs;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.train.Metric;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a model's loss is a sum over its batch ({@code reduction = sum}, or
 * {@code sum(...)} of a per-sample loss) or a mean over it (the default, or {@code mean(...)}),
 * read from the loss's graph: sums over the batch axis are sums, dividing a sum by the batch's
 * count (or by another such sum, as a masked mean does) makes a mean, and scaling, adding
 * alike terms and constants, casts and reshapes keep what they get. Anything else is taken
 * as a mean, which is how losses are commonly written.
 */
public final class LossReduction {
  private LossReduction() {}

  private enum Kind {
    /** Does not depend on the batch. */
    FREE,
    /** Has the batch axis. */
    PER_SAMPLE,
    SUM,
    MEAN,
    UNKNOWN
  }

  /** How the graph's loss reduces its batch; MEAN for a graph without a loss. */
  public static Metric.Reduction of(Graph graph) {
    Node loss = graph.loss();
    if (loss == null) {
      return Metric.Reduction.MEAN;
    }
    return kind(loss, new HashMap<>()) == Kind.SUM ? Metric.Reduction.SUM : Metric.Reduction.MEAN;
  }

  private static Kind kind(Node n, Map<Node, Kind> memo) {
    Kind known = memo.get(n);
    if (known != null) {
      return known;
    }
    Kind k = compute(n, memo);
    memo.put(n, k);
    return k;
  }

  private static Kind compute(Node n, Map<Node, Kind> memo) {
    if (n.shape().hasBatch()) {
      return Kind.PER_SAMPLE;
    }
    List<Node> in = n.inputs();
    if (!(n.op() instanceof Op op)) {
      return free(in, memo);
    }
    switch (op) {
      case COUNT -> {
        // the count of a batched tensor along its batch axis grows with the batch, as a sum of ones does
        Node x = n.input(0);
        return x.shape().hasBatch() && n.attrs(Attrs.Axes.class).axes().contains(x.shape().batchAxis())
            ? Kind.SUM : Kind.FREE;
      }
      case INPUT, PARAM, STATE, CONST, RANDOM_UNIFORM -> {
        return Kind.FREE;
      }
      case REDUCE_SUM -> {
        Kind x = kind(n.input(0), memo);
        return x == Kind.PER_SAMPLE ? Kind.SUM : x;
      }
      case NEG, CAST, RESHAPE, BROADCAST -> {
        return kind(n.input(0), memo);
      }
      case DIV -> {
        Kind a = kind(in.get(0), memo);
        Kind b = kind(in.get(1), memo);
        if (b == Kind.FREE) {
          return a;
        }
        return a == Kind.SUM && b == Kind.SUM ? Kind.MEAN : Kind.UNKNOWN;
      }
      case MUL -> {
        Kind a = kind(in.get(0), memo);
        Kind b = kind(in.get(1), memo);
        return a == Kind.FREE ? b : b == Kind.FREE ? a : Kind.UNKNOWN;
      }
      case ADD, SUB, MAX, MIN, MODE_SWITCH -> {
        Kind a = kind(in.get(0), memo);
        Kind b = kind(in.get(1), memo);
        return a == b ? a : a == Kind.FREE ? b : b == Kind.FREE ? a : Kind.UNKNOWN;
      }
      default -> {
        return free(in, memo);
      }
    }
  }

  /** FREE when every input is, else UNKNOWN. */
  private static Kind free(List<Node> in, Map<Node, Kind> memo) {
    for (Node x : in) {
      if (kind(x, memo) != Kind.FREE) {
        return Kind.UNKNOWN;
      }
    }
    return Kind.FREE;
  }
}
