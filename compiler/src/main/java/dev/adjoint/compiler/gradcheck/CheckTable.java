package dev.adjoint.compiler.gradcheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The report of {@code adjoint gradcheck} as a plain-text table, one row per tensor and comparison. */
public final class CheckTable {
  private static final List<String> HEADER =
      List.of("tensor", "comparison", "checked", "max abs error", "max rel error", "worst index", "result");

  private CheckTable() {}

  public static String format(GradientCheck.Report report) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    for (CheckRow r : report.rows()) {
      rows.add(List.of(r.tensor(), r.comparison().text(),
          r.checked() == r.size() ? "all " + r.size() : r.checked() + " of " + r.size(),
          String.format(Locale.ROOT, "%.2e", r.maxAbs()), String.format(Locale.ROOT, "%.2e", r.maxRel()),
          r.worstText(), r.passed() ? "pass" : "FAIL"));
    }
    int[] widths = new int[HEADER.size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder("model ").append(report.model()).append('\n');
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(String.format(Locale.ROOT, "%-" + widths[i] + "s", row.get(i)));
        if (i + 1 < row.size()) {
          line.append("  ");
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
