package dev.adjoint.compiler.source;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A stretch of .nn text: 1-based line and column of its first character and of the
 * character after its last one. Every AST node and every graph node carries one, so
 * that an error found anywhere can be reported as {@code model.nn:12:9}.
 */
public record SourceSpan(SourceFile file, int line, int column, int endLine, int endColumn) {

  public SourceSpan {
    Objects.requireNonNull(file, "file");
    if (line < 1 || column < 1) {
      throw new IllegalArgumentException("span starts at " + line + ":" + column + "; lines and columns are 1-based");
    }
    if (endLine < line || (endLine == line && endColumn < column)) {
      throw new IllegalArgumentException("span ends before it starts: " + line + ":" + column + " to " + endLine + ":" + endColumn);
    }
  }

  /** A span for things with no place in a file (built-in defaults, command-line overrides). */
  public static SourceSpan synthetic(String what) {
    return new SourceSpan(SourceFile.of("<" + what + ">", ""), 1, 1, 1, 1);
  }

  /** The smallest span covering both. */
  public SourceSpan to(SourceSpan other) {
    if (other.file != file) {
      return this;
    }
    boolean otherEndsLater = other.endLine > endLine || (other.endLine == endLine && other.endColumn > endColumn);
    boolean otherStartsEarlier = other.line < line || (other.line == line && other.column < column);
    return new SourceSpan(file,
        otherStartsEarlier ? other.line : line, otherStartsEarlier ? other.column : column,
        otherEndsLater ? other.endLine : endLine, otherEndsLater ? other.endColumn : endColumn);
  }

  /** {@code file:line:column} with the file name as given. */
  public String location() {
    return file.name() + ":" + line + ":" + column;
  }

  /** {@code name.nn:line:column} with the file's base name only, as graph dumps print it. */
  public String shortLocation() {
    String name = file.name();
    if (name.startsWith("<")) {
      return name;
    }
    Path fileName = Path.of(name).getFileName();
    return (fileName == null ? name : fileName.toString()) + ":" + line + ":" + column;
  }

  @Override
  public String toString() {
    return location();
  }
}
