package dev.adjoint.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A text column and a label column of a TSV, CSV or JSON-lines file (UTF-8): what a
 * {@code texts(...)} source of a train block reads, before featurizing. TSV lines are cut at
 * every tab (no quoting); CSV is read by Commons CSV (quotes as RFC 4180); a JSON line is one
 * object whose members name the columns. Columns are named by the header's cells (TSV, CSV),
 * by their number from 1 when there is no header, or by the members' keys (JSON lines). Blank
 * lines are skipped. Every problem is a {@link DataException} naming the file and line.
 */
public final class TextTable {
  /** How the file is laid out. */
  public enum Format {
    TSV, CSV, JSONL;

    /** The format the file's extension says: {@code .csv}, {@code .jsonl} or {@code .json} and otherwise TSV. */
    public static Format of(Path file) {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      return name.endsWith(".csv") ? CSV : name.endsWith(".jsonl") || name.endsWith(".json") ? JSONL : TSV;
    }
  }

  /**
   * The rows read, in file order.
   *
   * @param labels each row's label as written, or an empty list when no label column was asked for
   * @param lines each row's line in the file (from 1), for messages
   */
  public record Rows(Path file, List<String> texts, List<String> labels, int[] lines) {
    public int size() {
      return texts.size();
    }

    /** {@code file:line} of row {@code row}. */
    public String where(int row) {
      return file + ":" + lines[row];
    }
  }

  private TextTable() {}

  /**
   * The text column {@code text} and, when not null, the label column {@code label} of every row.
   *
   * @param header whether a TSV or CSV file's first line names its columns (JSON lines have none)
   */
  public static Rows read(Path file, Format format, boolean header, String text, String label) {
    DataFiles.requireRegular(file);
    try (Reader reader = new Utf8Reader(Files.newInputStream(file))) {
      Collector rows = new Collector(file, text, label);
      switch (format) {
        case TSV -> readTsv(reader, header, rows);
        case CSV -> readCsv(reader, header, rows);
        case JSONL -> readJsonLines(reader, rows);
        default -> throw new IllegalArgumentException(format.toString());
      }
      return rows.rows();
    } catch (NoSuchFileException e) {
      throw new DataException(file + ": no such file", e);
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof Utf8Reader.NotUtf8Exception n) {
          throw new DataException(file + ":" + n.line() + ": the file is not UTF-8 text: " + n.getMessage()
              + "; save it as UTF-8", e);
        }
      }
      throw new DataException(file + ": cannot read the file: " + e.getMessage(), e);
    }
  }

  private static void readTsv(Reader reader, boolean header, Collector rows) throws IOException {
    BufferedReader lines = new BufferedReader(reader);
    int number = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      List<String> cells = List.of(line.split("\t", -1));
      if (!rows.hasColumns()) {
        rows.columns(number, header ? cells : numbered(cells.size()));
        if (header) {
          continue;
        }
      }
      rows.add(number, cells);
    }
  }

  private static void readCsv(Reader reader, boolean header, Collector rows) throws IOException {
    try (CSVParser parser = CSVParser.builder().setReader(reader).setFormat(CSVFormat.DEFAULT).get()) {
      Iterator<CSVRecord> records = parser.iterator();
      while (records.hasNext()) {
        CSVRecord record = records.next();
        int number = (int) parser.getCurrentLineNumber();
        List<String> cells = record.toList();
        if (cells.size() == 1 && cells.get(0).isBlank()) {
          continue;
        }
        if (!rows.hasColumns()) {
          rows.columns(number, header ? cells : numbered(cells.size()));
          if (header) {
            continue;
          }
        }
        rows.add(number, cells);
      }
    }
  }

  private static void readJsonLines(Reader reader, Collector rows) throws IOException {
    BufferedReader lines = new BufferedReader(reader);
    int number = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      java.util.Map<String, String> members;
      try {
        members = JsonLine.members(line);
      } catch (IllegalArgumentException e) {
        throw new DataException(rows.file + ":" + number + ": not a JSON object: " + e.getMessage());
      }
      rows.addMembers(number, members);
    }
  }

  private static List<String> numbered(int count) {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      names.add(Integer.toString(i));
    }
    return names;
  }

  /** The rows read so far, and the positions of the two columns once the header is known. */
  private static final class Collector {
    private final Path file;
    private final String text;
    private final String label;
    private final List<String> texts = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private final List<Integer> lines = new ArrayList<>();
    private int textAt = -1;
    private int labelAt = -1;

    Collector(Path file, String text, String label) {
      this.file = file;
      this.text = text;
      this.label = label;
    }

    boolean hasColumns() {
      return textAt >= 0;
    }

    void columns(int line, List<String> names) {
      List<String> clean = new ArrayList<>(names);
      clean.set(0, clean.get(0).replace("\uFEFF", ""));
      textAt = at(line, clean, text);
      labelAt = label == null ? -1 : at(line, clean, label);
    }

    private int at(int line, List<String> names, String column) {
      int at = names.indexOf(column);
      if (at < 0) {
        String closest = dev.adjoint.runtime.text.Suggestions.closest(column, names);
        throw new DataException(file + ":" + line + ": no column \"" + column + "\"" + (closest == null ? ""
            : "; did you mean \"" + closest + "\"?") + " The columns are: " + String.join(", ", names));
      }
      return at;
    }

    void add(int line, List<String> cells) {
      int needed = Math.max(textAt, labelAt) + 1;
      if (cells.size() < needed) {
        throw new DataException(file + ":" + line + ": the row has " + cells.size() + " cells, so no column \""
            + (cells.size() <= textAt ? text : label) + "\" (column " + needed + ")");
      }
      texts.add(cells.get(textAt));
      if (labelAt >= 0) {
        labels.add(cells.get(labelAt).strip());
      }
      lines.add(line);
    }

    void addMembers(int line, java.util.Map<String, String> members) {
      for (String key : label == null ? List.of(text) : List.of(text, label)) {
        if (!members.containsKey(key)) {
          throw new DataException(file + ":" + line + ": the object has no member \"" + key + "\"; it has "
              + String.join(", ", members.keySet()));
        }
      }
      texts.add(members.get(text));
      if (label != null) {
        labels.add(members.get(label).strip());
      }
      lines.add(line);
    }

    Rows rows() {
      if (texts.isEmpty()) {
        throw new DataException(file + ": no rows of text");
      }
      return new Rows(file, List.copyOf(texts), List.copyOf(labels), lines.stream().mapToInt(i -> i).toArray());
    }
  }
}
