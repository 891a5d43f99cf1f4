package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code adjoint train}, {@code eval} and {@code predict} in-process on a small classifier
 * with CSV data: what a user sees when things work, and the errors (with the file, line and
 * column, and no stack trace) when the data, the checkpoint or the flags are wrong.
 */
class TrainingCommandsTest {
  private static final String MODEL = """
      model quadrant(hidden = 6) {
        input  x: f32[B, 2]
        target side: class[B] of ("left", "right")
        h = dense(x, hidden, act = tanh)
        output probs = softmax(dense(h, 2))
        loss = cross_entropy(probs, side)
      }

      train quadrant {
        data      csv("points.csv", x = ("u", "v"), side = "label"), split(train = 0.5, val = 0.25, test = 0.25)
        optimizer adam(lr = 0.05)
        batch 8; epochs 30; seed 1
        metrics   accuracy
      }
      """;

  @TempDir
  Path temp;

  private Path nn;

  /** 64 points, "right" when u > v, with the model next to them. */
  @BeforeEach
  void writeModelAndData() throws IOException {
    Files.writeString(temp.resolve("points.csv"), TrainingCommandsTest.points());
    nn = write("quadrant.nn", MODEL);
  }

  /** 64 points of the square [-1, 1]², labelled "right" when u > v, as CSV with the header u,v,label. */
  static String points() {
    StringBuilder csv = new StringBuilder("u,v,label\n");
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 64; i++) {
      double u = random.nextDouble() * 2 - 1;
      double v = random.nextDouble() * 2 - 1;
      csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%s%n", u, v, u > v ? "right" : "left"));
    }
    return csv.toString();
  }

  private Path write(String name, String text) throws IOException {
    Path file = temp.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private Path trained() {
    Path out = temp.resolve("run");
    CliRun train = CliRun.of("train", nn.toString(), "--out", out.toString());
    assertEquals(0, train.status(), train.err());
    return out.resolve("last.safetensors");
  }

  @Test
  void trainThenEvalThenPredict() throws IOException {
    Path checkpoint = trained();
    assertTrue(Files.isRegularFile(checkpoint));
    assertTrue(Files.isRegularFile(checkpoint.resolveSibling("history.csv")));

    CliRun eval = CliRun.of("eval", nn.toString(), "--checkpoint", checkpoint.toString(), "--split", "all");
    assertEquals(0, eval.status(), eval.err());
    assertTrue(eval.out().contains("accuracy"), eval.out());
    assertTrue(eval.out().contains("test"), eval.out());

    Path input = write("new.csv", "v,u\n0.5,-0.5\n-0.5,0.5\n0.9,0.8\n");
    CliRun predict = CliRun.of("predict", nn.toString(), "--checkpoint", checkpoint.toString(), "--input", input.toString());
    assertEquals(0, predict.status(), predict.err());
    List<String> lines = predict.out().lines().toList();
    assertEquals("probs[left],probs[right],probs.class", lines.get(0));
    assertEquals(4, lines.size(), predict.out());
    // Columns are found by name, whatever their order: (u, v) = (-0.5, 0.5) is left, (0.5, -0.5) right.
    assertTrue(lines.get(1).endsWith(",left"), lines.get(1));
    assertTrue(lines.get(2).endsWith(",right"), lines.get(2));
    for (String line : lines.subList(1, 4)) {
      String[] cells = line.split(",");
      double sum = Double.parseDouble(cells[0]) + Double.parseDouble(cells[1]);
      assertEquals(1.0, sum, 1e-5, line);
      String best = Double.parseDouble(cells[0]) >= Double.parseDouble(cells[1]) ? "left" : "right";
      assertEquals(best, cells[2], line);
    }

    Path headerless = write("bare.csv", "-0.5,0.5\n");
    Path output = temp.resolve("predictions.csv");
    CliRun toFile = CliRun.of("predict", nn.toString(), "--checkpoint", checkpoint.toString(), "--input",
        headerless.toString(), "-o", output.toString());
    assertEquals(0, toFile.status(), toFile.err());
    assertTrue(toFile.err().contains("wrote 1 predictions to"), toFile.err());
    assertEquals(lines.get(1), Files.readAllLines(output).get(1),
        "a file without a header feeds x from its columns in order: (u, v) = (-0.5, 0.5) as before");
  }

  /**
   * eval's per-class figures and confusion matrix, consistent with its metrics: the matrix
   * holds every row of the split, its diagonal share is the accuracy (the micro average), and
   * the train block's f1 (two classes: of "right") is the table's f1 of "right".
   */
  @Test
  void evalPrintsPerClassFiguresAndTheConfusionMatrix() throws IOException {
    Files.writeString(nn, MODEL.replace("metrics   accuracy", "metrics   accuracy, f1, precision, recall"));
    Path checkpoint = trained();
    CliRun eval = CliRun.of("eval", nn.toString(), "--checkpoint", checkpoint.toString());
    assertEquals(0, eval.status(), eval.err());
    List<String> lines = eval.out().lines().toList();
    double accuracy = metric(lines, "accuracy");
    double f1 = metric(lines, "f1");
    int header = lines.indexOf("per class, test split:");
    assertTrue(header > 0, eval.out());
    String[] right = lines.get(header + 3).trim().split("\\s+");
    assertEquals("right", right[0], eval.out());
    assertEquals(f1, Double.parseDouble(right[3]), 1e-4, eval.out());
    assertEquals(metric(lines, "precision"), Double.parseDouble(right[1]), 1e-4, eval.out());
    assertEquals(metric(lines, "recall"), Double.parseDouble(right[2]), 1e-4, eval.out());
    String[] micro = lines.get(header + 6).trim().split("\\s+");
    assertEquals("micro", micro[0], eval.out());
    assertEquals(accuracy, Double.parseDouble(micro[1]), 1e-4, eval.out());
    int matrix = lines.indexOf("confusion matrix, test split (rows: target, columns: predicted):");
    assertTrue(matrix > header, eval.out());
    long total = 0;
    long diagonal = 0;
    for (int a = 0; a < 2; a++) {
      String[] cells = lines.get(matrix + 2 + a).trim().split("\\s+");
      assertEquals(a == 0 ? "left" : "right", cells[0]);
      total += Long.parseLong(cells[1]) + Long.parseLong(cells[2]);
      diagonal += Long.parseLong(cells[1 + a]);
    }
    assertEquals(16, total, "a quarter of the 64 rows is the test split");
    assertEquals(accuracy, diagonal / 16.0, 1e-6);
  }

  /** The value of a metric in eval's table (its first split's column). */
  private static double metric(List<String> lines, String name) {
    for (String line : lines) {
      String[] cells = line.trim().split("\\s+");
      if (cells.length == 2 && cells[0].equals(name)) {
        return Double.parseDouble(cells[1]);
      }
    }
    throw new AssertionError("no metric " + name + " in " + lines);
  }

  /** A run's --set values are in its checkpoints: eval and predict use them, and refuse others by name. */
  @Test
  void evalAndPredictUseTheCheckpointsSetValues() throws IOException {
    Path out = temp.resolve("set-run");
    CliRun train = CliRun.of("train", nn.toString(), "--out", out.toString(), "--set", "hidden=3", "--epochs", "2");
    assertEquals(0, train.status(), train.err());
    Path checkpoint = out.resolve("last.safetensors");
    assertEquals("hidden=3", dev.adjoint.runtime.checkpoint.Checkpoint.metadata(checkpoint).get("adjoint.set"));
    CliRun eval = CliRun.of("eval", nn.toString(), "--checkpoint", checkpoint.toString());
    assertEquals(0, eval.status(), "without --set, the checkpoint's hidden=3 builds the model: " + eval.err());
    CliRun same = CliRun.of("eval", nn.toString(), "--checkpoint", checkpoint.toString(), "--set", "hidden = 3");
    assertEquals(0, same.status(), same.err());
    CliRun other = CliRun.of("eval", nn.toString(), "--checkpoint", checkpoint.toString(), "--set", "hidden=4");
    assertEquals(1, other.status(), other.err());
    assertTrue(other.err().contains("the checkpoint was trained with --set hidden=3, not --set hidden=4; leave out "
        + "--set to use the checkpoint's values"), other.err());
    Path input = write("rows.csv", "u,v\n0.5,-0.5\n");
    CliRun predict = CliRun.of("predict", nn.toString(), "--checkpoint", checkpoint.toString(), "--input",
        input.toString());
    assertEquals(0, predict.status(), predict.err());
    // a run without --set records none, and a --set on eval is then refused as well
    Path plain = trained();
    CliRun added = CliRun.of("eval", nn.toString(), "--checkpoint", plain.toString(), "--set", "hidden=3");
    assertEquals(1, added.status(), added.err());
    assertTrue(added.err().contains("trained with no --set, not --set hidden=3"), added.err());
  }

  @Test
  void aBadCellIsReportedWithItsLineAndColumn() throws IOException {
    Files.writeString(temp.resolve("points.csv"), "u,v,label\n0.1,0.2,left\n0.3,oops,right\n");
    CliRun r = CliRun.of("train", nn.toString(), "--out", temp.resolve("run").toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains("points.csv:3: column 'v': expected a number for x, got 'oops'"), r.err());
    assertNoTrace(r);
  }

  @Test
  void aWrongColumnNameIsReportedAtTheNnFile() throws IOException {
    Files.writeString(temp.resolve("points.csv"), "u,w,label\n0.1,0.2,left\n");
    CliRun r = CliRun.of("train", nn.toString(), "--out", temp.resolve("run").toString());
    assertEquals(1, r.status());
    // found while checking the train block, so it points at the column's name in the .nn file
    assertTrue(r.err().contains("quadrant.nn:10:41: error: no column \"v\" in \"points.csv\""), r.err());
    assertTrue(r.err().contains("the header has: u, w, label"), r.err());
    assertNoTrace(r);
  }

  @Test
  void anUnknownClassLabelNamesTheClasses() throws IOException {
    Files.writeString(temp.resolve("points.csv"), "u,v,label\n0.1,0.2,left\n0.3,0.1,up\n");
    CliRun r = CliRun.of("train", nn.toString(), "--out", temp.resolve("run").toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains("points.csv:3"), r.err());
    assertTrue(r.err().contains("'up'"), r.err());
    assertTrue(r.err().contains("left") && r.err().contains("right"), r.err());
    assertNoTrace(r);
  }

  @Test
  void aCheckpointOfAnotherModelOrShapeIsRefused() throws IOException {
    Path checkpoint = trained();
    Path other = write("other.nn", MODEL.replace("quadrant", "corner"));
    CliRun wrongModel = CliRun.of("eval", other.toString(), "--checkpoint", checkpoint.toString());
    assertEquals(1, wrongModel.status());
    assertTrue(wrongModel.err().contains("holds model 'quadrant', not 'corner'"), wrongModel.err());

    Files.writeString(nn, MODEL.replace("hidden = 6", "hidden = 5"));
    CliRun wrongShape = CliRun.of("predict", nn.toString(), "--checkpoint", checkpoint.toString(),
        "--input", temp.resolve("points.csv").toString());
    assertEquals(1, wrongShape.status());
    assertTrue(wrongShape.err().contains("the .nn file or its hyperparameters changed since"), wrongShape.err());
    assertNoTrace(wrongModel);
    assertNoTrace(wrongShape);
  }

  @Test
  void predictionInputsAreChecked() throws IOException {
    Path checkpoint = trained();
    CliRun missing = CliRun.of("predict", nn.toString(), "--checkpoint", checkpoint.toString(), "--input",
        temp.resolve("nothing.csv").toString());
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("nothing.csv: error: no such file"), missing.err());

    Path tooWide = write("wide.csv", "1,2,3\n");
    CliRun wide = CliRun.of("predict", nn.toString(), "--checkpoint", checkpoint.toString(), "--input", tooWide.toString());
    assertEquals(1, wide.status());
    assertTrue(wide.err().contains("takes 2 columns, but the file has 3"), wide.err());

    Path noCheckpoint = temp.resolve("absent.safetensors");
    CliRun absent = CliRun.of("eval", nn.toString(), "--checkpoint", noCheckpoint.toString());
    assertEquals(1, absent.status());
    assertTrue(absent.err().contains("no such checkpoint"), absent.err());
    assertNoTrace(missing);
    assertNoTrace(wide);
  }

  @Test
  void badFlagsGetUsage() {
    CliRun epochs = CliRun.of("train", nn.toString(), "--epochs", "-2");
    assertEquals(2, epochs.status());
    assertTrue(epochs.err().contains("--epochs must be at least 1, got -2"), epochs.err());

    // 0 is not "the train block's number": it is refused, and nothing is trained or written
    Path zeroRun = temp.resolve("zero");
    CliRun zero = CliRun.of("train", nn.toString(), "--epochs", "0", "--out", zeroRun.toString());
    assertEquals(2, zero.status());
    assertTrue(zero.err().contains("--epochs must be at least 1, got 0 (to measure a checkpoint without training, "
        + "use adjoint eval)"), zero.err());
    assertFalse(Files.exists(zeroRun));

    CliRun both = CliRun.of("train", nn.toString(), "--resume", "--overwrite");
    assertEquals(2, both.status());
    assertTrue(both.err().contains("--resume and --overwrite exclude each other"), both.err());

    CliRun notANumber = CliRun.of("train", nn.toString(), "--epochs", "many");
    assertEquals(2, notANumber.status());
    assertTrue(notANumber.err().contains("Usage:"), notANumber.err());

    CliRun noInput = CliRun.of("predict", nn.toString(), "--checkpoint", "c.safetensors");
    assertEquals(2, noInput.status());
    assertTrue(noInput.err().contains("--input"), noInput.err());

    CliRun split = CliRun.of("eval", nn.toString(), "--checkpoint", "c.safetensors", "--split", "dev");
    assertEquals(2, split.status());
    assertTrue(split.err().contains("train, val, test, all"), split.err());
  }

  @Test
  void aPreviousRunIsNotReplacedUnlessAsked() throws IOException {
    Path out = temp.resolve("run");
    CliRun first = CliRun.of("train", nn.toString(), "--out", out.toString(), "--epochs", "2");
    assertEquals(0, first.status(), first.err());
    byte[] checkpoint = Files.readAllBytes(out.resolve("last.safetensors"));
    Files.writeString(out.resolve("best.safetensors"), "stale");

    CliRun again = CliRun.of("train", nn.toString(), "--out", out.toString(), "--epochs", "2");
    assertEquals(1, again.status());
    assertEquals("error: " + out + ": holds a previous run (last.safetensors); pass --resume to continue it or "
        + "--overwrite to replace it", again.err().strip());
    assertArrayEquals(checkpoint, Files.readAllBytes(out.resolve("last.safetensors")), "the old run is untouched");
    assertEquals(2, Files.readAllLines(out.resolve("history.csv")).size() - 1);

    CliRun replaced = CliRun.of("train", nn.toString(), "--out", out.toString(), "--epochs", "1", "--overwrite");
    assertEquals(0, replaced.status(), replaced.err());
    assertEquals(1, Files.readAllLines(out.resolve("history.csv")).size() - 1, "a new history of 1 epoch");
    assertFalse(Files.exists(out.resolve("best.safetensors")), "the previous run's best checkpoint is gone");
  }

  @Test
  void resumingSaysWhatItDoes() throws IOException {
    Path out = temp.resolve("run");
    CliRun fresh = CliRun.of("train", nn.toString(), "--out", out.toString(), "--epochs", "2", "--resume");
    assertEquals(0, fresh.status(), fresh.err());
    assertTrue(fresh.out().startsWith("no checkpoint in " + out + " to resume from: starting a new run at epoch 1\n"),
        fresh.out());
    assertTrue(fresh.out().contains("epoch 1/2"), fresh.out());

    CliRun more = CliRun.of("train", nn.toString(), "--out", out.toString(), "--epochs", "3", "--resume");
    assertEquals(0, more.status(), more.err());
    assertTrue(more.out().contains("resuming at epoch 3 of 3"), more.out());
    assertFalse(more.out().contains("no checkpoint"), more.out());
    assertFalse(more.out().contains("epoch 2/3"), more.out());

    CliRun done = CliRun.of("train", nn.toString(), "--out", out.toString(), "--epochs", "2", "--resume");
    assertEquals(1, done.status());
    assertEquals("error: " + out + ": the run is complete: it already did 3 epochs (2 asked for); to train longer, "
        + "ask for more, e.g. --epochs 13", done.err().strip());
    assertFalse(done.out().contains("resuming"), done.out());
    assertEquals(3, Files.readAllLines(out.resolve("history.csv")).size() - 1);
  }

  @Test
  void aRunFolderThatIsAFileIsSaidToBeOne() throws IOException {
    Path file = write("taken", "not a folder");
    CliRun r = CliRun.of("train", nn.toString(), "--out", file.toString());
    assertEquals(1, r.status());
    assertEquals("error: " + file + ": cannot be the run folder: it is a file", r.err().strip());

    Path inside = file.resolve("run");
    CliRun under = CliRun.of("train", nn.toString(), "--out", inside.toString());
    assertEquals(1, under.status());
    assertEquals("error: " + inside + ": cannot be the run folder: " + file.toAbsolutePath() + " is a file",
        under.err().strip());
    assertEquals("not a folder", Files.readString(file));
  }

  @Test
  void predictionsToAFolderOrAMissingBestCheckpointAreExplained() throws IOException {
    Path checkpoint = trained();
    CliRun toFolder = CliRun.of("predict", nn.toString(), "--checkpoint", checkpoint.toString(), "--input",
        temp.resolve("points.csv").toString(), "-o", temp.toString());
    assertEquals(1, toFolder.status());
    assertEquals(temp + ": error: is a folder; -o takes the name of the file to write the predictions to",
        toFolder.err().strip());

    // the model trains without early stopping: there is no best checkpoint, and the message says why
    Path best = checkpoint.resolveSibling("best.safetensors");
    assertFalse(Files.exists(best));
    CliRun eval = CliRun.of("eval", nn.toString(), "--checkpoint", best.toString());
    assertEquals(1, eval.status());
    assertEquals(best + ": error: no such checkpoint; adjoint train writes best.safetensors only with "
        + "early_stopping in the train block: use last.safetensors", eval.err().strip());
    CliRun other = CliRun.of("eval", nn.toString(), "--checkpoint", temp.resolve("x.safetensors").toString());
    assertEquals(temp.resolve("x.safetensors") + ": error: no such checkpoint", other.err().strip());
  }

  private static void assertNoTrace(CliRun r) {
    assertFalse(r.err().contains("\tat "), r.err());
    assertFalse(r.err().contains("internal error"), r.err());
  }
}
