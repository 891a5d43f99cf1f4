package dev.adjoint.runtime.text;

import java.util.Collection;
import java.util.Locale;

/**
 * "Did you mean ...?" hints, for the compiler's diagnostics and the runtime's data errors
 * alike: the known name closest to a wrong one by edit distance, if it is close enough.
 *
 * <p>The work is bounded whatever the names' lengths: a suggestion is at most 3 edits away,
 * so names whose lengths differ by more are skipped, and the distance is computed in a band
 * around the diagonal, in time and memory linear in the names' length.
 */
public final class Suggestions {
  /** The most edits a suggestion may be away from the wrong name. */
  private static final int MAX_EDITS = 3;

  private Suggestions() {}

  /** {@code "did you mean 'b'?"} naming the closest candidate, or null when nothing is close. */
  public static String didYouMean(String wrong, Collection<String> candidates) {
    String best = closest(wrong, candidates);
    return best == null ? null : "did you mean '" + best + "'?";
  }

  /**
   * {@code "; did you mean 'b'? The columns are: a, b"} when a candidate is close, else
   * {@code "; the columns are: a, b"}, with {@code what} = "the columns are".
   */
  public static String hintAndList(String wrong, Collection<String> candidates, String what) {
    String best = closest(wrong, candidates);
    String list = String.join(", ", candidates);
    return best == null ? "; " + what + ": " + list
        : "; did you mean '" + best + "'? " + Character.toUpperCase(what.charAt(0)) + what.substring(1) + ": " + list;
  }

  /**
   * The candidate closest to {@code wrong}, ignoring case, within a distance that scales with
   * its length (1 edit up to 2 letters, 2 up to 6, 3 from 7: {@code concat} is 3 edits from
   * {@code conv2d}, too far), or else one that the wrong name abbreviates or extends
   * ({@code act} for {@code activation}), or null. A candidate that shares nothing with a
   * short name ({@code x} for {@code h}) is no suggestion.
   */
  public static String closest(String wrong, Collection<String> candidates) {
    String a = wrong.toLowerCase(Locale.ROOT);
    int limit = Math.min(MAX_EDITS, (wrong.length() + 1) / 4 + 1);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance(a, candidate.toLowerCase(Locale.ROOT), limit);
      if (d <= limit && d < bestDistance && d < wrong.length()) {
        best = candidate;
        bestDistance = d;
      }
    }
    if (best != null) {
      return best;
    }
    for (String candidate : candidates) {
      String b = candidate.toLowerCase(Locale.ROOT);
      if (Math.min(a.length(), b.length()) >= 3 && (a.startsWith(b) || b.startsWith(a))) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * The optimal string alignment distance of {@code a} and {@code b} (insertions, deletions,
   * substitutions and swaps of neighbours) when it is at most {@code limit}, else
   * {@code limit + 1}. Only cells within {@code limit} of the diagonal are computed (a path
   * through any other costs more than the limit), so the time is linear in the length.
   */
  public static int distance(String a, String b, int limit) {
    int n = a.length();
    int m = b.length();
    if (Math.abs(n - m) > limit) {
      return limit + 1;
    }
    int over = limit + 1;
    int[] before = new int[m + 1]; // row i - 2
    int[] previous = new int[m + 1]; // row i - 1
    int[] current = new int[m + 1];
    for (int j = 0; j <= m; j++) {
      previous[j] = Math.min(j, over);
    }
    for (int i = 1; i <= n; i++) {
      int from = Math.max(1, i - limit);
      int to = Math.min(m, i + limit);
      current[0] = Math.min(i, over);
      current[from - 1] = from > 1 ? over : current[0]; // left of the band
      int rowMinimum = current[0];
      for (int j = from; j <= to; j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int d = Math.min(Math.min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d = Math.min(d, before[j - 2] + 1);
        }
        current[j] = Math.min(d, over);
        rowMinimum = Math.min(rowMinimum, current[j]);
      }
      if (to < m) {
        current[to + 1] = over; // right of the band, read by the next row
      }
      if (rowMinimum > limit) {
        return over; // every path continues from this row
      }
      int[] recycled = before;
      before = previous;
      previous = current;
      current = recycled;
    }
    return previous[m];
  }
}
