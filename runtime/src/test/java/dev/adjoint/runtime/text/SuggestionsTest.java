package dev.adjoint.runtime.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

  @Test
  void suggestsTheClosestNameWithinAFewEdits() {
    assertEquals("hidden", Suggestions.closest("hiden", List.of("x", "hidden", "hide_it")));
    assertEquals("sepal_length", Suggestions.closest("sepal_lenght", List.of("sepal_width", "sepal_length")));
    assertEquals("Species", Suggestions.closest("species", List.of("Species")), "case is ignored");
    assertEquals("activation", Suggestions.closest("act", List.of("activation", "bias")), "an abbreviation");
    assertNull(Suggestions.closest("x", List.of("h")), "a one-letter name shares nothing with another");
    assertNull(Suggestions.closest("learning_rate", List.of("momentum", "nesterov")));
    assertEquals("did you mean 'relu'?", Suggestions.didYouMean("rleu", List.of("relu", "tanh")));
    assertEquals("; did you mean 'b'? The columns are: a, b", Suggestions.hintAndList("bb", List.of("a", "b"),
        "the columns are"));
    assertEquals("; the columns are: a, b", Suggestions.hintAndList("zzz", List.of("a", "b"), "the columns are"));
  }

  /** The banded distance agrees with the full optimal string alignment table up to the limit. */
  @Test
  void theBandedDistanceIsTheFullDistanceUpToItsLimit() {
    Random random = new Random(7);
    for (int trial = 0; trial < 20_000; trial++) {
      String a = word(random);
      String b = random.nextBoolean() ? word(random) : edit(a, random);
      int full = fullDistance(a, b);
      for (int limit = 0; limit <= 4; limit++) {
        int expected = Math.min(full, limit + 1);
        assertEquals(expected, Suggestions.distance(a, b, limit), () -> a + " / " + b);
      }
    }
  }

  @Test
  void aVeryLongNameCostsTimeAndMemoryLinearInItsLength() {
    String wrong = "w".repeat(70_000) + "x";
    List<String> candidates = List.of("w".repeat(70_000) + "y", "w".repeat(69_999), "hidden");
    String best = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Suggestions.closest(wrong, candidates));
    assertEquals("w".repeat(70_000) + "y", best);
    assertNull(assertTimeoutPreemptively(Duration.ofSeconds(5),
        () -> Suggestions.closest("q".repeat(1_000_000), List.of("q".repeat(999_990) + "r".repeat(10)))));
  }

  private static String word(Random random) {
    StringBuilder s = new StringBuilder();
    int length = random.nextInt(8);
    for (int i = 0; i < length; i++) {
      s.append((char) ('a' + random.nextInt(3)));
    }
    return s.toString();
  }

  private static String edit(String a, Random random) {
    StringBuilder s = new StringBuilder(a);
    for (int edits = random.nextInt(4); edits > 0; edits--) {
      int at = s.length() == 0 ? 0 : random.nextInt(s.length());
      switch (random.nextInt(4)) {
        case 0 -> s.insert(at, (char) ('a' + random.nextInt(3)));
        case 1 -> {
          if (s.length() > 0) {
            s.setCharAt(at, (char) ('a' + random.nextInt(3)));
          }
        }
        case 2 -> {
          if (s.length() > 0) {
            s.deleteCharAt(at);
          }
        }
        default -> {
          if (at + 1 < s.length()) {
            char c = s.charAt(at);
            s.setCharAt(at, s.charAt(at + 1));
            s.setCharAt(at + 1, c);
          }
        }
      }
    }
    return s.toString();
  }

  /** The textbook table: every cell. */
  private static int fullDistance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
