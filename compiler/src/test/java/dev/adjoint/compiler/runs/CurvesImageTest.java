package dev.adjoint.compiler.runs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.runtime.checkpoint.CheckpointException;
import dev.adjoint.runtime.train.EpochRecord;
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
}
