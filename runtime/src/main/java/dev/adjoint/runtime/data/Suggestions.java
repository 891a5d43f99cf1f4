package dev.adjoint.runtime.data;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean ...?" for column and class names: the closest known name by edit distance. */
final class Suggestions {
  private Suggestions() {}

  /**
   * {@code "; did you mean 'b'? The columns are: a, b"} when a candidate is close, else
   * {@code "; the columns are: a, b"}, with {@code what} = "the columns are".
   */
  static String hintAndList(String wrong, Collection<String> candidates, String what) {
    String best = closest(wrong, candidates);
    String list = String.join(", ", candidates);
    return best == null ? "; " + what + ": " + list
        : "; did you mean '" + best + "'? " + Character.toUpperCase(what.charAt(0)) + what.substring(1) + ": " + list;
  }

  /** The candidate closest to {@code wrong} within a distance that grows with its length, or null. */
  static String closest(String wrong, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    int limit = Math.max(1, Math.min(3, wrong.length() / 3 + 1));
    String a = wrong.toLowerCase(Locale.ROOT);
    for (String candidate : candidates) {
      int d = distance(a, candidate.toLowerCase(Locale.ROOT));
      if (d <= limit && d < bestDistance && d < wrong.length()) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best;
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
  static int distance(String a, String b) {
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
