package dev.adjoint.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The f32 max-pooling kernels against the definition, window by window: the first maximum
 * of each window and channel (a NaN wins), padding never chosen, then take and put by those
 * indices; with ties, NaNs, padding, overlapping windows and windows cut by the input's end.
 */
class MaxPoolTest {

  /** h, w, c, kh, kw, sh, sw, ph, pw, ho, wo. */
  private static final int[][] GEOMETRIES = {
      {6, 6, 3, 2, 2, 2, 2, 0, 0, 3, 3},
      {7, 5, 4, 3, 2, 2, 1, 1, 1, 4, 6},
      {7, 5, 2, 2, 2, 2, 2, 0, 0, 4, 3}, // ceil_mode: the last windows reach past the input
      {9, 1, 5, 3, 1, 2, 1, 1, 0, 5, 1}, // 1-D
      // channels in vectors (16 lanes, 8 in the 256-bit run) and past them
      {6, 6, 19, 2, 2, 2, 2, 0, 0, 3, 3},
      {7, 5, 32, 3, 2, 2, 1, 1, 1, 4, 6}, // padding: the edge windows apart
      {7, 5, 17, 2, 2, 2, 2, 0, 0, 4, 3}, // ceil_mode
      {9, 1, 16, 3, 1, 2, 1, 1, 0, 5, 1}, // 1-D
  };

  @Test
  void argmaxTakeAndPutFollowTheDefinition() {
    Random random = new Random(3);
    for (int[] g : GEOMETRIES) {
      int h = g[0];
      int w = g[1];
      int c = g[2];
      int samples = 3;
      float[] x = new float[samples * h * w * c];
      for (int i = 0; i < x.length; i++) {
        int pick = random.nextInt(10);
        x[i] = pick == 0 ? Float.NaN : pick < 4 ? 1f : (float) random.nextGaussian(); // ties and NaNs
      }
      int n = samples * g[9] * g[10] * c;
      int[] at = new int[n];
      MaxPool.argmax(x, h, w, c, g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], n, at);
      assertArrayEquals(reference(x, g, samples), at, () -> java.util.Arrays.toString(g));
      float[] taken = new float[n];
      MaxPool.take(x, h * w, c, at, g[9] * g[10], n, taken);
      float[] put = new float[x.length];
      java.util.Arrays.fill(put, 7f);
      MaxPool.put(at, taken, g[9] * g[10], c, n, h * w, put);
      float[] expectedTaken = new float[n];
      float[] expectedPut = new float[x.length];
      for (int i = 0; i < n; i++) {
        int s = i / (g[9] * g[10] * c);
        int ch = i % c;
        int from = (s * h * w + at[i]) * c + ch;
        expectedTaken[i] = x[from];
        expectedPut[from] += x[from];
      }
      assertArrayEquals(expectedTaken, taken);
      assertArrayEquals(expectedPut, put);
    }
  }

  /**
   * A batch large enough that take and put share its samples between threads (W5's first
   * pooling at 16 samples): the same results as the definition.
   */
  @Test
  void largeBatchesFollowTheDefinition() {
    int[] g = {26, 26, 32, 2, 2, 2, 2, 0, 0, 13, 13};
    int samples = 16;
    Random random = new Random(4);
    float[] x = new float[samples * 26 * 26 * 32];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    int n = samples * 13 * 13 * 32;
    int[] at = new int[n];
    MaxPool.argmax(x, 26, 26, 32, 2, 2, 2, 2, 0, 0, 13, 13, n, at);
    assertArrayEquals(reference(x, g, samples), at);
    float[] taken = new float[n];
    MaxPool.take(x, 26 * 26, 32, at, 13 * 13, n, taken);
    float[] put = new float[x.length];
    java.util.Arrays.fill(put, 7f);
    MaxPool.put(at, taken, 13 * 13, 32, n, 26 * 26, put);
    float[] expectedPut = new float[x.length];
    for (int i = 0; i < n; i++) {
      int from = (i / (13 * 13 * 32) * 26 * 26 + at[i]) * 32 + i % 32;
      org.junit.jupiter.api.Assertions.assertEquals(x[from], taken[i]);
      expectedPut[from] += taken[i];
    }
    assertArrayEquals(expectedPut, put);
  }

  private static int[] reference(float[] x, int[] g, int samples) {
    int h = g[0];
    int w = g[1];
    int c = g[2];
    int[] out = new int[samples * g[9] * g[10] * c];
    int o = 0;
    for (int s = 0; s < samples; s++) {
      for (int oi = 0; oi < g[9]; oi++) {
        for (int oj = 0; oj < g[10]; oj++) {
          for (int ch = 0; ch < c; ch++) {
            float best = 0;
            int arg = -1;
            for (int di = 0; di < g[3]; di++) {
              for (int dj = 0; dj < g[4]; dj++) {
                int r = oi * g[5] + di - g[7];
                int q = oj * g[6] + dj - g[8];
                if (r < 0 || r >= h || q < 0 || q >= w) {
                  continue;
                }
                float v = x[((s * h + r) * w + q) * c + ch];
                if (arg < 0 || v > best || Float.isNaN(v) && !Float.isNaN(best)) {
                  best = v;
                  arg = r * w + q;
                }
              }
            }
            out[o++] = arg;
          }
        }
      }
    }
    return out;
  }
}
