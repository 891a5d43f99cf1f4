package dev.adjoint.runtime.checkpoint;

/**
 * Writes Java strings as JSON string literals, escaping as serde_json (the reference
 * implementation's serializer) does: quote, backslash and control characters; everything
 * else, non-ASCII included, is written as is and later encoded as UTF-8.
 */
final class JsonQuoting {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonQuoting() {
  }

  /**
   * Appends {@code "text"} to {@code out}; {@code what} names the string in the message
   * thrown when it holds a lone surrogate, which UTF-8 cannot encode.
   */
  static void appendQuoted(StringBuilder out, String text, String what) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.append(c).append(text.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(what + " holds a lone surrogate (\\u" + Integer.toHexString(c)
            + " at index " + i + "), which UTF-8 cannot encode");
      } else if (c == '"') {
        out.append("\\\"");
      } else if (c == '\\') {
        out.append("\\\\");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c == '\b') {
        out.append("\\b");
      } else if (c == '\f') {
        out.append("\\f");
      } else if (c < 0x20) {
        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }
}
