package dev.adjoint.compiler.runs;

import dev.adjoint.runtime.checkpoint.AtomicFile;
import dev.adjoint.train.EpochRecord;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * The training curves as a PNG: one panel per metric (loss first), training in blue and
 * validation in orange (in the legend only when the run has a validation split), against the
 * epoch, with ticks and labels on both axes, a point per epoch only on short runs, and the
 * best epoch of early stopping marked by a green line. Drawn with Java2D, headless, and
 * written atomically like the checkpoints: a crash leaves the previous image or the new one.
 */
public final class CurvesImage {
  static final int PANEL_WIDTH = 420;
  static final int PANEL_HEIGHT = 280;
  /** The title and legend band above the panels. */
  static final int HEADER = 30;
  /** The plot area within a panel: left margin, top margin, width and height. */
  static final int PLOT_LEFT = 64;
  static final int PLOT_TOP = 25;
  static final int PLOT_WIDTH = PANEL_WIDTH - 84;
  static final int PLOT_HEIGHT = PANEL_HEIGHT - 70;
  /** Runs longer than this get lines without a point per epoch. */
  static final int MAX_MARKED_EPOCHS = 30;
  static final Color TRAIN = new Color(31, 119, 180);
  static final Color VALIDATION = new Color(255, 127, 14);
  static final Color BEST = new Color(44, 160, 44);

  private CurvesImage() {}

  /** The curves without a best epoch marked. */
  public static void write(Path file, String title, List<EpochRecord> history) throws IOException {
    write(file, title, history, 0);
  }

  /**
   * The curves, with {@code bestEpoch} (from 1, as {@code TrainingResult.bestEpoch()}; 0 for
   * none) marked in every panel.
   */
  public static void write(Path file, String title, List<EpochRecord> history, int bestEpoch) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Set<String> metrics = new LinkedHashSet<>();
    boolean validation = false;
    for (EpochRecord r : history) {
      metrics.addAll(r.train().keySet());
      metrics.addAll(r.validation().keySet());
      validation |= !r.validation().isEmpty();
    }
    List<String> panels = new ArrayList<>(metrics);
    int columns = Math.min(2, Math.max(1, panels.size()));
    int rows = (panels.size() + columns - 1) / columns;
    BufferedImage image = new BufferedImage(columns * PANEL_WIDTH, Math.max(1, rows) * PANEL_HEIGHT + HEADER,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(title, 10, 20);
    legend(g, image.getWidth(), validation, bestEpoch > 0);
    for (int i = 0; i < panels.size(); i++) {
      panel(g, history, panels.get(i), (i % columns) * PANEL_WIDTH, HEADER + (i / columns) * PANEL_HEIGHT, bestEpoch);
    }
    g.dispose();
    Files.createDirectories(file.toAbsolutePath().getParent());
    AtomicFile.write(file, channel -> {
      if (!ImageIO.write(image, "png", Channels.newOutputStream(channel))) {
        throw new IOException("this Java runtime has no PNG writer");
      }
    });
  }

