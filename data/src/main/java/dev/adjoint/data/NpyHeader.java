package dev.adjoint.data;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a .npy file: the Python dict literal
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} read into the element
 * type, byte order and shape.
 */
record NpyHeader(ElementType type, ByteOrder order, int[] shape) {

  /** Reads the dict; {@code file} names the file in messages. */
  static NpyHeader parse(String file, String text) {
    Map<String, Object> dict = new Parser(file, text).dict();
    Object descr = dict.get("descr");
    Object fortran = dict.get("fortran_order");
    Object shape = dict.get("shape");
    if (descr == null || fortran == null || shape == null) {
      throw new DataException(file + ": the .npy header lacks 'descr', 'fortran_order' or 'shape': " + text.trim());
    }
    if (!(descr instanceof String)) {
      throw new DataException(file + ": structured arrays (descr " + text.trim() + ") are not supported; "
          + "save one plain array per input and target");
    }
    if (Boolean.TRUE.equals(fortran)) {
      throw new DataException(file + ": the array is in Fortran order (fortran_order: True); only C order is "
          + "supported: save it with np.save(path, np.ascontiguousarray(a))");
    }
    if (!(fortran instanceof Boolean) || !(shape instanceof int[])) {
      throw new DataException(file + ": malformed .npy header: " + text.trim());
    }
    String d = (String) descr;
    return new NpyHeader(type(file, d), order(file, d), (int[]) shape);
  }

  private static ElementType type(String file, String descr) {
    String code = descr.isEmpty() ? "" : descr.substring(1);
    ElementType type = switch (code) {
      case "b1" -> ElementType.BOOL;
      case "i1" -> ElementType.I8;
      case "u1" -> ElementType.U8;
      case "i2" -> ElementType.I16;
      case "u2" -> ElementType.U16;
      case "i4" -> ElementType.I32;
      case "u4" -> ElementType.U32;
      case "i8" -> ElementType.I64;
      case "u8" -> ElementType.U64;
      case "f4" -> ElementType.F32;
      case "f8" -> ElementType.F64;
      default -> null;
    };
    if (type == null) {
      throw new DataException(file + ": unsupported dtype '" + descr + "'; expected bool ('|b1'), integers ('<i4', "
          + "'<i8', '|u1', ...) or floats ('<f4', '<f8')");
    }
    return type;
  }

  private static ByteOrder order(String file, String descr) {
    return switch (descr.charAt(0)) {
      case '<', '|' -> ByteOrder.LITTLE_ENDIAN;
      case '>' -> ByteOrder.BIG_ENDIAN;
      case '=' -> ByteOrder.nativeOrder();
      default -> throw new DataException(file + ": unsupported dtype '" + descr + "': expected a byte order "
          + "'<', '>', '|' or '=' first");
    };
  }

  /** A reader of the literals .npy headers use: strings, True/False, integers and tuples of integers. */
  private static final class Parser {
    private final String file;
    private final String text;
    private int at;

    Parser(String file, String text) {
      this.file = file;
      this.text = text;
    }

    Map<String, Object> dict() {
      Map<String, Object> out = new LinkedHashMap<>();
      expect('{');
      while (peek() != '}') {
        String key = string();
        expect(':');
        out.put(key, value());
        if (peek() == ',') {
          at++;
        } else if (peek() != '}') {
          throw malformed();
        }
      }
      return out;
    }

    private Object value() {
      char c = peek();
      if (c == '\'' || c == '"') {
        return string();
      }
      if (c == '(') {
        return tuple();
      }
      if (c == '[') {
        skipList();
        return List.of(); // a structured dtype: rejected by the caller
      }
      if (text.startsWith("True", at)) {
        at += 4;
        return Boolean.TRUE;
      }
      if (text.startsWith("False", at)) {
        at += 5;
        return Boolean.FALSE;
      }
      throw malformed();
    }

    /** Skips a list, with what it nests, up to its closing bracket. */
    private void skipList() {
      int depth = 0;
      do {
        if (at >= text.length()) {
          throw malformed();
        }
        char c = text.charAt(at++);
        depth += c == '[' || c == '(' ? 1 : c == ']' || c == ')' ? -1 : 0;
      } while (depth > 0);
    }

    private int[] tuple() {
      expect('(');
      List<Integer> dims = new ArrayList<>();
      while (peek() != ')') {
        int start = at;
        while (at < text.length() && Character.isDigit(text.charAt(at))) {
          at++;
        }
        if (start == at) {
          throw malformed();
        }
        try {
          dims.add(Integer.parseInt(text.substring(start, at)));
        } catch (NumberFormatException e) {
          throw new DataException(file + ": dimension " + text.substring(start, at)
              + " is more than an array can hold");
        }
        if (peek() == ',') {
          at++;
        } else if (peek() != ')') {
          throw malformed();
        }
      }
      at++;
      return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private String string() {
      char quote = peek();
      if (quote != '\'' && quote != '"') {
        throw malformed();
      }
      int end = text.indexOf(quote, at + 1);
      if (end < 0) {
        throw malformed();
      }
      String s = text.substring(at + 1, end);
      at = end + 1;
      return s;
    }

    private void expect(char c) {
      if (peek() != c) {
        throw malformed();
      }
      at++;
    }

    /** The next character that is not white space, or 0 at the end. */
    private char peek() {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
        at++;
      }
      return at < text.length() ? text.charAt(at) : 0;
    }

    private DataException malformed() {
      return new DataException(file + ": malformed .npy header at character " + at + ": " + text.trim());
    }
  }
}
