package dev.adjoint.compiler.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The text of one .nn file and the name it is reported under in diagnostics and dumps. */
public final class SourceFile {
  private final String name;
  private final String text;
  private final Path path;
  private final int[] lineStarts;

  private SourceFile(String name, String text, Path path) {
    this.name = Objects.requireNonNull(name, "name");
    this.text = Objects.requireNonNull(text, "text");
    this.path = path;
    this.lineStarts = computeLineStarts(text);
  }

  /** A source held in memory, e.g. a model written as a string in an embedding application. */
  public static SourceFile of(String name, String text) {
    return new SourceFile(name, text, null);
  }

  /** Reads a file as UTF-8; it is reported under the path as given. */
  public static SourceFile read(Path path) throws IOException {
    return read(path, path.toString());
  }

  /** Reads a file as UTF-8, reported under {@code name} (golden tests use the bare file name). */
  public static SourceFile read(Path path, String name) throws IOException {
    return new SourceFile(name, Files.readString(path, StandardCharsets.UTF_8), path);
  }

  public String name() {
    return name;
  }

  public String text() {
    return text;
  }

  /** The file on disk, or null for a source held in memory. Relative data paths resolve against its folder. */
  public Path path() {
    return path;
  }

  public int lineCount() {
    return lineStarts.length;
  }

  /** The text of a 1-based line, without its line terminator. */
  public String line(int line) {
    if (line < 1 || line > lineStarts.length) {
      return "";
    }
    int start = lineStarts[line - 1];
    int end = line < lineStarts.length ? lineStarts[line] : text.length();
    while (end > start && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
      end--;
    }
    return text.substring(start, end);
  }

  private static int[] computeLineStarts(String text) {
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        starts.add(i + 1);
      }
    }
    return starts.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public String toString() {
    return name;
  }
}
