package dev.adjoint.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The saliency example trains the perceptron, writes a PNG that reads back as an image of
 * six digits above their gradients, and the gradients differ from digit to digit (each
 * digit's class is explained by its own strokes).
 */
class MnistSaliencyTest {
  @TempDir
  Path dir;

  @Test
  void writesAPngOfSixDigitsWithDifferentSaliency() throws Exception {
    Path examples = Path.of(System.getProperty("adjoint.examples", "."));
    Path png = dir.resolve("saliency.png");
    MnistSaliency.Result r = MnistSaliency.run(examples, png);
    assertTrue(r.accuracy() > 0.85, "the perceptron learned: " + r.accuracy());
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, "a PNG");
    assertEquals(6 * (112 + 10) + 10, image.getWidth());
    for (int k = 0; k < 6; k++) {
      assertTrue(r.digits()[k] >= 9000, "a test digit");
      double norm = Math.sqrt(dot(r.saliency()[k], r.saliency()[k]));
      assertTrue(norm > 0, "digit " + k + " has a gradient");
      for (int j = 0; j < k; j++) {
        double cosine = dot(r.saliency()[k], r.saliency()[j]) / norm
            / Math.sqrt(dot(r.saliency()[j], r.saliency()[j]));
        assertTrue(cosine < 0.9, "digits " + j + " and " + k + " have different saliency: cosine " + cosine);
      }
    }
    int red = 0;
    int blue = 0;
    for (int y = 30 + 112 + 10; y < 30 + 2 * 112 + 10; y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        int rr = (rgb >> 16) & 0xff;
        int bb = rgb & 0xff;
        red += rr > bb + 40 ? 1 : 0;
        blue += bb > rr + 40 ? 1 : 0;
      }
    }
    assertTrue(red > 100 && blue > 100, "the gradient row shows both signs: " + red + " red, " + blue + " blue");
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }
}
