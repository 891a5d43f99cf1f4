package dev.adjoint.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PermutationsTest {
  @Test
  void everyRowOnce() {
    for (int n : new int[] {0, 1, 2, 7, 1000}) {
      int[] order = Permutations.shuffled(n, 42, 3);
      int[] sorted = order.clone();
      Arrays.sort(sorted);
      assertArrayEquals(Permutations.identity(n), sorted);
    }
  }

  @Test
  void reproducibleForASeedAndEpoch() {
    assertArrayEquals(Permutations.shuffled(500, 7, 4), Permutations.shuffled(500, 7, 4));
    int[] inPlace = new int[500];
    Arrays.fill(inPlace, -1);
    Permutations.shuffle(inPlace, 7, 4);
    assertArrayEquals(Permutations.shuffled(500, 7, 4), inPlace);
  }

  @Test
  void resumingAtAnEpochNeedsNothingFromTheEpochsBefore() {
    int[][] run = new int[5][];
    for (int epoch = 0; epoch < 5; epoch++) {
      run[epoch] = Permutations.shuffled(100, 11, epoch);
    }
    assertArrayEquals(run[3], Permutations.shuffled(100, 11, 3));
  }

  @Test
  void differentAcrossEpochsAndSeeds() {
    int[] first = Permutations.shuffled(100, 1, 0);
    assertFalse(Arrays.equals(first, Permutations.shuffled(100, 1, 1)));
    assertFalse(Arrays.equals(first, Permutations.shuffled(100, 2, 0)));
    assertFalse(Arrays.equals(first, Permutations.identity(100)));
  }

  /** A fixed order, so that a change of the algorithm (and of every run's shuffles) is noticed. */
  @Test
  void theOrderIsPinned() {
    assertArrayEquals(new int[] {6, 5, 2, 4, 8, 7, 9, 3, 0, 1}, Permutations.shuffled(10, 0, 0));
  }

  @Test
  void positionsAreRoughlyUniform() {
    int n = 5;
    int[][] counts = new int[n][n];
    int epochs = 20_000;
    for (int epoch = 0; epoch < epochs; epoch++) {
      int[] order = Permutations.shuffled(n, 9, epoch);
      for (int i = 0; i < n; i++) {
        counts[order[i]][i]++;
      }
    }
    double expected = (double) epochs / n;
    for (int[] row : counts) {
      for (int c : row) {
        assertTrue(Math.abs(c - expected) < 0.06 * expected, Arrays.deepToString(counts));
      }
    }
    assertEquals(n, counts.length);
  }
}
