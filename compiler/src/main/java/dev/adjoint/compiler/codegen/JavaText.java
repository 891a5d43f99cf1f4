package dev.adjoint.compiler.codegen;

import dev.adjoint.compiler.ir.ScalarType;

/**
 * Java source fragments made safe: literals that round-trip exactly, and comment text from
 * which nothing the user wrote can escape (no line breaks, no unicode escapes, no comment
 * terminators). Identifiers come from {@link com.palantir.javapoet.NameAllocator}.
 */
final class JavaText {
  private JavaText() {}

  /** The Java element type of a dtype. */
  static String type(ScalarType dtype) {
    return switch (dtype) {
      case F32 -> "float";
      case F64 -> "double";
      case I32 -> "int";
    };
  }

  /** The array type of a dtype. */
  static String arrayType(ScalarType dtype) {
    return type(dtype) + "[]";
  }

  /** A literal of the dtype equal to {@code value} rounded to it: {@code 0.2f}, {@code 0.2}, {@code 3}. */
  static String literal(double value, ScalarType dtype) {
    return switch (dtype) {
      case F32 -> floatLiteral((float) value);
      case F64 -> doubleLiteral(value);
      case I32 -> Integer.toString((int) value);
    };
  }

  static String floatLiteral(float v) {
    if (Float.isNaN(v)) {
      return "Float.NaN";
    }
    if (Float.isInfinite(v)) {
      return v > 0 ? "Float.POSITIVE_INFINITY" : "Float.NEGATIVE_INFINITY";
    }
    String text = Float.toString(v) + "f";
    return v < 0 || (v == 0 && 1 / v < 0) ? "(" + text + ")" : text;
  }

  static String doubleLiteral(double v) {
    if (Double.isNaN(v)) {
      return "Double.NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
    }
    String text = Double.toString(v);
    return v < 0 || (v == 0 && 1 / v < 0) ? "(" + text + ")" : text;
  }

  /**
   * Text safe inside a {@code //} comment: printable ASCII only (other characters become
   * {@code ?}), backslashes doubled so that no {@code \\u} escape is formed, at most
   * {@code max} characters.
   */
  static String comment(String text, int max) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < max; i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        out.append("\\\\");
      } else if (c == '\t') {
        out.append(' ');
      } else if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append('?');
      }
    }
    if (out.length() >= max) {
      out.setLength(max - 3);
      out.append("...");
    }
    return out.toString().stripTrailing();
  }
}
