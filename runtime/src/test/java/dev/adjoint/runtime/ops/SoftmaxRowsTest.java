package dev.adjoint.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.runtime.kernels.Gemm;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The f32 log-softmax and cross-entropy rows shared between the engine's threads give, row for
 * row, the bits of one serial pass, whether the call splits (from 4,096 elements) or not, with
 * the class axis last or in the middle, and at extreme logits.
 */
class SoftmaxRowsTest {
  @Test
  void sharedRowsGiveTheSerialPassBits() {
    SplittableRandom random = new SplittableRandom(3);
    for (int[] shape : new int[][] {{0, 5, 1}, {1, 7, 1}, {15, 256, 1}, {2048, 256, 1}, {33, 10, 17}, {4, 3, 2000}}) {
      int outer = shape[0];
      int classes = shape[1];
      int inner = shape[2];
      float[] x = new float[outer * classes * inner];
      for (int i = 0; i < x.length; i++) {
        x[i] = i % 97 == 5 ? 1000f : i % 89 == 3 ? -1000f : (float) random.nextGaussian() * 4;
      }
      String what = outer + "x" + classes + "x" + inner + " on " + Gemm.engine().threads() + " threads";
      float[] shared = new float[x.length];
      float[] serial = new float[x.length];
      Softmax.logSoftmax(x, outer, classes, inner, shared);
      Softmax.logSoftmaxRows(x, 0, outer * inner, classes, inner, serial);
      assertArrayEquals(serial, shared, what);
      if (inner == 1) {
        int[] target = new int[outer];
        for (int r = 0; r < outer; r++) {
          target[r] = r % 11 == 4 ? -1 : random.nextInt(classes);
        }
        float[] lossShared = new float[outer];
        float[] lossSerial = new float[outer];
        Softmax.crossEntropy(x, outer, classes, target, 0.1, lossShared);
        Softmax.crossEntropyRows(x, 0, outer, classes, target, 0.1, lossSerial);
        assertArrayEquals(lossSerial, lossShared, what);
      }
    }
  }

  @Test
  void aRowIsItsLogSoftmax() {
    float[] x = {1000, 0, -1000, 2, 2, 2};
    float[] out = new float[6];
    Softmax.logSoftmax(x, 2, 3, 1, out);
    assertEquals(0f, out[0]);
    assertEquals(-1000f, out[1]);
    assertEquals((float) -Math.log(3), out[3], 1e-6f);
  }
}
