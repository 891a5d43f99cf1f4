package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.DType;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.runtime.random.CounterRng;
import java.util.ArrayList;
import java.util.List;

/**
 * The fused ops, computed directly from their definitions so that every rewrite can be
 * checked against the unfused graph it replaced.
 */
final class FusedKernels {
  private FusedKernels() {}

  /** x - max - log Σ e^(x - max) along one axis. */
  static Tensor logSoftmax(Tensor x, Attrs.Axes axes) {
    Tensor max = Reductions.max(x, axes);
    Tensor shifted = Elementwise.binary(Op.SUB, DType.F64, x, Movement.broadcast(max, x.shape()));
    Tensor sum = Reductions.sum(Elementwise.unary(Op.EXP, shifted), axes);
    Tensor log = Elementwise.unary(Op.LOG, sum);
    return Elementwise.binary(Op.SUB, DType.F64, shifted, Movement.broadcast(log, x.shape()));
  }

  /** -Σ t · log_softmax(z) over the last axis; t is the smoothed one-hot of indices, or the given distribution. */
  static Tensor softmaxCrossEntropy(Tensor logits, Tensor target, boolean indices, double smoothing) {
    int rank = logits.rank();
    int classes = logits.dim(rank - 1);
    Attrs.Axes last = new Attrs.Axes(List.of(rank - 1), true);
    Tensor ls = logSoftmax(logits, last);
    Tensor t = target;
    if (indices) {
      double[] oneHot = Indexing.oneHot(target, classes).data();
      for (int i = 0; i < oneHot.length; i++) {
        oneHot[i] = oneHot[i] * (1 - smoothing) + smoothing / classes;
      }
      t = Tensor.wrap(logits.shape(), oneHot);
    }
    Tensor products = Elementwise.binary(Op.MUL, DType.F64, t, ls);
    Tensor perSample = Reductions.sum(products, new Attrs.Axes(List.of(rank - 1), false));
    return Elementwise.unary(Op.NEG, perSample);
  }

  /** max(z, 0) - z·y + log1p(e^-|z|), elementwise. */
  static Tensor sigmoidBce(Tensor z, Tensor y) {
    double[] zs = z.data();
    double[] ys = y.data();
    double[] out = new double[zs.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.max(zs[i], 0) - zs[i] * ys[i] + Math.log1p(Math.exp(-Math.abs(zs[i])));
    }
    return Tensor.wrap(z.shape(), out);
  }

  /** The scale where the draw of (seed, step, stream, e) is at least the threshold, else 0. */
  static Tensor dropoutMask(Attrs.DropoutMask mask, Batch batch, Feed feed) {
    int[] shape = batch.concrete(mask.shape());
    double[] out = new double[Strides.size(shape)];
    for (int e = 0; e < out.length; e++) {
      out[e] = CounterRng.uniform(feed.seed(), feed.step(), mask.stream(), e) >= mask.threshold() ? mask.scale() : 0;
    }
    return Tensor.wrap(shape, out);
  }

  /** Runs a kernel's program over whole tensors, its inputs broadcast to its shape first. */
  static Tensor kernel(Node node, List<Tensor> inputs, Batch batch) {
    Attrs.Kernel k = node.attrs(Attrs.Kernel.class);
    int[] shape = batch.concrete(k.shape());
    List<Tensor> values = new ArrayList<>();
    List<DType> dtypes = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      values.add(Movement.broadcast(inputs.get(i), shape));
      dtypes.add(node.input(i).dtype());
    }
    for (Attrs.Instruction instruction : k.program()) {
      List<Tensor> args = new ArrayList<>();
      for (int a : instruction.args()) {
        args.add(values.get(a));
      }
      DType argType = dtypes.get(instruction.args().get(instruction.op() == Op.WHERE ? 1 : 0));
      values.add(elementwise(instruction, args, argType));
      dtypes.add(instruction.op() == Op.CAST ? ((Attrs.Cast) instruction.attrs()).dtype() : argType);
    }
    return values.get(values.size() - 1);
  }

  private static Tensor elementwise(Attrs.Instruction instruction, List<Tensor> args, DType argType) {
    Op op = instruction.op();
    return switch (op) {
      case CAST -> Elementwise.cast(args.get(0), ((Attrs.Cast) instruction.attrs()).dtype());
      case WHERE -> Elementwise.where(args.get(0), args.get(1), args.get(2));
      case ADD, SUB, MUL, DIV, POW, MAX, MIN, GREATER, GREATER_EQUAL, EQUAL ->
          Elementwise.binary(op, argType, args.get(0), args.get(1));
      default -> Elementwise.unary(op, args.get(0));
    };
  }
}
