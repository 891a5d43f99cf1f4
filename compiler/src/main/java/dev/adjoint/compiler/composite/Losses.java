package dev.adjoint.compiler.composite;

import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import java.util.List;

/**
 * Loss functions as graphs of primitives, written in their mathematical form. Where that
 * form is unstable (the log of a softmax or sigmoid probability), the optimizing passes
 * rewrite it; the front end builds what the user wrote.
 */
public final class Losses {
  private Losses() {}

  /** How per-element or per-sample losses are combined. */
  public enum Reduction {
    MEAN, SUM, NONE;

    public static Reduction parse(String text) {
      return valueOf(text.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** Applies a reduction over every element; mean divides by the element count (at least 1). */
  public static Node reduce(NodeBuilder b, Node perElement, Reduction reduction) {
    return switch (reduction) {
      case MEAN -> b.meanAll(perElement);
      case SUM -> b.sumAll(perElement);
      case NONE -> perElement;
    };
  }

  public static Node mse(NodeBuilder b, Node prediction, Node target, Reduction reduction) {
    Node d = b.sub(prediction, target);
    return reduce(b, b.mul(d, d), reduction);
  }

  public static Node l1(NodeBuilder b, Node prediction, Node target, Reduction reduction) {
    return reduce(b, b.abs(b.sub(prediction, target)), reduction);
  }

  /** ½d² where |d| ≤ δ, else δ(|d| - ½δ). */
  public static Node huber(NodeBuilder b, Node prediction, Node target, double delta, Reduction reduction) {
    Node d = b.sub(prediction, target);
    Node a = b.abs(d);
    Node quadratic = b.scale(b.mul(d, d), 0.5);
    Node linear = b.scale(b.shift(a, -0.5 * delta), delta);
    return reduce(b, b.where(b.greater(a, b.constant(delta, a)), linear, quadratic), reduction);
  }

  /** max(0, 1 - y·s) for labels y in {-1, +1}. */
  public static Node hinge(NodeBuilder b, Node scores, Node signs, Reduction reduction) {
    Node margin = b.sub(b.constant(1, scores), b.mul(signs, scores));
    return reduce(b, b.max(margin, b.constant(0, margin)), reduction);
  }

  /**
   * -(y·log p + (1 - y)·log(1 - p)), with 0·log 0 taken as 0 (a certain, correct p costs
   * nothing) and each log clamped at -100 as PyTorch's {@code BCELoss} does, so that a
   * probability of exactly 0 or 1 on the wrong side costs 100, not infinity, and its gradient
   * stays finite.
   */
  public static Node bce(NodeBuilder b, Node p, Node y, Reduction reduction) {
    Node one = b.constant(1, p);
    Node positive = xlogyClamped(b, y, p);
    Node negative = xlogyClamped(b, b.sub(one, y), b.sub(one, p));
    return reduce(b, b.neg(b.add(positive, negative)), reduction);
  }

  /** The least value of a clamped log, as PyTorch's BCELoss clamps. */
  public static final double LOG_FLOOR = -100;

  /**
   * t·max(log p, -100) with 0·log 0 taken as 0, as t·where(q &gt; e^-100, log(where(q &gt; e^-100,
   * q, 1)), -100) for q = where(t == 0, 1, p): where the log is clamped its argument reads 1,
   * so the gradient is 0 there, never 0·∞.
   */
  private static Node xlogyClamped(NodeBuilder b, Node t, Node p) {
    Node q = b.where(b.equal(t, b.constant(0, t)), b.constant(1, p), p);
    Node above = b.greater(q, b.constant(Math.exp(LOG_FLOOR), q));
    Node log = b.log(b.where(above, q, b.constant(1, q)));
    return b.mul(t, b.where(above, log, b.constant(LOG_FLOOR, log)));
  }

  /** Binary cross-entropy of sigmoid(z), stable for any z: max(z, 0) - z·y + log1p(e^(-|z|)). */
  public static Node bceWithLogits(NodeBuilder b, Node z, Node y, Reduction reduction) {
    Node loss = b.add(b.sub(Activations.relu(b, z), b.mul(z, y)), b.log1p(b.exp(Activations.negativeAbs(b, z))));
    return reduce(b, loss, reduction);
  }

  /**
   * Cross-entropy of probabilities {@code p[..., C]} against class indices: -Σ t·log p over
   * the last axis with t the (optionally smoothed) one-hot target. Samples whose class is
   * {@code ignoreIndex} count for nothing, also in the mean's divisor.
   */
  public static Node crossEntropyClasses(NodeBuilder b, Node p, Node classes, double smoothing, Integer ignoreIndex,
      Reduction reduction) {
    int c = p.shape().last();
    Node target = smooth(b, b.oneHot(classes, c, p.dtype()), smoothing);
    Node perSample = b.neg(b.sum(xlogy(b, target, p), List.of(p.shape().rank() - 1), false));
    return reduceSamples(b, perSample, ignoredMask(b, classes, ignoreIndex, p.dtype()), reduction);
  }

  /** Cross-entropy of probabilities against a full target distribution of the same shape. */
  public static Node crossEntropyDistribution(NodeBuilder b, Node p, Node target, double smoothing,
      Reduction reduction) {
    Node t = smooth(b, target, smoothing);
    Node perSample = b.neg(b.sum(xlogy(b, t, p), List.of(p.shape().rank() - 1), false));
    return reduceSamples(b, perSample, null, reduction);
  }

  /**
   * Negative log-likelihood of log-probabilities: -logp at the target class, picked with a
   * where rather than a product with the one-hot, so that -∞ at another class stays out.
   */
  public static Node nll(NodeBuilder b, Node logp, Node classes, Integer ignoreIndex, Reduction reduction) {
    int c = logp.shape().last();
    Node targetClass = b.oneHot(classes, c, logp.dtype());
    Node picked = b.sum(b.where(targetClass, logp, b.constant(0, logp)), List.of(logp.shape().rank() - 1), false);
    return reduceSamples(b, b.neg(picked), ignoredMask(b, classes, ignoreIndex, logp.dtype()), reduction);
  }

  /** KL(p ‖ q) = Σ p·(log p - log q) over the last axis, with 0·log 0 taken as 0. */
  public static Node klDivergence(NodeBuilder b, Node p, Node q, Reduction reduction) {
    Node terms = b.mul(p, b.sub(b.log(p), b.log(q)));
    Node safe = b.where(b.greater(p, b.constant(0, p)), terms, b.constant(0, terms));
    Node perSample = b.sum(safe, List.of(p.shape().rank() - 1), false);
    return reduceSamples(b, perSample, null, reduction);
  }

  /**
   * t·log p with 0·log 0 taken as 0, as t·log(where(t == 0, 1, p)): where the target is
   * zero the log reads 1, so neither the value nor its gradient becomes 0·∞ = NaN; any
   * other target, even one outside [0, 1], keeps t·log p exactly.
   */
  private static Node xlogy(NodeBuilder b, Node t, Node p) {
    Node safe = b.where(b.equal(t, b.constant(0, t)), b.constant(1, p), p);
    return b.mul(t, b.log(safe));
  }

  private static Node smooth(NodeBuilder b, Node target, double smoothing) {
    if (smoothing == 0) {
      return target;
    }
    int c = target.shape().last();
    return b.shift(b.scale(target, 1 - smoothing), smoothing / c);
  }

  private static Node ignoredMask(NodeBuilder b, Node classes, Integer ignoreIndex, ScalarType dtype) {
    if (ignoreIndex == null) {
      return null;
    }
    Node ignored = b.cast(b.equal(classes, b.constant(ignoreIndex, classes)), dtype);
    return b.sub(b.constant(1, ignored), ignored);
  }

  /** Sum or mean over samples; with a mask, masked samples are dropped from both. */
  private static Node reduceSamples(NodeBuilder b, Node perSample, Node mask, Reduction reduction) {
    Node kept = mask == null ? perSample : b.mul(perSample, mask);
    return switch (reduction) {
      case NONE -> kept;
      case SUM -> b.sumAll(kept);
      case MEAN -> mask == null ? b.meanAll(kept)
          : b.div(b.sumAll(kept), b.max(b.sumAll(mask), b.constant(1, mask)));
    };
  }
}
