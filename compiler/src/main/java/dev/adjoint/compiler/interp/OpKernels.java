package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.BackendKernel;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.ElementKernel;
import dev.adjoint.runtime.random.CounterRng;
import java.util.List;

/**
 * The value of one computed node from the values of its inputs, through its op's kernel:
 * a scalar kernel's own evaluator over every element, or this interpreter's code for each
 * {@link BackendKernel}. Sources and MODE_SWITCH are the interpreter's own business.
 */
final class OpKernels {
  private OpKernels() {}

  static F64Tensor apply(Node node, List<F64Tensor> in, Batch batch, Feed feed) {
    if (node.op().kernel() instanceof ElementKernel kernel) {
      return Elementwise.apply(node.op(), kernel, node.attrs(), node.input(0).dtype(), in);
    }
    return switch ((BackendKernel) node.op().kernel()) {
      case CONSTANT -> {
        Attrs.Fill fill = node.attrs(Attrs.Fill.class);
        yield F64Tensor.fill(batch.concrete(fill.shape()), fill.value());
      }
      case COUNT -> ReductionKernels.count(in.get(0), node.attrs(Attrs.Axes.class));
      case REDUCE_SUM -> ReductionKernels.sum(in.get(0), node.attrs(Attrs.Axes.class));
      case REDUCE_MAX -> ReductionKernels.max(in.get(0), node.attrs(Attrs.Axes.class));
      case ARGMAX -> ReductionKernels.argmax(in.get(0), node.attrs(Attrs.Axes.class));
      case RESHAPE -> MovementKernels.reshape(in.get(0), batch.concrete(node.attrs(Attrs.Target.class).shape()));
      case BROADCAST -> MovementKernels.broadcast(in.get(0), batch.concrete(node.attrs(Attrs.Target.class).shape()));
      case TRANSPOSE -> MovementKernels.transpose(in.get(0), node.attrs(Attrs.Permutation.class).perm());
      case SLICE -> {
        Attrs.Slice s = node.attrs(Attrs.Slice.class);
        yield MovementKernels.slice(in.get(0), s.axis(), s.start(), s.step(), s.length());
      }
      case UNSLICE -> {
        Attrs.Unslice u = node.attrs(Attrs.Unslice.class);
        yield MovementKernels.unslice(in.get(0), u.axis(), u.start(), u.step(), u.size());
      }
      case PAD -> {
        Attrs.Pad p = node.attrs(Attrs.Pad.class);
        yield MovementKernels.pad(in.get(0), p.axis(), p.before(), p.after());
      }
      case CONCAT -> MovementKernels.concat(in, node.attrs(Attrs.Concat.class).axis());
      case GATHER -> IndexingKernels.gather(in.get(0), in.get(1));
      case SCATTER_ADD ->
          IndexingKernels.scatterAdd(in.get(0), in.get(1), batch.concrete(node.attrs(Attrs.Target.class).shape()));
      case POOL_ARGMAX -> PoolKernels.argmax(in.get(0), node.attrs(Attrs.Pool.class));
      case SPATIAL_TAKE -> PoolKernels.take(in.get(0), in.get(1));
      case SPATIAL_PUT ->
          PoolKernels.put(in.get(0), in.get(1), batch.concrete(node.attrs(Attrs.Target.class).shape()));
      case ONE_HOT -> IndexingKernels.oneHot(in.get(0), node.attrs(Attrs.OneHot.class).classes());
      case MATMUL -> Matmul.apply(in.get(0), in.get(1), node.attrs(Attrs.Matmul.class));
      case BATCH_MATMUL -> Matmul.batched(in.get(0), in.get(1), node.attrs(Attrs.Matmul.class));
      case CONV -> ConvKernels.conv(in.get(0), in.get(1), node.attrs(Attrs.Conv.class));
      case CONV_INPUT_GRAD -> ConvKernels.inputGrad(in.get(0), in.get(1), node.attrs(Attrs.Conv.class));
      case CONV_FILTER_GRAD -> ConvKernels.filterGrad(in.get(0), in.get(1), node.attrs(Attrs.Conv.class));
      case CONV_BIAS_RELU -> ConvKernels.convBiasRelu(in.get(0), in.get(1), in.get(2), node.attrs(Attrs.Conv.class));
      case RANDOM_UNIFORM -> randomUniform(node.attrs(Attrs.Random.class), batch, feed);
      case LOG_SOFTMAX -> FusedKernels.logSoftmax(in.get(0), node.attrs(Attrs.Axes.class));
      case SOFTMAX_CROSS_ENTROPY -> FusedKernels.softmaxCrossEntropy(in.get(0), in.get(1),
          node.input(1).dtype() == ScalarType.I32, node.attrs(Attrs.CrossEntropy.class).smoothing());
      case DROPOUT_MASK -> FusedKernels.dropoutMask(node.attrs(Attrs.DropoutMask.class), batch, feed);
      case BAG_SUM -> BagKernels.sum(in.get(0), in.get(1), in.size() > 2 ? in.get(2) : null);
      case BAG_SUM_GRAD -> BagKernels.gradient(in.get(0), in.get(1), in.size() > 2 ? in.get(2) : null,
          batch.concrete(node.attrs(Attrs.Target.class).shape()));
      case ELEMENTWISE_KERNEL -> FusedKernels.kernel(node, in, batch);
      case SCAN -> ScanKernel.apply(node, in, batch, feed);
      case ATTENTION -> AttentionKernels.attention(in, node.attrs(Attrs.Attention.class));
      case SOURCE, MODE_SWITCH ->
          throw new IllegalStateException(node.op().text() + " is evaluated by the interpreter, not by a kernel");
    };
  }

  /** Element e (row-major) is the generator's draw for (seed, step, stream, e), widened from float. */
  private static F64Tensor randomUniform(Attrs.Random attrs, Batch batch, Feed feed) {
    int[] shape = batch.concrete(attrs.shape());
    double[] out = new double[Strides.size(shape)];
    for (int e = 0; e < out.length; e++) {
      out[e] = CounterRng.uniform(feed.seed(), feed.step(), attrs.stream(), e);
    }
    return F64Tensor.wrap(shape, out);
  }
}
