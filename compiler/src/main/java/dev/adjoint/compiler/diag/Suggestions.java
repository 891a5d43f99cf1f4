package dev.adjoint.compiler.diag;

import java.util.Collection;

/** "Did you mean ...?" hints: the closest known name by edit distance, if it is close enough. */
public final class Suggestions {
  private Suggestions() {}

  /** A hint naming the closest candidate, or null when nothing is close. */
  public static String didYouMean(String wrong, Collection<String> candidates) {
    String best = closest(wrong, candidates);
    return best == null ? null : "did you mean '" + best + "'?";
  }

  /**
   * The candidate closest to {@code wrong} within a distance that scales with its length,
   * or else one that the wrong name abbreviates or extends ({@code act} for {@code activation}),
   * or null. A candidate that shares nothing with a short name ({@code x} for {@code h}) is no
   * suggestion.
   */
  public static String closest(String wrong, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    int limit = Math.max(1, Math.min(3, wrong.length() / 3 + 1));
    for (String candidate : candidates) {
      int distance = distance(wrong.toLowerCase(), candidate.toLowerCase());
      if (distance <= limit && distance < bestDistance && distance < wrong.length()) {
        best = candidate;
        bestDistance = distance;
      }
    }
    if (best != null) {
      return best;
    }
    for (String candidate : candidates) {
      String a = wrong.toLowerCase();
      String b = candidate.toLowerCase();
      if (Math.min(a.length(), b.length()) >= 3 && (a.startsWith(b) || b.startsWith(a))) {
        return candidate;
      }
    }
    return null;
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
