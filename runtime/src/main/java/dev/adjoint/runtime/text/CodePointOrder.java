package dev.adjoint.runtime.text;

import java.util.Comparator;

/**
 * Strings compared by their code points, as Python compares them ({@code sorted}), where
 * {@link String#compareTo} compares UTF-16 units (which puts U+1F600 before U+FB01): the
 * order of collected class names and of a words vocabulary's ties.
 */
public final class CodePointOrder {
  private CodePointOrder() {}

  /** The comparator. */
  public static final Comparator<String> COMPARATOR = CodePointOrder::compare;

  private static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
