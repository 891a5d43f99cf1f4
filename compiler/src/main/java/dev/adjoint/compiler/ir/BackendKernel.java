package dev.adjoint.compiler.ir;

/**
 * The kernels that are not one element at a time: each back end (the interpreter's
 * {@code OpKernels}, the code generator's {@code NodeEmitter} and {@code Lowering}) maps
 * every constant to its own code in a switch without a default, so a new kernel fails to
 * compile until every back end has it. Several ops may share one (the sources).
 */
public enum BackendKernel implements Kernel {
  /** INPUT, PARAM, STATE: fed values, not computed. */
  SOURCE,
  CONSTANT,
  COUNT,
  REDUCE_SUM,
  REDUCE_MAX,
  ARGMAX,
  RESHAPE,
  BROADCAST,
  TRANSPOSE,
  SLICE,
  UNSLICE,
  PAD,
  CONCAT,
  GATHER,
  SCATTER_ADD,
  ONE_HOT,
  POOL_ARGMAX,
  SPATIAL_TAKE,
  SPATIAL_PUT,
  MATMUL,
  BATCH_MATMUL,
  CONV,
  CONV_INPUT_GRAD,
  CONV_FILTER_GRAD,
  RANDOM_UNIFORM,
  /** Resolved before evaluation (the interpreter takes the chosen input) and before code generation. */
  MODE_SWITCH,
  LOG_SOFTMAX,
  SOFTMAX_CROSS_ENTROPY,
  DROPOUT_MASK,
  /** An embedding bag's weighted sum and its table's gradient, over the ids present ({@link Op#BAG_SUM}). */
  BAG_SUM,
  BAG_SUM_GRAD,
  /** A fused chain of scalar kernels in one loop. */
  ELEMENTWISE_KERNEL,
  /** A loop over time running a body graph per step ({@link Op#SCAN}). */
  SCAN,
  ATTENTION,
  /** A convolution with its bias and relu as the GEMM's epilogue ({@link Op#CONV_BIAS_RELU}). */
  CONV_BIAS_RELU
}
