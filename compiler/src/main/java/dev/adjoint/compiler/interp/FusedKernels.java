package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Primitive;
import dev.adjoint.compiler.ir.ElementKernel;
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
  static F64Tensor logSoftmax(F64Tensor x, Attrs.Axes axes) {
    F64Tensor max = ReductionKernels.max(x, axes);
    F64Tensor shifted = Elementwise.apply(Op.SUB, x, MovementKernels.broadcast(max, x.shape()));
    F64Tensor sum = ReductionKernels.sum(Elementwise.apply(Op.EXP, shifted), axes);
    F64Tensor log = Elementwise.apply(Op.LOG, sum);
    return Elementwise.apply(Op.SUB, shifted, MovementKernels.broadcast(log, x.shape()));
  }

  /** -Σ t · log_softmax(z) over the last axis; t is the smoothed one-hot of indices, or the given distribution. */
  static F64Tensor softmaxCrossEntropy(F64Tensor logits, F64Tensor target, boolean indices, double smoothing) {
    int rank = logits.rank();
    int classes = logits.dim(rank - 1);
    Attrs.Axes last = new Attrs.Axes(List.of(rank - 1), true);
    F64Tensor ls = logSoftmax(logits, last);
    F64Tensor t = target;
    if (indices) {
      double[] oneHot = IndexingKernels.oneHot(target, classes).data();
      for (int i = 0; i < oneHot.length; i++) {
        oneHot[i] = oneHot[i] * (1 - smoothing) + smoothing / classes;
      }
      t = F64Tensor.wrap(logits.shape(), oneHot);
    }
    F64Tensor products = Elementwise.apply(Op.MUL, t, ls);
    F64Tensor perSample = ReductionKernels.sum(products, new Attrs.Axes(List.of(rank - 1), false));
    return Elementwise.apply(Op.NEG, perSample);
  }

  /** The scale where the draw of (seed, step, stream, e) is at least the threshold, else 0. */
  static F64Tensor dropoutMask(Attrs.DropoutMask mask, Batch batch, Feed feed) {
    int[] shape = batch.concrete(mask.shape());
    double[] out = new double[Strides.size(shape)];
    for (int e = 0; e < out.length; e++) {
      out[e] = CounterRng.uniform(feed.seed(), feed.step(), mask.stream(), e) >= mask.threshold() ? mask.scale() : 0;
    }
    return F64Tensor.wrap(shape, out);
  }

  /** Runs a kernel's program over whole tensors, its inputs broadcast to its shape first. */
  static F64Tensor kernel(Node node, List<F64Tensor> inputs, Batch batch) {
    Attrs.Kernel k = node.attrs(Attrs.Kernel.class);
    int[] shape = batch.concrete(k.shape());
    List<F64Tensor> values = new ArrayList<>();
    List<ScalarType> dtypes = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      values.add(MovementKernels.broadcast(inputs.get(i), shape));
      dtypes.add(node.input(i).dtype());
    }
    for (Attrs.Instruction instruction : k.program()) {
      List<F64Tensor> args = new ArrayList<>();
      List<TensorType> types = new ArrayList<>();
      for (int a : instruction.args()) {
        args.add(values.get(a));
        types.add(new TensorType(dtypes.get(a), Shape.SCALAR));
      }
      Primitive op = instruction.op();
      values.add(Elementwise.apply(op, (ElementKernel) op.kernel(), instruction.attrs(), types.get(0).dtype(), args));
      dtypes.add(ShapeRules.infer(op, types, instruction.attrs()).dtype());
    }
    return values.get(values.size() - 1);
  }
}
