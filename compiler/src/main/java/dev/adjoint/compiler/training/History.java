package dev.adjoint.compiler.training;

import dev.adjoint.runtime.train.EpochRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  public static void write(Path file, List<EpochRecord> history) throws IOException {
    List<String> columns = columns(history);
    StringBuilder out = new StringBuilder(String.join(",", columns)).append('\n');
    for (EpochRecord r : history) {
      List<String> cells = new ArrayList<>();
      for (String c : columns) {
        cells.add(format(cell(r, c)));
      }
      out.append(String.join(",", cells)).append('\n');
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, out, StandardCharsets.UTF_8);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  public static List<EpochRecord> read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<EpochRecord> out = new ArrayList<>();
    if (lines.isEmpty()) {
      return out;
    }
    String[] columns = lines.get(0).split(",");
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      Map<String, Double> train = new LinkedHashMap<>();
      Map<String, Double> validation = new LinkedHashMap<>();
      int epoch = 0;
      double lr = 0;
      double seconds = 0;
      for (int i = 0; i < columns.length; i++) {
        double v = cells[i].isEmpty() ? Double.NaN : Double.parseDouble(cells[i]);
        switch (columns[i]) {
          case "epoch" -> epoch = (int) v - 1;
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
      case "epoch" -> r.epoch() + 1;
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