  /** The series the image shows, right-aligned in the header. */
  private static void legend(Graphics2D g, int width, boolean validation, boolean best) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    List<String> names = new ArrayList<>(List.of("training"));
    List<Color> colors = new ArrayList<>(List.of(TRAIN));
    if (validation) {
      names.add("validation");
      colors.add(VALIDATION);
    }
    if (best) {
      names.add("best epoch");
      colors.add(BEST);
    }
    FontMetrics metrics = g.getFontMetrics();
    int x = width - 10;
    for (int i = names.size() - 1; i >= 0; i--) {
      x -= metrics.stringWidth(names.get(i));
      g.setColor(colors.get(i));
      g.drawString(names.get(i), x, 16);
      g.fillRect(x - 20, 10, 14, 4);
      x -= 34;
    }
  }

  private static void panel(Graphics2D g, List<EpochRecord> history, String metric, int x0, int y0, int bestEpoch) {
    int left = x0 + PLOT_LEFT;
    int top = y0 + PLOT_TOP;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (EpochRecord r : history) {
      for (double v : new double[] {r.value(metric), r.value("val_" + metric)}) {
        if (Double.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    g.drawString(metric, left, y0 + 15);
    if (!Double.isFinite(min)) {
      return;
    }
    List<Double> yTicks = AxisTicks.of(min, max, 5);
    min = Math.min(min, yTicks.get(0));
    max = Math.max(max, yTicks.get(yTicks.size() - 1));
    if (max - min < 1e-12) {
      max = min + 1;
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    FontMetrics fm = g.getFontMetrics();
    for (double tick : yTicks) {
      int y = top + (int) Math.round((max - tick) / (max - min) * PLOT_HEIGHT);
      g.setColor(new Color(235, 235, 235));
      g.drawLine(left, y, left + PLOT_WIDTH, y);
      g.setColor(Color.DARK_GRAY);
      g.drawLine(left - 4, y, left, y);
      String label = AxisTicks.label(tick, yTicks);
      g.drawString(label, left - 6 - fm.stringWidth(label), y + 4);
    }
    int n = history.size();
    int first = history.isEmpty() ? 1 : history.get(0).epoch();
    int last = history.isEmpty() ? 1 : history.get(n - 1).epoch();
    for (double tick : AxisTicks.of(first, Math.max(first + 1, last), 6)) {
      if (tick != Math.rint(tick) || tick < first || tick > last) {
        continue;
      }
      int x = xOf((int) tick, first, last, left);
      g.setColor(Color.DARK_GRAY);
      g.drawLine(x, top + PLOT_HEIGHT, x, top + PLOT_HEIGHT + 4);
      String label = Integer.toString((int) tick);
      g.drawString(label, x - fm.stringWidth(label) / 2, top + PLOT_HEIGHT + 16);
    }
    g.drawString("epoch", left + PLOT_WIDTH / 2 - fm.stringWidth("epoch") / 2, top + PLOT_HEIGHT + 30);
    g.setColor(Color.GRAY);
    g.drawRect(left, top, PLOT_WIDTH, PLOT_HEIGHT);
    if (bestEpoch >= first && bestEpoch <= last) {
      int x = xOf(bestEpoch, first, last, left);
      g.setColor(BEST);
      g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {5, 4}, 0));
      g.drawLine(x, top + 1, x, top + PLOT_HEIGHT - 1);
      g.setStroke(new BasicStroke(1f));
    }
    curve(g, history, metric, TRAIN, left, top, min, max, first, last);
    curve(g, history, "val_" + metric, VALIDATION, left, top, min, max, first, last);
  }

  /** The x coordinate of epoch {@code epoch} in a plot of epochs first .. last starting at {@code left}. */
  static int xOf(int epoch, int first, int last, int left) {
    return left + (first == last ? PLOT_WIDTH / 2 : (int) Math.round((double) (epoch - first) / (last - first)
        * PLOT_WIDTH));
  }

  private static void curve(Graphics2D g, List<EpochRecord> history, String key, Color color, int left, int top,
      double min, double max, int first, int last) {
    g.setColor(color);
    g.setStroke(new BasicStroke(2f));
    boolean marked = history.size() <= MAX_MARKED_EPOCHS;
    int previousX = -1;
    int previousY = -1;
    for (EpochRecord r : history) {
      double v = r.value(key);
      if (!Double.isFinite(v)) {
        previousX = -1;
        continue;
      }
      int x = xOf(r.epoch(), first, last, left);
      int y = top + (int) Math.round((max - v) / (max - min) * PLOT_HEIGHT);
      if (previousX >= 0) {
        g.drawLine(previousX, previousY, x, y);
      }
      if (marked) {
        g.fillOval(x - 2, y - 2, 5, 5);
      }
      previousX = x;
      previousY = y;
    }
    g.setStroke(new BasicStroke(1f));
  }
}
