package dev.adjoint.compiler.composite;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/** The math of layers with parameters, given the parameters; the front end creates and names them. */
public final class Layers {
  private Layers() {}

  /** x @ W + b (b may be null). */
  public static Node dense(NodeBuilder b, Node x, Node weight, Node bias) {
    Node y = b.matmul(x, weight, false, false);
    return bias == null ? y : b.add(y, bias);
  }

  /**
   * conv(x, filters) + bias, channels-last; the bias [C_out] is added along the last axis as
   * {@link #dense}'s is.
   */
  public static Node conv(NodeBuilder b, Node x, Node filters, Node bias, Attrs.Conv attrs) {
    Node y = b.node(Op.CONV, List.of(x, filters), attrs);
    return bias == null ? y : b.add(y, bias);
  }

  /**
   * The transposed convolution of x by filters [k..., C_out / groups, C_x] plus bias: the input
   * gradient of the convolution {@code attrs} describes, whose input size is this result's.
   */
  public static Node convTranspose(NodeBuilder b, Node x, Node filters, Node bias, Attrs.Conv attrs) {
    Node y = b.node(Op.CONV_INPUT_GRAD, List.of(x, filters), attrs);
    return bias == null ? y : b.add(y, bias);
  }

  /**
   * Inverted dropout: while training, each element is kept with probability 1 - p and
   * scaled by 1/(1 - p), so the expected value is unchanged; at inference it is the identity.
   */
  public static Node dropout(NodeBuilder b, Node x, double p) {
    if (p == 0) {
      return x;
    }
    // p rounded to f32 so that f32 generated code and the f64 interpreter compare the same threshold
    Node keep = b.greaterEqual(b.randomUniform(x.shape(), x.dtype()), b.constant((float) p, x));
    Node dropped = b.scale(b.mul(x, keep), 1 / (1 - p));
    return b.modeSwitch(dropped, x);
  }

  /** The statistics axes of batch norm: every axis but the last (features). */
  public static List<Integer> batchAxes(Node x) {
    List<Integer> axes = new ArrayList<>();
    for (int i = 0; i < x.shape().rank() - 1; i++) {
      axes.add(i);
    }
    return axes;
  }

  /** The result of batch norm and the new running statistics. */
  public record BatchNormResult(Node output, Node runningMean, Node runningVar) {}

  /**
   * Batch normalization over every axis but the last. Training uses the batch's mean and
   * biased variance and moves the running statistics by {@code momentum} (the running
   * variance takes the unbiased estimate, as PyTorch does); inference uses the running ones.
   */
  public static BatchNormResult batchNorm(NodeBuilder b, Node x, Node gamma, Node beta, Node runningMean,
      Node runningVar, double momentum, double eps) {
    List<Integer> axes = batchAxes(x);
    Node mean = b.mean(x, axes, false);
    Node centered = b.sub(x, mean);
    Node variance = b.mean(b.mul(centered, centered), axes, false);
    Node training = affine(b, b.div(centered, b.sqrt(b.shift(variance, eps))), gamma, beta);
    Node inference = affine(b, b.div(b.sub(x, runningMean), b.sqrt(b.shift(runningVar, eps))), gamma, beta);
    Node n = b.count(x, axes);
    Node unbiased = b.mul(variance, b.div(n, b.max(b.shift(n, -1), b.constant(1, n))));
    Node newMean = b.add(b.scale(runningMean, 1 - momentum), b.scale(mean, momentum));
    Node newVar = b.add(b.scale(runningVar, 1 - momentum), b.scale(unbiased, momentum));
    return new BatchNormResult(b.modeSwitch(training, inference), newMean, newVar);
  }

  /** Layer normalization over the last axis, then the affine map if gamma and beta are given. */
  public static Node layerNorm(NodeBuilder b, Node x, Node gamma, Node beta, double eps) {
    List<Integer> last = List.of(x.shape().rank() - 1);
    Node centered = b.sub(x, b.mean(x, last, true));
    Node variance = b.mean(b.mul(centered, centered), last, true);
    return affine(b, b.div(centered, b.sqrt(b.shift(variance, eps))), gamma, beta);
  }

  private static Node affine(NodeBuilder b, Node normalized, Node gamma, Node beta) {
    Node scaled = gamma == null ? normalized : b.mul(normalized, gamma);
    return beta == null ? scaled : b.add(scaled, beta);
  }

  /**
   * Embedding bag: rows of the table for each id of a bag [..., L], then their sum, their
   * mean (over the ids that are not padding, i.e. not negative) or their weighted sum.
   */
  public static Node embeddingBag(NodeBuilder b, Node table, Node ids, boolean mean, Node weights) {
    Node rows = b.gather(table, ids);
    int bagAxis = ids.shape().rank() - 1;
    if (weights != null) {
      Shape perId = weights.shape().append(1);
      rows = b.mul(rows, b.reshape(weights, perId));
    }
    Node sum = b.sum(rows, List.of(bagAxis), false);
    if (!mean) {
      return sum;
    }
    Node present = b.cast(b.greaterEqual(ids, b.constant(0, ids)), table.dtype());
    Node count = b.sum(present, List.of(bagAxis), true);
    return b.div(sum, b.max(count, b.constant(1, count)));
  }
}
