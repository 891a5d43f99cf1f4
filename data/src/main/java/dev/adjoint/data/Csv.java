package dev.adjoint.data;

import dev.adjoint.runtime.model.TensorSpec;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a CSV file (UTF-8, parsed by Apache Commons CSV) into one column per input and
 * target. Each names its columns in the header, in order; a model of one input and one
 * target may name none, and then the last column feeds the target and all the others the
 * input; a single input (data to predict on) named by no column reads every column. Floating-point columns read decimal numbers, i32 columns whole numbers, and a class
 * target reads its class names (mapped to their positions) or indices 0 .. count-1.
 */
public final class Csv {
  /** Where Commons CSV's messages give the line: {@code (startline 3) ...} or {@code ... at line: 3, position: 12}. */
  private static final Pattern PARSER_LINE =
      Pattern.compile("^\\((?:start)?line (\\d+)\\)|\\s*at line: (\\d+), position: \\d+");

  private Csv() {}

  /**
   * A data set with one column per spec, in the order of {@code specs}.
   *
   * @param header whether the first line holds the column names
   * @param columns each input's and target's column names, in order; empty for the default
   *     of one input and one target
   * @param specs the model's inputs and targets, in model order; with no named columns, the
   *     target is the class target among the two, or else the second
   * @param classNames the class names of each class target (an empty list when it declares a count only)
   * @param classCounts the number of classes of each class target
   * @throws DataException naming the file, line, column, the bad value and what was expected
   */
  public static Dataset read(Path file, boolean header, char delimiter, Map<String, List<String>> columns,
      Map<String, TensorSpec> specs, Map<String, List<String>> classNames, Map<String, Integer> classCounts) {
    return read(file, header, delimiter, columns, specs, classNames, classCounts, Map.of());
  }

  /**
   * As {@link #read(Path, boolean, char, Map, Map, Map, Map)}, with the values of i32 columns
   * checked against the limits the model puts on them ({@code limits}, by column).
   *
   * @throws DataException also naming the line and column of a value outside its limit, of a
   *     number too large for its column's dtype, or of a byte that is not UTF-8
   */
  public static Dataset read(Path file, boolean header, char delimiter, Map<String, List<String>> columns,
      Map<String, TensorSpec> specs, Map<String, List<String>> classNames, Map<String, Integer> classCounts,
      Map<String, IdLimit> limits) {
    String name = file.toString();
    DataFiles.requireRegular(file);
    if (columns.isEmpty() && specs.size() != 2 && specs.size() != 1) {
      throw new DataException(name + ": name the columns of each input and target; only a model of one input and "
          + "one target, or a single input, may leave them out");
    }
    specs.values().forEach(Column::checkSpec);
    CommonsIoCheck.require();
    CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setIgnoreSurroundingSpaces(true).get();
    try (Reader reader = new Utf8Reader(Files.newInputStream(file));
        CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
      return new Reading(name, parser, header, columns, specs, classNames, classCounts, limits).run();
    } catch (NoSuchFileException e) {
      throw new DataException(name + ": no such file", e);
    } catch (Utf8Reader.NotUtf8Exception e) {
      throw notUtf8(name, e);
    } catch (IOException e) {
      throw new DataException(name + ": cannot read the file: " + e.getMessage(), e);
    }
  }

  /**
   * The cells of the file's first line (surrounding spaces and a byte-order mark removed):
   * its column names when it has a header; empty for an empty file.
   *
   * @throws DataException when the file cannot be read
   */
  public static List<String> firstLine(Path file, char delimiter) {
    DataFiles.requireRegular(file);
    CommonsIoCheck.require();
    CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setIgnoreSurroundingSpaces(true).get();
    try (Reader reader = new Utf8Reader(Files.newInputStream(file));
        CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
      Iterator<CSVRecord> records = parser.iterator();
      if (!records.hasNext()) {
        return List.of();
      }
      List<String> first = new ArrayList<>(records.next().toList());
      first.set(0, Reading.withoutBom(first.get(0)));
      return List.copyOf(first);
    } catch (NoSuchFileException e) {
      throw new DataException(file + ": no such file", e);
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      Utf8Reader.NotUtf8Exception notUtf8 = notUtf8(e);
      if (notUtf8 != null) {
        throw notUtf8(file.toString(), notUtf8);
      }
      throw new DataException(file + ": cannot read the file: " + e.getMessage(), e);
    }
  }

