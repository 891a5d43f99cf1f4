package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The columns {@code adjoint predict} writes for a binary classifier, whose one output per
 * sample names the class by a threshold (0.5 for a probability, 0 for a logit, or the train
 * block's accuracy threshold), and the input columns {@code --keep} passes through.
 */
class PredictColumnsTest {
  /** The same classifier three ways: a probability, a logit, and a probability with its own threshold. */
  private static final String MODELS = """
      model prob {
        input  x: f32[B, 2]
        target side: class[B] of ("left", "right")
        output p = sigmoid(dense(x, 1))
        loss = bce(p, side)
      }
      model logit {
        input  x: f32[B, 2]
        target side: class[B] of ("left", "right")
        output z = dense(x, 1)
        loss = bce_with_logits(z, side)
      }
      model strict {
        input  x: f32[B, 2]
        target side: class[B] of ("left", "right")
        output p = sigmoid(dense(x, 1))
        loss = bce(p, side)
      }
      train prob {
        data csv("points.csv", x = ("u", "v"), side = "label"), split(train = 1.0)
        optimizer adam(lr = 0.1); batch 8; epochs 20; seed 1
      }
      train logit {
        data csv("points.csv", x = ("u", "v"), side = "label"), split(train = 1.0)
        optimizer adam(lr = 0.1); batch 8; epochs 20; seed 1
      }
      train strict {
        data csv("points.csv", x = ("u", "v"), side = "label"), split(train = 1.0)
        optimizer adam(lr = 0.1); batch 8; epochs 20; seed 1
        metrics accuracy(threshold = 0.999)
      }
      """;

  @TempDir
  Path temp;

  private Path nn;
  private Path input;

  /** 64 points, "right" when u > v, and rows to predict with an id and a note beside them. */
  @BeforeEach
  void write() throws IOException {
    Files.writeString(temp.resolve("points.csv"), TrainingCommandsTest.points());
    nn = temp.resolve("binary.nn");
    Files.writeString(nn, MODELS);
    input = temp.resolve("new.csv");
    Files.writeString(input, "id,u,note,v\n17,0.9,\"far, right\",-0.9\nA,-0.8,,0.7\nB,0.04,near,-0.04\n");
  }

  private List<String> predict(String model, String... extra) {
    Path run = temp.resolve("run-" + model);
    CliRun train = CliRun.of("train", nn.toString(), "--model", model, "--out", run.toString());
    assertEquals(0, train.status(), train.err());
    List<String> args = new java.util.ArrayList<>(List.of("predict", nn.toString(), "--model", model,
        "--checkpoint", run.resolve("last.safetensors").toString(), "--input", input.toString()));
    args.addAll(List.of(extra));
    CliRun predict = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, predict.status(), predict.err());
    return predict.out().lines().toList();
  }

  private static double value(String line, int cell) {
    return Double.parseDouble(line.split(",")[cell]);
  }

  @Test
  void aProbabilityNamesTheSecondClassFromOneHalf() {
    List<String> lines = predict("prob");
    assertEquals(List.of("p,p.class"), lines.subList(0, 1));
    assertTrue(value(lines.get(1), 0) > 0.5 && lines.get(1).endsWith(",right"), lines.get(1));
    assertTrue(value(lines.get(2), 0) < 0.5 && lines.get(2).endsWith(",left"), lines.get(2));
  }

  @Test
  void aLogitNamesTheSecondClassFromZero() {
    List<String> lines = predict("logit");
    assertEquals("z,z.class", lines.get(0));
    assertTrue(value(lines.get(1), 0) > 0 && lines.get(1).endsWith(",right"), lines.get(1));
    assertTrue(value(lines.get(2), 0) < 0 && lines.get(2).endsWith(",left"), lines.get(2));
  }

  @Test
  void theAccuracyThresholdOfTheTrainBlockDecides() {
    List<String> lines = predict("strict");
    // the point near the boundary is more likely right, but not by 0.999
    double p = value(lines.get(3), 0);
    assertTrue(p > 0.5 && p < 0.999, lines.get(3));
    assertTrue(lines.get(3).endsWith(",left"), lines.get(3));
    for (String line : lines.subList(1, 4)) {
      assertTrue(line.endsWith(value(line, 0) >= 0.999 ? ",right" : ",left"), line);
    }
  }

  @Test
  void keptColumnsComeFirstAsWritten() {
    List<String> lines = predict("prob", "--keep", "id,note");
    assertEquals("id,note,p,p.class", lines.get(0));
    assertTrue(lines.get(1).startsWith("17,\"far, right\","), lines.get(1));
    assertTrue(lines.get(2).startsWith("A,\"\","), lines.get(2));
    assertEquals(4, lines.get(2).split(",").length, lines.get(2));
  }

  @Test
  void aMissingKeptColumnIsNamed() {
    Path run = temp.resolve("run-prob");
    assertEquals(0, CliRun.of("train", nn.toString(), "--model", "prob", "--out", run.toString()).status());
    CliRun r = CliRun.of("predict", nn.toString(), "--model", "prob", "--checkpoint",
        run.resolve("last.safetensors").toString(), "--input", input.toString(), "--keep", "ids");
    assertEquals(AdjointCli.INPUT_ERRORS, r.status(), r.err());
    assertTrue(r.err().contains("no column \"ids\" in the header (id, u, note, v); did you mean \"id\"?"), r.err());
  }
}
