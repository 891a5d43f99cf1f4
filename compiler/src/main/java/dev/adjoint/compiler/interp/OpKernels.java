package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.runtime.random.CounterRng;
import java.util.List;

/**
 * The value of one computed node from the values of its inputs: the one place that maps
 * each op to its kernel. Sources and MODE_SWITCH are the interpreter's own business.
 */
final class OpKernels {
  private OpKernels() {}

  static Tensor apply(Node node, List<Tensor> in, Batch batch, Feed feed) {
    Op op = node.op();
    return switch (op) {
      case CONST -> {
        Attrs.Fill fill = node.attrs(Attrs.Fill.class);
        yield Tensor.fill(batch.concrete(fill.shape()), fill.value());
      }
      case COUNT -> Reductions.count(in.get(0), node.attrs(Attrs.Axes.class));
      case NEG, RECIP, EXP, LOG, LOG1P, SQRT, ABS, SIGN, TANH, SIGMOID, ERF -> Elementwise.unary(op, in.get(0));
      case CAST -> Elementwise.cast(in.get(0), node.attrs(Attrs.Cast.class).dtype());
      case ADD, SUB, MUL, DIV, POW, MAX, MIN, GREATER, GREATER_EQUAL, EQUAL ->
          Elementwise.binary(op, node.input(0).dtype(), in.get(0), in.get(1));
      case WHERE -> Elementwise.where(in.get(0), in.get(1), in.get(2));
      case REDUCE_SUM -> Reductions.sum(in.get(0), node.attrs(Attrs.Axes.class));
      case REDUCE_MAX -> Reductions.max(in.get(0), node.attrs(Attrs.Axes.class));
      case RESHAPE -> Movement.reshape(in.get(0), batch.concrete(node.attrs(Attrs.Target.class).shape()));
      case BROADCAST -> Movement.broadcast(in.get(0), batch.concrete(node.attrs(Attrs.Target.class).shape()));
      case TRANSPOSE -> Movement.transpose(in.get(0), node.attrs(Attrs.Permutation.class).perm());
      case SLICE -> {
        Attrs.Slice s = node.attrs(Attrs.Slice.class);
        yield Movement.slice(in.get(0), s.axis(), s.start(), s.end());
      }
      case PAD -> {
        Attrs.Pad p = node.attrs(Attrs.Pad.class);
        yield Movement.pad(in.get(0), p.axis(), p.before(), p.after());
      }
      case GATHER -> Indexing.gather(in.get(0), in.get(1));
      case SCATTER_ADD ->
          Indexing.scatterAdd(in.get(0), in.get(1), batch.concrete(node.attrs(Attrs.Target.class).shape()));
      case ONE_HOT -> Indexing.oneHot(in.get(0), node.attrs(Attrs.OneHot.class).classes());
      case MATMUL -> Matmul.apply(in.get(0), in.get(1), node.attrs(Attrs.Matmul.class));
      case RANDOM_UNIFORM -> randomUniform(node.attrs(Attrs.Random.class), batch, feed);
      case LOG_SOFTMAX -> FusedKernels.logSoftmax(in.get(0), node.attrs(Attrs.Axes.class));
      case SOFTMAX_CROSS_ENTROPY -> FusedKernels.softmaxCrossEntropy(in.get(0), in.get(1),
          node.input(1).dtype() == dev.adjoint.compiler.ir.DType.I32,
          node.attrs(Attrs.CrossEntropy.class).smoothing());
      case SIGMOID_BCE -> FusedKernels.sigmoidBce(in.get(0), in.get(1));
      case DROPOUT_MASK -> FusedKernels.dropoutMask(node.attrs(Attrs.DropoutMask.class), batch, feed);
      case ELEMENTWISE_KERNEL -> FusedKernels.kernel(node, in, batch);
      case INPUT, PARAM, STATE, MODE_SWITCH ->
          throw new IllegalStateException(op.text() + " is evaluated by the interpreter, not by a kernel");
    };
  }

  /** Element e (row-major) is the generator's draw for (seed, step, stream, e), widened from float. */
  private static Tensor randomUniform(Attrs.Random attrs, Batch batch, Feed feed) {
    int[] shape = batch.concrete(attrs.shape());
    double[] out = new double[Strides.size(shape)];
    for (int e = 0; e < out.length; e++) {
      out[e] = CounterRng.uniform(feed.seed(), feed.step(), attrs.stream(), e);
    }
    return Tensor.wrap(shape, out);
  }
}
