package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.DType;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Primitive;
import dev.adjoint.compiler.ir.ScalarKernel;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeRules;
import dev.adjoint.compiler.ir.TensorType;
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
    Tensor shifted = Elementwise.apply(Op.SUB, x, Movement.broadcast(max, x.shape()));
    Tensor sum = Reductions.sum(Elementwise.apply(Op.EXP, shifted), axes);
    Tensor log = Elementwise.apply(Op.LOG, sum);
    return Elementwise.apply(Op.SUB, shifted, Movement.broadcast(log, x.shape()));
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
    Tensor products = Elementwise.apply(Op.MUL, t, ls);
    Tensor perSample = Reductions.sum(products, new Attrs.Axes(List.of(rank - 1), false));
    return Elementwise.apply(Op.NEG, perSample);
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
      List<TensorType> types = new ArrayList<>();
      for (int a : instruction.args()) {
        args.add(values.get(a));
        types.add(new TensorType(dtypes.get(a), Shape.SCALAR));
      }
      Primitive op = instruction.op();
      values.add(Elementwise.apply(op, (ScalarKernel) op.kernel(), instruction.attrs(), types.get(0).dtype(), args));
      dtypes.add(ShapeRules.infer(op, types, instruction.attrs()).dtype());
    }
    return values.get(values.size() - 1);
  }
}
