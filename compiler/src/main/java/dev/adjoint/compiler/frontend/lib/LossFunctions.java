package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.composite.Losses;
import dev.adjoint.compiler.composite.Losses.Reduction;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.frontend.Builtin;
import dev.adjoint.compiler.frontend.BuiltinTable;
import dev.adjoint.compiler.frontend.CallContext;
import dev.adjoint.compiler.frontend.Checks;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeException;

/**
 * Loss functions, written as the math reads: {@code cross_entropy(softmax(z), y)} takes
 * probabilities; the compiler's passes turn it into the stable fused form.
 */
public final class LossFunctions {
  private static final String CATEGORY = "loss";

  private LossFunctions() {}

  public static void register(BuiltinTable table) {
    pairwise(table, "mse", "mean squared error", (b, p, t, a) -> Losses.mse(b, p, t, reduction(a)));
    pairwise(table, "l1", "mean absolute error", (b, p, t, a) -> Losses.l1(b, p, t, reduction(a)));
    table.add(new Builtin(Signature.of("huber", Args.tensor("prediction"), Args.tensor("target"),
        Args.number("delta", 1.0).withCheck(Checks.positive()), Args.reduction()), CATEGORY,
        "squared error near zero, absolute error beyond delta", (a, c) -> {
          Node[] pt = aligned(c.ops(), a.tensor("prediction"), a.tensor("target"));
          return tensor(Losses.huber(c.ops(), pt[0], pt[1], a.number("delta"), reduction(a)));
        }));
    table.add(new Builtin(Signature.of("hinge", Args.tensor("scores"), Args.tensor("target"), Args.reduction()),
        CATEGORY, "max(0, 1 - y * s) with labels y in {-1, +1} (a class target of 2 maps 0 to -1)", (a, c) -> {
          NodeBuilder b = c.ops();
          Node target = a.tensor("target");
          boolean classes = target.dtype() == ScalarType.I32;
          if (classes && MathFunctions.classCount(target) > 2) {
            throw new ShapeException("hinge takes labels -1 and +1 or a class target of 2 classes, got "
                + MathFunctions.classCount(target) + " classes");
          }
          Node[] st = aligned(b, a.tensor("scores"), target);
          Node signs = classes ? b.shift(b.scale(st[1], 2), -1) : st[1];
          return tensor(Losses.hinge(b, st[0], signs, reduction(a)));
        }));
    table.add(new Builtin(Signature.of("bce", Args.tensor("prediction"), Args.tensor("target"), Args.reduction()),
        CATEGORY, "binary cross-entropy of probabilities", (a, c) -> {
          Node[] pt = aligned(c.ops(), a.tensor("prediction"), a.tensor("target"));
          warnUnlessProbabilities(c, a, "prediction", pt[0], "bce(sigmoid(z), y), or bce_with_logits(z, y)");
          return tensor(Losses.bce(c.ops(), pt[0], pt[1], reduction(a)));
        }));
    pairwise(table, "bce_with_logits", "binary cross-entropy of sigmoid(z), stable for any z",
        (b, p, t, a) -> Losses.bceWithLogits(b, p, t, reduction(a)));
    table.add(new Builtin(Signature.of("cross_entropy", Args.tensor("probs"), Args.tensor("target"),
        Args.number("label_smoothing", 0).withCheck(Checks.range(0, 1, true)),
        Parameter.optional("ignore_index", Kind.INT), Args.reduction()), CATEGORY,
        "-Σ target · log(probs) per sample, for class indices or distributions", LossFunctions::crossEntropy));
    table.add(new Builtin(Signature.of("nll", Args.tensor("log_probs"), Args.tensor("target"),
        Parameter.optional("ignore_index", Kind.INT), Args.reduction()), CATEGORY,
        "negative log-likelihood of log-probabilities at the target classes", (a, c) -> {
          Node logp = probabilities(a.tensor("log_probs"), "log_probs");
          Node y = classTarget(a.tensor("target"), logp);
          return tensor(Losses.nll(c.ops(), logp, y, ignoreIndex(a), reduction(a)));
        }));
    table.add(new Builtin(Signature.of("kl_div", Args.tensor("p"), Args.tensor("q"), Args.reduction()), CATEGORY,
        "KL(p ‖ q) = Σ p · log(p / q) per sample; p is the target distribution, q the prediction", (a, c) -> {
          Node p = probabilities(a.tensor("p"), "p");
          Node q = probabilities(a.tensor("q"), "q");
          if (!p.type().equals(q.type())) {
            throw new ShapeException("p and q must have the same type, got " + p.type() + " and " + q.type());
          }
          return tensor(Losses.klDivergence(c.ops(), p, q, reduction(a)));
        }));
  }

