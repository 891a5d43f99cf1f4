package dev.adjoint.compiler.runs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.runtime.checkpoint.CheckpointException;
import dev.adjoint.train.EpochRecord;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** curves.png is a readable PNG, replaced in one step, and a failed write leaves nothing behind. */
class CurvesImageTest {
  private static final List<EpochRecord> HISTORY = List.of(
      new EpochRecord(1, 0.01, Map.of("loss", 1.0, "accuracy", 0.5), Map.of("loss", 1.2, "accuracy", 0.4), 0.1),
      new EpochRecord(2, 0.01, Map.of("loss", 0.6, "accuracy", 0.8), Map.of("loss", 0.9, "accuracy", 0.7), 0.1));

  @Test
  void replacesAnOldImageWithAReadablePngAndNoTemporaryFile(@TempDir Path folder) throws Exception {
    Path file = folder.resolve("curves.png");
    Files.writeString(file, "an older image");
    CurvesImage.write(file, "model", HISTORY);
    BufferedImage image = ImageIO.read(file.toFile());
    assertNotNull(image, "curves.png is not a PNG");
    assertEquals(840, image.getWidth(), "two panels side by side: loss and accuracy");
    try (Stream<Path> files = Files.list(folder)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void aFailedWriteKeepsTheFolderAsItWas(@TempDir Path folder) throws Exception {
    Path occupied = folder.resolve("curves.png");
    Files.createDirectory(occupied);
    Files.writeString(occupied.resolve("inside.txt"), "kept");
    assertThrows(CheckpointException.class, () -> CurvesImage.write(occupied, "model", HISTORY));
    try (Stream<Path> files = Files.list(folder)) {
      assertArrayEquals(new Object[] {occupied}, files.toArray());
    }
    assertEquals("kept", Files.readString(occupied.resolve("inside.txt")));
  }

  /** Epochs 1 .. n with a falling training loss (constant when {@code flat}) and, if asked, a validation loss. */
  private static List<EpochRecord> history(int n, boolean validation, boolean flat) {
    List<EpochRecord> out = new java.util.ArrayList<>();
    for (int e = 1; e <= n; e++) {
      double loss = flat ? 0.5 : 1.0 / e;
      out.add(new EpochRecord(e, 0.01, Map.of("loss", loss), validation ? Map.of("loss", loss + 0.1) : Map.of(), 0.1));
    }
    return out;
  }

  private static BufferedImage draw(Path folder, List<EpochRecord> history, int best) throws Exception {
    Path file = folder.resolve("curves.png");
    CurvesImage.write(file, "model", history, best);
    return ImageIO.read(file.toFile());
  }

  /** Pixels within a small distance of a colour, in a rectangle. */
  private static int count(BufferedImage image, java.awt.Color color, int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = Math.max(0, y0); y < Math.min(image.getHeight(), y1); y++) {
      for (int x = Math.max(0, x0); x < Math.min(image.getWidth(), x1); x++) {
        java.awt.Color c = new java.awt.Color(image.getRGB(x, y));
        if (Math.abs(c.getRed() - color.getRed()) + Math.abs(c.getGreen() - color.getGreen())
            + Math.abs(c.getBlue() - color.getBlue()) < 30) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void validationAppearsOnlyWhenTheRunHasIt(@TempDir Path folder) throws Exception {
    BufferedImage without = draw(folder, history(5, false, false), 0);
    assertEquals(0, count(without, CurvesImage.VALIDATION, 0, 0, without.getWidth(), without.getHeight()),
        "no validation split: no orange curve and no 'validation' in the legend");
    BufferedImage with = draw(folder, history(5, true, false), 0);
    org.junit.jupiter.api.Assertions.assertTrue(
        count(with, CurvesImage.VALIDATION, 0, CurvesImage.HEADER, with.getWidth(), with.getHeight()) > 50);
  }

  @Test
  void theBestEpochIsMarkedWhereItIs(@TempDir Path folder) throws Exception {
    int x = CurvesImage.xOf(7, 1, 10, CurvesImage.PLOT_LEFT);
    int top = CurvesImage.HEADER + CurvesImage.PLOT_TOP;
    BufferedImage marked = draw(folder, history(10, true, false), 7);
    int onTheLine = count(marked, CurvesImage.BEST, x - 1, top, x + 2, top + CurvesImage.PLOT_HEIGHT);
    org.junit.jupiter.api.Assertions.assertTrue(onTheLine > CurvesImage.PLOT_HEIGHT / 3,
        "a dashed green line at epoch 7: " + onTheLine);
    int elsewhere = count(marked, CurvesImage.BEST, x + 10, top, CurvesImage.PANEL_WIDTH, top + CurvesImage.PLOT_HEIGHT);
    assertEquals(0, elsewhere, "nothing green elsewhere in the plot");
    BufferedImage none = draw(folder, history(10, true, false), 0);
    assertEquals(0, count(none, CurvesImage.BEST, 0, 0, none.getWidth(), none.getHeight()), "no best epoch, no green");
  }

  @Test
  void shortRunsGetAPointPerEpochLongRunsALine(@TempDir Path folder) throws Exception {
    int top = CurvesImage.HEADER + CurvesImage.PLOT_TOP;
    int left = CurvesImage.PLOT_LEFT;
    for (int epochs : new int[] {10, 100}) {
      BufferedImage image = draw(folder, history(epochs, false, true), 0);
      int rows = 0;
      for (int y = top + 2; y < top + CurvesImage.PLOT_HEIGHT - 1; y++) {
        rows += count(image, CurvesImage.TRAIN, left + 2, y, left + CurvesImage.PLOT_WIDTH - 2, y + 1) > 0 ? 1 : 0;
      }
      if (epochs <= CurvesImage.MAX_MARKED_EPOCHS) {
        org.junit.jupiter.api.Assertions.assertTrue(rows >= 5, epochs + " epochs: points 5 pixels across, " + rows);
      } else {
        org.junit.jupiter.api.Assertions.assertTrue(rows <= 3, epochs + " epochs: a 2-pixel line only, " + rows);
      }
    }
  }

  @Test
  void ticksAreRoundAndCoverTheRange() {
    assertEquals(List.of(0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0), AxisTicks.of(0.13, 0.87, 5));
    List<Double> epochs = AxisTicks.of(1, 20, 6);
    assertEquals(List.of(0.0, 5.0, 10.0, 15.0, 20.0), epochs);
    assertEquals("0.6", AxisTicks.label(0.6000000000000001, AxisTicks.of(0.13, 0.87, 5)));
    assertEquals("15", AxisTicks.label(15, epochs));
    assertEquals("0.0025", AxisTicks.label(0.0025, List.of(0.002, 0.0025)));
    assertEquals("1.2e+06", AxisTicks.label(1.2e6, List.of(1e6, 1.2e6)));
    List<Double> flat = AxisTicks.of(3, 3, 5);
    org.junit.jupiter.api.Assertions.assertTrue(flat.get(0) <= 3 && flat.get(flat.size() - 1) >= 3, flat.toString());
  }
}
