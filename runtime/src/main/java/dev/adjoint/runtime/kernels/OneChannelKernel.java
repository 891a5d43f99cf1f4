package dev.adjoint.runtime.kernels;

/**
 * Convolutions of one input channel computed directly, without im2col and the GEMM: a
 * network's first layer on grey-scale images or signals. Its im2col matrix has one column per
 * tap (9 for a 3x3 kernel), so im2col costs a copy call per element and the GEMM's depth of 9
 * leaves its tiles starved (W5's first layer ran at 5 % of a core's peak that way). Each output
 * pixel is instead the taps' sum of broadcast inputs times rows of filters, the channels in
 * vectors; the filter gradient is one sum over the pixels per tap and vector of channels, in
 * the im2col product's order (chains over the same blocks of pixels as the GEMM's k blocks), so
 * that both paths round alike: bit for bit the im2col path's filter gradient on finite values.
 *
 * <p>The implementation is the Vector API's ({@code VectorOneChannel}), loaded by name only
 * when the shared GEMM engine is vectorized (the module present, {@code -Dadjoint.vector}
 * not false); otherwise {@link #KERNEL} is null and {@link Convolution} keeps its im2col path.
 * Both methods compute every element the same way whatever range they are given, so the
 * threads' split changes no bit.
 */
abstract class OneChannelKernel {
  /** The vector kernel, or null when convolutions of one channel go through im2col. */
  static final OneChannelKernel KERNEL = load();

  private static final String VECTOR_CLASS = "dev.adjoint.runtime.kernels.VectorOneChannel";

  /** Channels per vector: the filter gradient's unit of work spans this many. */
  abstract int lanes();

  /**
   * Output rows {@code [row0, row1)} (a row: one sample's output row, n·outH of them) of
   * {@code t}'s forward convolution with its epilogue (the bias added, then the relu).
   */
  abstract void forward(OneChannelTask t, int row0, int row1);

  /**
   * Units {@code [unit0, unit1)} of {@code t}'s filter gradient (see {@link
   * OneChannelTask#units}), each summed over every output pixel in blocks of {@link
   * OneChannelTask#depth} pixels as the GEMM sums k, in the same order whatever the range.
   */
  abstract void filterGradient(OneChannelTask t, int unit0, int unit1);

  private static OneChannelKernel load() {
    if (!Gemm.engine().vectorized()) {
      return null;
    }
    try {
      return (OneChannelKernel) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
      return null;
    }
  }
}
