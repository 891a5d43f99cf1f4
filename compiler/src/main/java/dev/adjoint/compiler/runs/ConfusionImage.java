package dev.adjoint.compiler.runs;

import dev.adjoint.runtime.checkpoint.AtomicFile;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A classifier's confusion matrix on one split, as files of the run folder:
 * {@code confusion-SPLIT.csv} (a row per target class, a column per predicted class, counts)
 * and {@code confusion-SPLIT.png} (the same grid, each cell shaded by its share of its row, so
 * the diagonal reads as each class's recall, with the count written in it). Both are written
 * atomically, like the checkpoints.
 */
final class ConfusionImage {
  /** The side of a cell, in pixels. */
  static final int CELL = 40;
  /** The shade of a cell that holds a whole row. */
  static final Color FULL = new Color(31, 119, 180);

  private ConfusionImage() {}

  /** The names of the files for {@code split}, CSV first. */
  static List<String> fileNames(String split) {
    return List.of("confusion-" + split + ".csv", "confusion-" + split + ".png");
  }

  /** Writes both files for {@code split} into {@code folder}. */
  static void write(Path folder, String split, List<String> classes, long[][] matrix) throws IOException {
    List<String> names = fileNames(split);
    byte[] csv = csv(classes, matrix).getBytes(StandardCharsets.UTF_8);
    AtomicFile.write(folder.resolve(names.get(0)), channel -> channel.write(java.nio.ByteBuffer.wrap(csv)));
    BufferedImage image = image(split, classes, matrix);
    AtomicFile.write(folder.resolve(names.get(1)), channel -> {
      if (!ImageIO.write(image, "png", Channels.newOutputStream(channel))) {
        throw new IOException("this Java runtime has no PNG writer");
      }
    });
  }

  /** {@code target,PREDICTED...} then a line per target class with its counts. */
  static String csv(List<String> classes, long[][] matrix) {
    StringBuilder s = new StringBuilder("target");
    classes.forEach(c -> s.append(',').append(cell(c)));
    s.append('\n');
    for (int a = 0; a < classes.size(); a++) {
      s.append(cell(classes.get(a)));
      for (long count : matrix[a]) {
        s.append(',').append(count);
      }
      s.append('\n');
    }
    return s.toString();
  }

  private static String cell(String text) {
    boolean plain = !text.isEmpty() && text.chars().noneMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r');
    return plain ? text : '"' + text.replace("\"", "\"\"") + '"';
  }

  /** The grid: targets down the left, predictions along the top. */
  static BufferedImage image(String split, List<String> classes, long[][] matrix) {
    System.setProperty("java.awt.headless", "true");
    int n = classes.size();
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D p = probe.createGraphics();
    p.setFont(labelFont());
    FontMetrics fm = p.getFontMetrics();
    int label = 8 + classes.stream().mapToInt(fm::stringWidth).max().orElse(0);
    p.dispose();
    int left = Math.max(label, 70);
    int top = 40 + label;
    BufferedImage image = new BufferedImage(left + n * CELL + 10, top + n * CELL + 10, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    g.drawString("confusion matrix, " + split + " (rows: target, columns: predicted)", 8, 18);
    g.setFont(labelFont());
    for (int a = 0; a < n; a++) {
      long row = 0;
      for (long c : matrix[a]) {
        row += c;
      }
      g.setColor(Color.BLACK);
      g.drawString(classes.get(a), 4, top + a * CELL + CELL / 2 + 4);
      for (int q = 0; q < n; q++) {
        double share = row == 0 ? 0 : (double) matrix[a][q] / row;
        g.setColor(shade(share));
        g.fillRect(left + q * CELL, top + a * CELL, CELL, CELL);
        g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
        String count = Long.toString(matrix[a][q]);
        g.drawString(count, left + q * CELL + (CELL - g.getFontMetrics().stringWidth(count)) / 2,
            top + a * CELL + CELL / 2 + 4);
      }
    }
    g.setColor(Color.BLACK);
    for (int q = 0; q < n; q++) {
      Graphics2D rotated = (Graphics2D) g.create();
      rotated.translate(left + q * CELL + CELL / 2 + 4, top - 6);
      rotated.rotate(-Math.PI / 2);
      rotated.drawString(classes.get(q), 0, 0);
      rotated.dispose();
    }
    g.setColor(Color.GRAY);
    g.drawRect(left, top, n * CELL, n * CELL);
    g.dispose();
    return image;
  }

  /** White for none of the row, {@link #FULL} for all of it. */
  static Color shade(double share) {
    return new Color(mix(255, FULL.getRed(), share), mix(255, FULL.getGreen(), share), mix(255, FULL.getBlue(), share));
  }

  private static int mix(int from, int to, double t) {
    return (int) Math.round(from + (to - from) * Math.max(0, Math.min(1, t)));
  }

  private static Font labelFont() {
    return new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  }
}
