package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.predict.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code data train = SOURCE, val = SOURCE, test = SOURCE}: each set is exactly its own
 * file's rows, for training, for {@code eval} of each set, and for a text model.
 */
class GivenSetsCliTest {
  private static final String MODEL = """
      model side {
        input  x: f32[B, 2]
        target label: class[B] of ("left", "right")
        output p = softmax(dense(x, 2))
        loss = cross_entropy(p, label)
      }
      """;

  @TempDir
  Path temp;

  @BeforeEach
  void write() throws IOException {
    Files.writeString(temp.resolve("train.csv"), points(40, 1));
    Files.writeString(temp.resolve("val.csv"), points(7, 2));
    Files.writeString(temp.resolve("test.csv"), points(5, 3));
  }

  /** {@code rows} points, "right" when u > v. */
  private static String points(int rows, long seed) {
    StringBuilder csv = new StringBuilder("u,v,label\n");
    Random random = new Random(seed);
    for (int i = 0; i < rows; i++) {
      double u = random.nextDouble() * 2 - 1;
      double v = random.nextDouble() * 2 - 1;
      csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%s%n", u, v, u > v ? "right" : "left"));
    }
    return csv.toString();
  }

  private Path program(String name, String data) throws IOException {
    Path nn = temp.resolve(name);
    Files.writeString(nn, MODEL + "train side {\n  data " + data
        + "\n  optimizer adam(lr = 0.05); batch 8; epochs 3; seed 4\n  early_stopping(monitor = val_loss, patience = 5)\n}\n");
    return nn;
  }

  private static String csv(String file) {
    return "csv(\"" + file + "\", x = (\"u\", \"v\"), label = \"label\")";
  }

  @Test
  void eachSetIsItsFilesRows() throws Exception {
    Path given = program("given.nn", "train = " + csv("train.csv") + ", val = " + csv("val.csv") + ", test = "
        + csv("test.csv"));
    Path run = temp.resolve("run");
    CliRun train = CliRun.of("train", given.toString(), "--out", run.toString());
    assertEquals(0, train.status(), train.err());
    assertTrue(train.out().contains("on 40 samples (7 validation, 5 test)"), train.out());
    String checkpoint = run.resolve("last.safetensors").toString();
    // the checkpoint describes itself: the .nn file, the resolved settings, what a Predictor needs
    Map<String, String> metadata = Checkpoint.metadata(run.resolve("last.safetensors"));
    assertEquals(Files.readString(given), metadata.get("adjoint.source"));
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(given))),
        metadata.get("adjoint.source_sha256"));
    assertTrue(metadata.get("adjoint.train").contains("data val csv(path=\"val.csv\""), metadata.get("adjoint.train"));
    assertTrue(metadata.get("adjoint.train").contains("optimizer adam(lr=0.05"), metadata.get("adjoint.train"));
    assertEquals("left\nright", metadata.get(Predictor.CLASSES_KEY));
    assertEquals("x", metadata.get(Predictor.INPUTS_KEY));
    assertEquals("p", metadata.get(Predictor.CLASS_OUTPUT_KEY));
    for (String set : new String[] {"train", "val", "test"}) {
      Path file = temp.resolve(set + ".csv");
      CliRun eval = CliRun.of("eval", given.toString(), "--checkpoint", checkpoint, "--split", set);
      CliRun predict = CliRun.of("predict", given.toString(), "--checkpoint", checkpoint, "--input", file.toString());
      assertEquals(0, eval.status(), eval.err());
      assertEquals(0, predict.status(), predict.err());
      // the loss eval reports on the set is the mean loss of the file's rows, predicted one by one
      List<String> rows = Files.readAllLines(file).subList(1, Files.readAllLines(file).size());
      List<String> predicted = predict.out().lines().skip(1).toList();
      assertEquals(rows.size(), predicted.size());
      double loss = 0;
      int right = 0;
      for (int i = 0; i < rows.size(); i++) {
        boolean isRight = rows.get(i).endsWith(",right");
        right += isRight ? 1 : 0;
        loss -= Math.log(Double.parseDouble(predicted.get(i).split(",")[isRight ? 1 : 0]));
      }
      Matcher reported = Pattern.compile("loss\\s+([0-9.]+)").matcher(eval.out());
      assertTrue(reported.find(), eval.out());
      assertEquals(loss / rows.size(), Double.parseDouble(reported.group(1)), 6e-5, set + ": " + eval.out());
      // the run folder's confusion matrix of the set counts the file's rows
      List<String> confusion = Files.readAllLines(run.resolve("confusion-" + set + ".csv"));
      assertEquals("target,left,right", confusion.get(0));
      long[] counted = confusion.subList(1, 3).stream()
          .mapToLong(l -> Long.parseLong(l.split(",")[1]) + Long.parseLong(l.split(",")[2])).toArray();
      assertEquals(rows.size() - right, counted[0], set + ": " + confusion);
      assertEquals(right, counted[1], set + ": " + confusion);
      Matcher support = Pattern.compile("(?m)^right\\s+\\S+\\s+\\S+\\s+\\S+\\s+(\\d+)$").matcher(eval.out());
      assertTrue(support.find(), eval.out());
      assertEquals(right, Integer.parseInt(support.group(1)), set + ": " + eval.out());
    }
  }

  @Test
  void aTextModelsSetsShareTheTrainingTextsIds() throws IOException {
    Files.writeString(temp.resolve("train.txt"), "abcabcabcabcabcabcabcabcabcabcabc");
    Files.writeString(temp.resolve("val.txt"), "cbacbacbacba");
    Files.writeString(temp.resolve("bad.txt"), "abcabcabxabc");
    String model = """
        model lm {
          input  ids: i32[B, 4]
          target next: class[B, 4] of 3
          output p = softmax(dense(embedding(ids, 3, 4), 3))
          loss = cross_entropy(p, next)
        }
        train lm {
          data train = text("train.txt"), val = text("%s")
          optimizer adam(lr = 0.05); batch 4; epochs 2; seed 1
        }
        """;
    Path good = temp.resolve("lm.nn");
    Files.writeString(good, model.formatted("val.txt"));
    CliRun train = CliRun.of("train", good.toString(), "--out", temp.resolve("lm-run").toString());
    assertEquals(0, train.status(), train.err());
    assertTrue(train.out().contains("on 8 samples (2 validation, 0 test)"), train.out());
    Path bad = temp.resolve("bad.nn");
    Files.writeString(bad, model.formatted("bad.txt"));
    CliRun refused = CliRun.of("train", bad.toString(), "--out", temp.resolve("bad-run").toString());
    assertEquals(1, refused.status(), refused.err());
    assertTrue(refused.err().contains("bad.txt: character"), refused.err());
    assertTrue(refused.err().contains("not in the vocabulary of the training text"), refused.err());
  }
}
