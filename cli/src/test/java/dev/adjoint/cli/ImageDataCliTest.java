package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.golden.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image input {@code f32[B, 28, 28, 1]} trained from the shipped MNIST IDX digits, then
 * {@code adjoint predict} on CSV rows of 784 pixels in row-major order; a declared image
 * shape that the file does not have is refused with the file's name and both shapes.
 */
class ImageDataCliTest {
  @TempDir
  Path temp;

  private Path model(String shape) throws IOException {
    Path data = Golden.repo().resolve("examples/mnist/data").toAbsolutePath();
    String text = """
        model digits {
          input  x: f32[SHAPE]
          target y: class[B] of 10
          h = max_pool2d(x, 4)
          output probs = softmax(dense(reshape(h, (B, -1)), 10))
          loss = cross_entropy(probs, y)
        }

        train digits {
          data      idx("IMAGES", "LABELS", scale = 1 / 255), split(train = 0.9, val = 0.1)
          optimizer adam(lr = 0.01)
          batch 100; epochs 1; seed 3
          metrics   accuracy
        }
        """.replace("SHAPE", shape).replace("IMAGES", data.resolve("mnist-images.idx.gz").toString())
        .replace("LABELS", data.resolve("mnist-labels.idx.gz").toString());
    Path nn = temp.resolve("digits.nn");
    Files.writeString(nn, text);
    return nn;
  }

  @Test
  void idxImagesTrainAChannelsLastInputAndCsvPixelsArePredicted() throws IOException {
    Path nn = model("B, 28, 28, 1");
    Path out = temp.resolve("run");
    CliRun train = CliRun.of("train", nn.toString(), "--out", out.toString());
    assertEquals(0, train.status(), train.err());

    StringBuilder pixels = new StringBuilder();
    for (int i = 0; i < 784; i++) {
      pixels.append(i > 0 ? "," : "").append(i % 28 > 10 && i % 28 < 18 ? "1" : "0");
    }
    Path input = temp.resolve("pixels.csv");
    Files.writeString(input, pixels + "\n" + pixels + "\n");
    CliRun predict = CliRun.of("predict", nn.toString(), "--checkpoint", out.resolve("last.safetensors").toString(),
        "--input", input.toString());
    assertEquals(0, predict.status(), predict.err());
    List<String> lines = predict.out().lines().toList();
    assertEquals(3, lines.size(), predict.out());
    assertTrue(lines.get(0).endsWith("probs.class"), lines.get(0));
    assertEquals(lines.get(1), lines.get(2), "the same pixels give the same prediction");
  }

  @Test
  void imagesOfAnotherShapeAreRefusedNamingTheFile() throws IOException {
    CliRun train = CliRun.of("train", model("B, 32, 32, 1").toString(), "--out", temp.resolve("run").toString());
    assertEquals(1, train.status());
    assertTrue(train.err().contains("mnist-images.idx.gz: holds samples of shape [28, 28], but x: f32[B,32,32,1]"
        + " takes samples of shape [32, 32, 1]"), train.err());
    assertFalse(train.err().contains("\tat "), train.err());
  }
}
