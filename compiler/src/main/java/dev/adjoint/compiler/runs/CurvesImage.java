package dev.adjoint.compiler.runs;

import dev.adjoint.runtime.checkpoint.AtomicFile;
import dev.adjoint.runtime.train.EpochRecord;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
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
 * validation in orange, against the epoch. Drawn with Java2D, headless, and written
 * atomically like the checkpoints: a crash leaves the previous image or the new one.
 */
public final class CurvesImage {
  private static final int PANEL_WIDTH = 420;
  private static final int PANEL_HEIGHT = 280;
  private static final Color TRAIN = new Color(31, 119, 180);
  private static final Color VALIDATION = new Color(255, 127, 14);

  private CurvesImage() {}

  public static void write(Path file, String title, List<EpochRecord> history) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Set<String> metrics = new LinkedHashSet<>();
    for (EpochRecord r : history) {
      metrics.addAll(r.train().keySet());
      metrics.addAll(r.validation().keySet());
    }
    List<String> panels = new ArrayList<>(metrics);
    int columns = Math.min(2, Math.max(1, panels.size()));
    int rows = (panels.size() + columns - 1) / columns;
    BufferedImage image = new BufferedImage(columns * PANEL_WIDTH, Math.max(1, rows) * PANEL_HEIGHT + 30,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(title, 10, 20);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    int legend = image.getWidth() - 170;
    g.setColor(TRAIN);
    g.fillRect(legend, 10, 14, 4);
    g.drawString("training", legend + 20, 16);
    g.setColor(VALIDATION);
    g.fillRect(legend + 85, 10, 14, 4);
    g.drawString("validation", legend + 105, 16);
    for (int i = 0; i < panels.size(); i++) {
      panel(g, history, panels.get(i), (i % columns) * PANEL_WIDTH, 30 + (i / columns) * PANEL_HEIGHT);
    }
    g.dispose();
    Files.createDirectories(file.toAbsolutePath().getParent());
    AtomicFile.write(file, channel -> {
      if (!ImageIO.write(image, "png", Channels.newOutputStream(channel))) {
        throw new IOException("this Java runtime has no PNG writer");
      }
    });
  }

  private static void panel(Graphics2D g, List<EpochRecord> history, String metric, int x0, int y0) {
    int left = x0 + 60;
    int top = y0 + 25;
    int width = PANEL_WIDTH - 80;
    int height = PANEL_HEIGHT - 65;
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
    if (!Double.isFinite(min)) {
      return;
    }
    if (max - min < 1e-12) {
      max = min + 1;
    }
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString(metric, left, y0 + 15);
    g.setColor(Color.LIGHT_GRAY);
    g.drawRect(left, top, width, height);
    g.setColor(Color.DARK_GRAY);
    g.drawString(String.format(Locale.ROOT, "%.4g", max), x0 + 2, top + 10);
    g.drawString(String.format(Locale.ROOT, "%.4g", min), x0 + 2, top + height);
    g.drawString("epoch " + history.size(), left + width - 60, top + height + 15);
    curve(g, history, metric, TRAIN, left, top, width, height, min, max);
    curve(g, history, "val_" + metric, VALIDATION, left, top, width, height, min, max);
  }

  private static void curve(Graphics2D g, List<EpochRecord> history, String key, Color color, int left, int top,
      int width, int height, double min, double max) {
    g.setColor(color);
    g.setStroke(new BasicStroke(2f));
    int n = history.size();
    int previousX = -1;
    int previousY = -1;
    for (int i = 0; i < n; i++) {
      double v = history.get(i).value(key);
      if (!Double.isFinite(v)) {
        continue;
      }
      int x = left + (n == 1 ? width / 2 : (int) Math.round((double) i / (n - 1) * width));
      int y = top + (int) Math.round((max - v) / (max - min) * height);
      if (previousX >= 0) {
        g.drawLine(previousX, previousY, x, y);
      }
      g.fillOval(x - 2, y - 2, 5, 5);
      previousX = x;
      previousY = y;
    }
  }
}
