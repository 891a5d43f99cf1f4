package dev.adjoint.runtime.checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser for exactly what a safetensors header holds: objects, strings and
 * arrays of non-negative integers, nested at most three deep (header, entry, array). Anything
 * else (true, false, null, fractions, signs, exponents, duplicate keys, trailing text other
 * than whitespace) is rejected with the character position. Objects become
 * {@code LinkedHashMap<String, Object>} in text order, strings {@code String}, arrays
 * {@code long[]}.
 */
final class HeaderParser {
  /** Objects inside the header object (entries, metadata) may not hold objects. */
  private static final int MAX_DEPTH = 1;

  private final Path file;
  private final String text;
  private int pos;

  private HeaderParser(Path file, String text) {
    this.file = file;
    this.text = text;
  }

  /** Parses a header; its first character must be the opening brace, as the format requires. */
  static Map<String, Object> parse(Path file, String text) {
    HeaderParser parser = new HeaderParser(file, text);
    if (text.isEmpty() || text.charAt(0) != '{') {
      throw parser.error("the header must be a JSON object starting with '{', found " + parser.describeNext());
    }
    Map<String, Object> header = parser.object(0);
    parser.skipWhitespace();
    if (parser.pos < text.length()) {
      throw parser.error("unexpected " + parser.describeNext() + " after the header's closing '}'");
    }
    return header;
  }

  private Map<String, Object> object(int depth) {
    expect('{');
    Map<String, Object> members = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return members;
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("expected a key (a string) but found " + describeNext());
      }
      int keyAt = pos;
      String key = string();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      Object value = value(depth);
      if (members.put(key, value) != null) {
        pos = keyAt;
        throw error("the key \"" + key + "\" appears twice in the same object");
      }
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == '}') {
        pos++;
        return members;
      } else {
        throw error("expected ',' or '}' but found " + describeNext());
      }
    }
  }

  private Object value(int depth) {
    char c = peek();
    if (c == '"') {
      return string();
    }
    if (c == '{') {
      if (depth >= MAX_DEPTH) {
        throw error("an object nested deeper than a safetensors header has them");
      }
      return object(depth + 1);
    }
    if (c == '[') {
      return integers();
    }
    throw error("expected an object, a string or an array but found " + describeNext()
        + "; a safetensors header holds nothing else");
  }

  private long[] integers() {
    expect('[');
    List<Long> values = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return new long[0];
    }
    while (true) {
      skipWhitespace();
      values.add(integer());
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == ']') {
        pos++;
        break;
      } else {
        throw error("expected ',' or ']' but found " + describeNext());
      }
    }
    long[] out = new long[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  private long integer() {
    int start = pos;
    if (peek() < '0' || peek() > '9') {
      throw error("expected a non-negative integer but found " + describeNext()
          + "; arrays in a safetensors header hold only those");
    }
    long value = 0;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      int digit = text.charAt(pos) - '0';
      if (value > (Long.MAX_VALUE - digit) / 10) {
        pos = start;
        throw error("the integer is too large");
      }
      value = value * 10 + digit;
      pos++;
    }
    if (pos - start > 1 && text.charAt(start) == '0') {
      pos = start;
      throw error("an integer with a leading zero is not JSON");
    }
    char c = peek();
    if (c == '.' || c == 'e' || c == 'E') {
      throw error("expected a whole number, found a fraction or exponent");
    }
    return value;
  }

  private String string() {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("the string is not closed");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        pos--;
        throw error("a control character (U+" + String.format("%04X", (int) c) + ") must be escaped in a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= text.length()) {
        throw error("the string is not closed");
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.append(e);
          break;
        case 'b':
          out.append('\b');
          break;
        case 'f':
          out.append('\f');
          break;
        case 'n':
          out.append('\n');
          break;
        case 'r':
          out.append('\r');
          break;
        case 't':
          out.append('\t');
          break;
        case 'u':
          out.append(unicodeEscape());
          break;
        default:
          pos -= 2;
          throw error("unknown escape '\\" + e + "' in a string");
      }
    }
  }

  /** After {@code \\u}: one BMP character or a surrogate pair written as two escapes. */
  private char[] unicodeEscape() {
    int escapeAt = pos - 2;
    char first = hex4();
    if (!Character.isSurrogate(first)) {
      return new char[] {first};
    }
    if (Character.isHighSurrogate(first) && text.startsWith("\\u", pos)) {
      pos += 2;
      char second = hex4();
      if (Character.isLowSurrogate(second)) {
        return new char[] {first, second};
      }
    }
    pos = escapeAt;
    throw error("a lone surrogate escape is not valid Unicode");
  }

  private char hex4() {
    if (pos + 4 > text.length()) {
      throw error("a \\u escape needs four hexadecimal digits");
    }
    int value = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Character.digit(text.charAt(pos + i), 16);
      if (digit < 0) {
        throw error("a \\u escape needs four hexadecimal digits");
      }
      value = value * 16 + digit;
    }
    pos += 4;
    return (char) value;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "' but found " + describeNext());
    }
    pos++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private String describeNext() {
    if (pos >= text.length()) {
      return "the end of the header";
    }
    char c = text.charAt(pos);
    return c < 0x20 || c == 0x7f ? String.format("U+%04X", (int) c) : "'" + c + "'";
  }

  private CheckpointException error(String problem) {
    return new CheckpointException(file, "malformed header JSON at character " + pos + ": " + problem);
  }
}
