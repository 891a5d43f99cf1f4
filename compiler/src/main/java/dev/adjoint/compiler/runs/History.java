package dev.adjoint.compiler.runs;

import dev.adjoint.train.EpochRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The training curves as CSV, one row per epoch: epoch, learning rate, every training
 * metric, every validation metric ({@code val_} prefixed), seconds. Read back when a run
 * resumes, so that the file stays one history.
 */
public final class History {
  private History() {}

  /**
   * Writes the whole history, replacing the file atomically through a temporary file of a
   * unique name in the same folder; a run does this once, when it resumes, and then appends.
   */
  public static void write(Path file, List<EpochRecord> history) throws IOException {
    List<String> columns = columns(history);
    StringBuilder out = new StringBuilder(String.join(",", columns)).append('\n');
    for (EpochRecord r : history) {
      out.append(row(r, columns));
    }
    Path folder = file.toAbsolutePath().getParent();
    Files.createDirectories(folder);
    Path tmp = Files.createTempFile(folder, file.getFileName() + ".", ".tmp");
    try {
      Files.writeString(tmp, out, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Appends one epoch's row, with the header (this record's columns) first when the file is
   * new or empty: the cost of an epoch does not grow with the history. Returns the columns
   * the file has, to be passed back for the next row.
   */
  public static List<String> append(Path file, EpochRecord record, List<String> columns) throws IOException {
    boolean fresh = !Files.exists(file) || Files.size(file) == 0;
    List<String> header = columns != null && !fresh ? columns : columns(List.of(record));
    StringBuilder out = new StringBuilder();
    if (fresh) {
      out.append(String.join(",", header)).append('\n');
    }
    out.append(row(record, header));
    Files.writeString(file, out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
    return header;
  }

  /** The header of a history file, or null when the file is absent or empty. */
  public static List<String> header(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line = reader.readLine();
      return line == null || line.isEmpty() ? null : List.of(line.split(","));
    }
  }

  private static String row(EpochRecord r, List<String> columns) {
    List<String> cells = new ArrayList<>();
    for (String c : columns) {
      cells.add(format(cell(r, c)));
    }
    return String.join(",", cells) + "\n";
  }

  public static List<EpochRecord> read(Path file) throws IOException {
    return read(file, Integer.MAX_VALUE);
  }

  /**
   * The first {@code maxRows} rows of the file: a resumed run reads only the epochs its
   * checkpoint has, so a row appended by a run killed before its checkpoint (perhaps torn)
   * is never parsed.
   */
  public static List<EpochRecord> read(Path file, int maxRows) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<EpochRecord> out = new ArrayList<>();
    if (lines.isEmpty()) {
      return out;
    }
    String[] columns = lines.get(0).split(",");
    for (String line : lines.subList(1, (int) Math.min(lines.size(), 1L + maxRows))) {
      String[] cells = line.split(",", -1);
      Map<String, Double> train = new LinkedHashMap<>();
      Map<String, Double> validation = new LinkedHashMap<>();
      int epoch = 0;
      double lr = 0;
      double seconds = 0;
      for (int i = 0; i < columns.length; i++) {
        double v = cells[i].isEmpty() ? Double.NaN : Double.parseDouble(cells[i]);
        switch (columns[i]) {
          case "epoch" -> epoch = (int) v;
          case "lr" -> lr = v;
          case "seconds" -> seconds = v;
          default -> {
            if (columns[i].startsWith("val_")) {
              validation.put(columns[i].substring(4), v);
            } else {
              train.put(columns[i], v);
            }
          }
        }
      }
      out.add(new EpochRecord(epoch, lr, train, validation, seconds));
    }
    return out;
  }

  static List<String> columns(List<EpochRecord> history) {
    Set<String> columns = new LinkedHashSet<>(List.of("epoch", "lr"));
    for (EpochRecord r : history) {
      columns.addAll(r.train().keySet());
    }
    for (EpochRecord r : history) {
      r.validation().keySet().forEach(k -> columns.add("val_" + k));
    }
    columns.add("seconds");
    return new ArrayList<>(columns);
  }

  static double cell(EpochRecord r, String column) {
    return switch (column) {
      case "epoch" -> r.epoch();
      case "lr" -> r.learningRate();
      case "seconds" -> r.seconds();
      default -> r.value(column);
    };
  }

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6g", v);
  }
}
