package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The edges of the geometry a convolution accepts: an empty input that padding alone fills,
 * and each of the two one-array limits (the im2col matrix and the output) refusing on its own.
 */
class ConvolutionLimitsTest {
  @Test
  void anEmptyInputPaddedToOnePositionGivesTheBias() {
    float[] y = {9, 9, 9, 9};
    // 0x0 input, padding 1 on each side, 1x1 kernel: 2x2 positions that see only padding
    Convolution.forwardBias(new float[0], new float[] {3}, new float[] {5}, y, 1, 0, 0, 1, 2, 2, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1);
    assertArrayEquals(new float[] {5, 5, 5, 5}, y);
  }

  @Test
  void anIm2colMatrixOverOneArrayIsRefusedEvenWithOneOutputChannel() {
    // 2^30 positions by 4 taps (a 2x2 kernel over one channel): 2^32 floats
    refused(() -> Convolution.forward(new float[1], new float[1], new float[1], 1, 32769, 32769, 1, 32768,
        32768, 1, 2, 2, 1, 1, 0, 0, 1, 1, 1));
    // 2^30 positions by 4 taps (a 1x1 kernel over 4 channels in one group)
    refused(() -> Convolution.forward(new float[1], new float[1], new float[1], 1, 32768, 32768, 4, 32768,
        32768, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1));
  }

  @Test
  void anOutputOverOneArrayIsRefusedEvenWithOneTap() {
    // 2^30 positions by 1 tap, but 4 output channels
    refused(() -> Convolution.forward(new float[1], new float[1], new float[1], 1, 32768, 32768, 1, 32768,
        32768, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1));
  }

  private static void refused(Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().contains("exceeds one Java array"), e.getMessage());
  }
}
