package dev.adjoint.compiler.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The confusion matrix files of a run: the CSV's cells, and the PNG's grid shaded by each row's share. */
class ConfusionImageTest {
  private static final List<String> CLASSES = List.of("cat", "dog, big", "bird");
  /** Targets down, predictions across: cats all right, dogs half taken for birds, no birds at all. */
  private static final long[][] MATRIX = {{4, 0, 0}, {0, 3, 3}, {0, 0, 0}};

  @TempDir
  Path temp;

  @Test
  void theCsvHasARowPerTargetAndAColumnPerPrediction() {
    assertEquals("target,cat,\"dog, big\",bird\ncat,4,0,0\n\"dog, big\",0,3,3\nbird,0,0,0\n",
        ConfusionImage.csv(CLASSES, MATRIX));
  }

  @Test
  void eachCellIsShadedByItsShareOfItsRow() throws IOException {
    ConfusionImage.write(temp, "val", CLASSES, MATRIX);
    assertEquals(List.of("confusion-val.csv", "confusion-val.png"),
        Files.list(temp).map(p -> p.getFileName().toString()).sorted().toList());
    assertEquals(ConfusionImage.csv(CLASSES, MATRIX), Files.readString(temp.resolve("confusion-val.csv")));
    BufferedImage image = ImageIO.read(temp.resolve("confusion-val.png").toFile());
    // the grid's right and bottom edges: 10 pixels of margin past 3 cells
    int left = image.getWidth() - 10 - 3 * ConfusionImage.CELL;
    int top = image.getHeight() - 10 - 3 * ConfusionImage.CELL;
    assertEquals(ConfusionImage.FULL.getRGB(), corner(image, left, top, 0, 0), "all cats right: full");
    assertEquals(ConfusionImage.shade(0.5).getRGB(), corner(image, left, top, 1, 1), "half the dogs");
    assertEquals(ConfusionImage.shade(0.5).getRGB(), corner(image, left, top, 1, 2), "the other half");
    assertEquals(Color.WHITE.getRGB(), corner(image, left, top, 0, 1), "no cat taken for a dog");
    assertEquals(Color.WHITE.getRGB(), corner(image, left, top, 2, 2), "an empty row stays white");
    assertFalse(ConfusionImage.shade(0.5).equals(Color.WHITE));
    assertTrue(Files.list(temp).noneMatch(p -> p.getFileName().toString().contains("tmp")));
  }

  /** A pixel near the top-left corner of cell (row, column), away from its count and the grid's border. */
  private static int corner(BufferedImage image, int left, int top, int row, int column) {
    return image.getRGB(left + column * ConfusionImage.CELL + 3, top + row * ConfusionImage.CELL + 3);
  }
}
