package dev.adjoint.data;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The ids of a text: its UTF-8 bytes (256 ids), or its distinct characters (Unicode code
 * points) numbered in ascending order, so that the same corpus always gives the same ids.
 */
public final class TextVocabulary {
  private final boolean bytes;
  /** The code point of each id, ascending; empty for bytes. */
  private final int[] symbols;

  private TextVocabulary(boolean bytes, int[] symbols) {
    this.bytes = bytes;
    this.symbols = symbols;
  }

  /** The vocabulary of {@code corpus}: its bytes, or its distinct characters. */
  public static TextVocabulary of(String corpus, boolean bytes) {
    return new TextVocabulary(bytes, bytes ? new int[0] : corpus.codePoints().sorted().distinct().toArray());
  }

  public boolean bytes() {
    return bytes;
  }

  /** The number of ids: 256 for bytes, else the number of distinct characters. */
  public int size() {
    return bytes ? 256 : symbols.length;
  }

  /**
   * The ids of a text.
   *
   * @throws DataException naming the first character outside the vocabulary and where it is
   */
  public int[] encode(String text, String what) {
    if (bytes) {
      byte[] raw = text.getBytes(StandardCharsets.UTF_8);
      int[] ids = new int[raw.length];
      for (int i = 0; i < raw.length; i++) {
        ids[i] = raw[i] & 0xff;
      }
      return ids;
    }
    int[] points = text.codePoints().toArray();
    int[] ids = new int[points.length];
    for (int i = 0; i < points.length; i++) {
      ids[i] = Arrays.binarySearch(symbols, points[i]);
      if (ids[i] < 0) {
        throw new DataException(what + ": character " + describe(points[i]) + " at position " + (i + 1)
            + " is not in the vocabulary of the training text (" + symbols.length + " characters)");
      }
    }
    return ids;
  }

  /** The text of a sequence of ids; bytes that do not form UTF-8 become U+FFFD. */
  public String decode(int[] ids, int from, int to) {
    if (bytes) {
      byte[] raw = new byte[to - from];
      for (int i = from; i < to; i++) {
        raw[i - from] = (byte) ids[i];
      }
      return new String(raw, StandardCharsets.UTF_8);
    }
    StringBuilder out = new StringBuilder();
    for (int i = from; i < to; i++) {
      out.appendCodePoint(symbols[ids[i]]);
    }
    return out.toString();
  }

  private static String describe(int codePoint) {
    String shown = Character.isISOControl(codePoint) || Character.isWhitespace(codePoint) && codePoint != ' '
        ? "" : "'" + new String(Character.toChars(codePoint)) + "' ";
    return shown + String.format("(U+%04X)", codePoint);
  }
}