  private static Value crossEntropy(BoundArgs a, CallContext c) {
    Node p = probabilities(a.tensor("probs"), "probs");
    warnUnlessProbabilities(c, a, "probs", p, "cross_entropy(softmax(z), y), or nll(log_softmax(z), y)");
    Node target = a.tensor("target");
    double smoothing = a.number("label_smoothing");
    if (target.dtype() == ScalarType.I32) {
      Node y = classTarget(target, p);
      return tensor(Losses.crossEntropyClasses(c.ops(), p, y, smoothing, ignoreIndex(a), reduction(a)));
    }
    if (a.has("ignore_index")) {
      return c.error(a.span("ignore_index"), "cross_entropy(): ignore_index needs class indices as the target",
          null);
    }
    if (!target.type().equals(p.type())) {
      throw new ShapeException("a distribution target must have the type of the probabilities " + p.type()
          + ", got " + target.type() + "; class indices are i32 or a class target");
    }
    return tensor(Losses.crossEntropyDistribution(c.ops(), p, target, smoothing, reduction(a)));
  }

  /**
   * The logits trap: a loss of probabilities given values not known to lie in [0, 1] (most
   * often logits, which PyTorch's losses take) takes the log of negative numbers. Warns at
   * the argument with the fix.
   */
  private static void warnUnlessProbabilities(CallContext c, BoundArgs a, String parameter, Node p, String fix) {
    if (!UnitInterval.holds(p)) {
      c.diagnostics().warning(a.span(parameter), a.signature().name() + "(): '" + parameter
          + "' is not known to be a probability (not the result of softmax, sigmoid or another "
          + "normalization the compiler can see); if it holds logits, the loss takes the log of negative numbers",
          "write " + fix);
    }
  }

  private static Integer ignoreIndex(BoundArgs a) {
    return a.has("ignore_index") ? a.integer("ignore_index") : null;
  }

  private static Reduction reduction(BoundArgs a) {
    return Reduction.parse(a.symbol("reduction"));
  }

  private static Node probabilities(Node p, String what) {
    Args.requireFloat(p, what);
    if (p.shape().rank() == 0 || p.shape().last() == Shape.BATCH) {
      throw new ShapeException(what + " needs a class dimension last, got " + p.type());
    }
    return p;
  }

  /** Class indices [...] matching probabilities [..., C], with a class count that agrees. */
  private static Node classTarget(Node y, Node p) {
    if (y.dtype() != ScalarType.I32) {
      throw new ShapeException("the target must be class indices (i32 or a class target), got " + y.type());
    }
    Shape expected = p.shape().slice(0, p.shape().rank() - 1);
    if (!y.shape().equals(expected)) {
      throw new ShapeException("class indices " + y.type() + " do not match probabilities " + p.type()
          + "; expected indices shaped " + expected);
    }
    int declared = MathFunctions.classCount(y);
    if (declared > 0 && declared != p.shape().last()) {
      throw new ShapeException("the target has " + declared + " classes but the probabilities have "
          + p.shape().last());
    }
    return y;
  }

  /**
   * Prediction and target made comparable: a class target becomes floats, and a trailing
   * size-1 axis on one side is dropped, so that [B, 1] against [B] does not silently
   * broadcast to [B, B]. Otherwise the types must agree.
   */
  static Node[] aligned(NodeBuilder b, Node prediction, Node target) {
    Args.requireFloat(prediction, "the prediction");
    Node t = b.cast(target, prediction.dtype());
    Shape ps = prediction.shape();
    Shape ts = t.shape();
    if (!ps.equals(ts)) {
      if (ps.equals(ts.append(1)) || ts.equals(ps.append(1))) {
        t = b.reshape(t, ps);
      } else {
        throw new ShapeException("prediction " + prediction.type() + " and target " + target.type()
            + " must have the same shape");
      }
    }
    return new Node[] {prediction, t};
  }

  private interface PairLoss {
    Node apply(NodeBuilder b, Node prediction, Node target, BoundArgs args);
  }

  private static void pairwise(BuiltinTable table, String name, String summary, PairLoss loss) {
    table.add(new Builtin(Signature.of(name, Args.tensor("prediction"), Args.tensor("target"), Args.reduction()),
        CATEGORY, summary, (a, c) -> {
          Node[] pt = aligned(c.ops(), a.tensor("prediction"), a.tensor("target"));
          return tensor(loss.apply(c.ops(), pt[0], pt[1], a));
        }));
  }

  private static Value tensor(Node n) {
    return new Value.Tensor(n);
  }
}
