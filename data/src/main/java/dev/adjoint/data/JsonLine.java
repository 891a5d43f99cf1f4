package dev.adjoint.data;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The members of one JSON object on one line, each value as text: a string unescaped, a
 * number, {@code true}, {@code false} or {@code null} as written, an array or object as its
 * JSON text. Enough for JSON lines of text and labels, with no JSON library in {@code runtime}.
 */
final class JsonLine {
  private final String s;
  private int at;

  private JsonLine(String s) {
    this.s = s;
  }

  /** The object's members, in order. */
  static Map<String, String> members(String line) {
    JsonLine p = new JsonLine(line);
    Map<String, String> out = new LinkedHashMap<>();
    p.expect('{');
    if (p.peek() != '}') {
      do {
        p.space();
        String key = p.string();
        p.expect(':');
        p.space();
        out.put(key, p.value());
      } while (p.comma());
    }
    p.expect('}');
    p.space();
    if (p.at < line.length()) {
      throw p.error("text after the object");
    }
    return out;
  }

  private String value() {
    char c = peek();
    if (c == '"') {
      return string();
    }
    int start = at;
    if (c == '{' || c == '[') {
      skipNested();
    } else {
      while (at < s.length() && ",}] \t".indexOf(s.charAt(at)) < 0) {
        at++;
      }
      if (start == at) {
        throw error("a value expected");
      }
    }
    return s.substring(start, at);
  }

  private void skipNested() {
    int depth = 0;
    do {
      char c = s.charAt(at);
      if (c == '"') {
        string();
        continue;
      }
      depth += c == '{' || c == '[' ? 1 : c == '}' || c == ']' ? -1 : 0;
      at++;
    } while (depth > 0 && at < s.length());
    if (depth > 0) {
      throw error("an unclosed array or object");
    }
  }

  private String string() {
    if (peek() != '"') {
      throw error("a string expected");
    }
    at++;
    StringBuilder out = new StringBuilder();
    while (at < s.length()) {
      char c = s.charAt(at++);
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (at >= s.length()) {
        break;
      }
      char e = s.charAt(at++);
      switch (e) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          if (at + 4 > s.length()) {
            throw error("a \\u escape needs four hex digits");
          }
          try {
            out.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
          } catch (NumberFormatException x) {
            throw error("a \\u escape needs four hex digits");
          }
          at += 4;
        }
        case '"', '\\', '/' -> out.append(e);
        default -> throw error("unknown escape \\" + e);
      }
    }
    throw error("an unterminated string");
  }

  private boolean comma() {
    space();
    if (at < s.length() && s.charAt(at) == ',') {
      at++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    space();
    if (at >= s.length() || s.charAt(at) != c) {
      throw error("'" + c + "' expected");
    }
    at++;
  }

  private char peek() {
    space();
    return at < s.length() ? s.charAt(at) : '\0';
  }

  private void space() {
    while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
      at++;
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(what + " at character " + (at + 1));
  }
}