  /**
   * The cells of the named columns in each data row of a file with a header, as text: what
   * {@code predict --keep} passes through beside the outputs (an id, a name).
   *
   * @throws DataException naming a column the header lacks (with the closest name), or the
   *     line of a row too short to hold one
   */
  public static List<List<String>> textColumns(Path file, char delimiter, List<String> names) {
    List<String> header = firstLine(file, delimiter);
    int[] at = new int[names.size()];
    for (int i = 0; i < names.size(); i++) {
      at[i] = header.indexOf(names.get(i));
      if (at[i] < 0) {
        String closest = dev.adjoint.runtime.text.Suggestions.closest(names.get(i), header);
        throw new DataException(file + ": no column \"" + names.get(i) + "\" in the header (" + String.join(", ",
            header) + ")" + (closest == null ? "" : "; did you mean \"" + closest + "\"?"));
      }
    }
    CommonsIoCheck.require();
    CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setIgnoreSurroundingSpaces(true).get();
    List<List<String>> rows = new ArrayList<>();
    try (Reader reader = new Utf8Reader(Files.newInputStream(file));
        CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
      Iterator<CSVRecord> records = parser.iterator();
      records.next();
      while (records.hasNext()) {
        CSVRecord record = records.next();
        List<String> cells = new ArrayList<>(at.length);
        for (int i = 0; i < at.length; i++) {
          if (at[i] >= record.size()) {
            throw new DataException(file + ":" + parser.getCurrentLineNumber() + ": the row has " + record.size()
                + " cells, so no column \"" + names.get(i) + "\" (column " + (at[i] + 1) + ")");
          }
          cells.add(record.get(at[i]));
        }
        rows.add(List.copyOf(cells));
      }
      return rows;
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      Utf8Reader.NotUtf8Exception notUtf8 = notUtf8(e);
      if (notUtf8 != null) {
        throw notUtf8(file.toString(), notUtf8);
      }
      throw new DataException(file + ": cannot read the file: " + e.getMessage(), e);
    }
  }

  /** The encoding error among the causes of {@code e}, or null. */
  private static Utf8Reader.NotUtf8Exception notUtf8(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Utf8Reader.NotUtf8Exception n) {
        return n;
      }
    }
    return null;
  }

  private static DataException notUtf8(String file, Utf8Reader.NotUtf8Exception e) {
    return new DataException(file + ":" + e.line() + ": the file is not UTF-8 text: " + e.getMessage()
        + "; save it as UTF-8", e);
  }

  /**
   * Whether the file's first line looks like a header: some cell of it is not a number. A
   * file of numbers only has no header; an empty file counts as having one (reading it then
   * says it is empty).
   *
   * @throws DataException when the file cannot be read
   */
  public static boolean startsWithHeader(Path file, char delimiter) {
    List<String> first = firstLine(file, delimiter);
    return first.isEmpty() || !first.stream().allMatch(CsvCells::isNumber);
  }

  /** One pass over the records of a file. */
  private static final class Reading {
    private final String file;
    private final CSVParser parser;
    private final boolean header;
    private final Map<String, List<String>> columns;
    private final Map<String, TensorSpec> specs;
    private final Map<String, List<String>> classNames;
    private final Map<String, Integer> classCounts;
    private final Map<String, IdLimit> limits;

    Reading(String file, CSVParser parser, boolean header, Map<String, List<String>> columns,
        Map<String, TensorSpec> specs, Map<String, List<String>> classNames, Map<String, Integer> classCounts,
        Map<String, IdLimit> limits) {
      this.file = file;
      this.parser = parser;
      this.header = header;
      this.columns = columns;
      this.specs = specs;
      this.classNames = classNames;
      this.classCounts = classCounts;
      this.limits = limits;
    }

    Dataset run() {
      List<String[]> rows = new ArrayList<>();
      List<Long> lines = new ArrayList<>();
      Iterator<CSVRecord> records = parser.iterator();
      List<String> names = null;
      if (header) {
        if (!next(records)) {
          throw new DataException(file + ": the file is empty; expected a header line and rows of data");
        }
        names = new ArrayList<>(records.next().toList());
        names.set(0, withoutBom(names.get(0)));
        if (names.stream().allMatch(CsvCells::isNumber)) {
          throw new DataException(file + ":" + parser.getCurrentLineNumber() + ": expected a header of column "
              + "names, got numbers: " + String.join(", ", names) + "; if the file has no header, read it with "
              + "header = false");
        }
      }
      while (next(records)) {
        String[] cells = records.next().values();
        if (rows.isEmpty() && !header) {
          cells[0] = withoutBom(cells[0]);
        }
        rows.add(cells);
        lines.add(parser.getCurrentLineNumber());
      }
      if (rows.isEmpty()) {
        throw new DataException(header ? file + ": no rows of data after the header"
            : file + ": the file is empty; expected rows of data");
      }
      int width = names != null ? names.size() : rows.get(0).length;
      CsvLayout layout = new CsvLayout(file, names, width, columns, specs, defaultTarget());
      CsvCells cells = new CsvCells(file, layout);
      for (int r = 0; r < rows.size(); r++) {
        if (rows.get(r).length != width) {
          throw new DataException(file + ":" + lines.get(r) + ": expected " + width + " cells as "
              + (header ? "the header has" : "line " + lines.get(0) + " has") + ", got " + rows.get(r).length);
        }
      }
      List<Column> out = new ArrayList<>();
      for (TensorSpec spec : specs.values()) {
        out.add(column(spec, layout.cells(spec.name()), rows, lines, cells));
      }
      return new Dataset(rows.size(), out);
    }

    private Column column(TensorSpec spec, int[] from, List<String[]> rows, List<Long> lines, CsvCells cells) {
      String name = spec.name();
      Object data = Column.allocate(spec, rows.size());
      Integer count = classCounts.get(name);
      List<String> names = classNames.getOrDefault(name, List.of());
      IdLimit limit = limits.get(name);
      int k = from.length;
      for (int r = 0; r < rows.size(); r++) {
        String[] row = rows.get(r);
        long line = lines.get(r);
        for (int e = 0; e < k; e++) {
          String cell = row[from[e]];
          int at = r * k + e;
          switch (spec.dtype()) {
            case F32 -> ((float[]) data)[at] = cells.f32(cell, line, from[e], name);
            case F64 -> ((double[]) data)[at] = cells.f64(cell, line, from[e], name);
            case I32 -> ((int[]) data)[at] = cells.limited(count != null || !names.isEmpty()
                ? cells.classIndex(cell, line, from[e], name, names, count != null ? count : names.size())
                : cells.integer(cell, line, from[e], name), limit, line, from[e], name);
            default -> throw new IllegalStateException();
          }
        }
      }
      return new Column(spec, data, rows.size());
    }

    /** With no named columns: the one class target of the two, or else the second; none for a single input. */
    private String defaultTarget() {
      if (!columns.isEmpty() || specs.size() == 1) {
        return null;
      }
      List<String> both = new ArrayList<>(specs.keySet());
      boolean firstIsClass = isClass(both.get(0));
      boolean secondIsClass = isClass(both.get(1));
      return firstIsClass && !secondIsClass ? both.get(0) : both.get(1);
    }

    private boolean isClass(String name) {
      return classCounts.containsKey(name) || !classNames.getOrDefault(name, List.of()).isEmpty();
    }

    /** Advances the parser, turning its malformed-CSV errors into messages with the file and line. */
    private boolean next(Iterator<CSVRecord> records) {
      try {
        return records.hasNext();
      } catch (UncheckedIOException | IllegalStateException e) {
        throw malformed(e);
      }
    }

    /** The parser's message, with the line it names (or else the next line) moved to the front. */
    private DataException malformed(RuntimeException e) {
      Utf8Reader.NotUtf8Exception notUtf8 = notUtf8(e);
      if (notUtf8 != null) {
        return notUtf8(file, notUtf8);
      }
      String why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
          : String.valueOf(e.getMessage());
      long line = parser.getCurrentLineNumber() + 1;
      Matcher m = PARSER_LINE.matcher(why);
      if (m.find()) {
        line = Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2));
        why = (why.substring(0, m.start()) + why.substring(m.end())).strip();
      }
      return new DataException(file + ":" + line + ": malformed CSV: " + why, e);
    }

    private static String withoutBom(String cell) {
      return cell.startsWith("\uFEFF") ? cell.substring(1).strip() : cell;
    }
  }
}
