package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.features.TextFeatures;
import dev.adjoint.runtime.predict.Predictor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A text model end to end: given sets in three formats (TSV, JSON lines, CSV), each exactly
 * its file's rows; the checkpoint records the features; {@code predict --text}, a text file
 * and an embedded {@link Predictor} name the same classes, and {@code eval}'s accuracy is theirs.
 */
class TextModelCliTest {
  private static final String MODEL = """
      model lid {
        input  grams: i32[B, 24]
        input  freq: f32[B, 24]
        target lang: class[B] of ("ab", "xy")
        e = embedding_bag(grams, 30, 8, weights = freq)
        output p = softmax(dense(e, 2))
        loss = cross_entropy(p, lang)
      }
      train lid {
        data      train = texts("train.tsv", text = "sentence", lang = "lang"),
                  val = texts("val.jsonl", text = "s", lang = "l"),
                  test = texts("test.csv", text = "sentence", lang = "lang")
        features  ngrams(grams, frequencies = freq, orders = (1, 2), buckets = (13, 17))
        optimizer adam(lr = 0.05); batch 8; epochs 12; seed 3
        metrics   accuracy
      }
      """;

  @TempDir
  Path temp;

  private final List<String> testTexts = new ArrayList<>();
  private final List<String> testLabels = new ArrayList<>();

  @BeforeEach
  void write() throws IOException {
    Random random = new Random(7);
    StringBuilder tsv = new StringBuilder("id\tlang\tsentence\n");
    for (int i = 0; i < 40; i++) {
      boolean ab = i % 2 == 0;
      tsv.append(i).append('\t').append(ab ? "ab" : "xy").append('\t').append(sentence(random, ab)).append('\n');
    }
    Files.writeString(temp.resolve("train.tsv"), tsv);
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      boolean ab = i % 3 == 0;
      jsonl.append("{\"l\": \"").append(ab ? "ab" : "xy").append("\", \"n\": ").append(i).append(", \"s\": \"")
          .append(sentence(random, ab)).append("\"}\n");
    }
    Files.writeString(temp.resolve("val.jsonl"), jsonl);
    StringBuilder csv = new StringBuilder("sentence,lang\n");
    for (int i = 0; i < 5; i++) {
      boolean ab = i != 1;
      String text = sentence(random, ab) + (i == 2 ? ", Ça" : "");
      testTexts.add(text);
      testLabels.add(ab ? "ab" : "xy");
      csv.append('"').append(text).append("\",").append(ab ? "ab" : "xy").append('\n');
    }
    Files.writeString(temp.resolve("test.csv"), csv);
    Files.writeString(temp.resolve("lid.nn"), MODEL);
  }

  /** Words of the letters a, b (with an o) or x, y (with an o). */
  private static String sentence(Random random, boolean ab) {
    return sentence(random, ab ? "abo" : "xyo");
  }

  /** Three to five words of two to five of {@code letters}. */
  static String sentence(Random random, String letters) {
    StringBuilder s = new StringBuilder();
    for (int w = 0; w < 3 + random.nextInt(3); w++) {
      s.append(w == 0 ? "" : " ");
      for (int c = 0; c < 2 + random.nextInt(4); c++) {
        s.append(letters.charAt(random.nextInt(3)));
      }
    }
    return s.toString();
  }

  @Test
  void setsInThreeFormatsTrainAndEveryWayOfPredictingAgrees() throws Exception {
    Path nn = temp.resolve("lid.nn");
    Path run = temp.resolve("run");
    CliRun train = CliRun.of("train", nn.toString(), "--out", run.toString());
    assertEquals(0, train.status(), train.err());
    assertTrue(train.out().contains("on 40 samples (6 validation, 5 test)"), train.out());
    Path checkpoint = run.resolve("last.safetensors");
    assertEquals("ngrams ids=grams weights=freq weighting=frequency orders=1,2 buckets=13,17 lowercase=true "
        + "normalize=none", Checkpoint.metadata(checkpoint).get(TextFeatures.METADATA_KEY));

    List<String> args = new ArrayList<>(List.of("predict", nn.toString(), "--checkpoint", checkpoint.toString()));
    testTexts.forEach(t -> args.addAll(List.of("--text", t)));
    CliRun byText = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, byText.status(), byText.err());
    List<String> lines = byText.out().lines().toList();
    assertEquals("text,p[ab],p[xy],p.class", lines.get(0));
    List<String> textClasses = lines.stream().skip(1).map(l -> l.substring(l.lastIndexOf(',') + 1)).toList();

    CliRun byFile = CliRun.of("predict", nn.toString(), "--checkpoint", checkpoint.toString(), "--input",
        temp.resolve("test.csv").toString());
    assertEquals(0, byFile.status(), byFile.err());
    List<String> fileClasses = byFile.out().lines().skip(1).map(l -> l.substring(l.lastIndexOf(',') + 1)).toList();
    assertEquals(textClasses, fileClasses);
    CliRun kept = CliRun.of("predict", nn.toString(), "--checkpoint", checkpoint.toString(), "--input",
        temp.resolve("test.csv").toString(), "--keep", "lang,sentence");
    assertEquals(0, kept.status(), kept.err());
    List<String> keptLines = kept.out().lines().toList();
    assertEquals("lang,sentence,p[ab],p[xy],p.class", keptLines.get(0));
    for (int i = 0; i < testLabels.size(); i++) {
      String line = keptLines.get(i + 1);
      assertTrue(line.startsWith(testLabels.get(i) + ","), line);
      assertTrue(line.contains(testTexts.get(i).contains(",") ? "\"" + testTexts.get(i) + "\"" : testTexts.get(i)), line);
      assertTrue(line.endsWith("," + textClasses.get(i)), line);
    }
    CliRun missing = CliRun.of("predict", nn.toString(), "--checkpoint", checkpoint.toString(), "--input",
        temp.resolve("test.csv").toString(), "--keep", "nope");
    assertEquals(1, missing.status(), missing.out());
    assertTrue(missing.err().contains("test.csv") && missing.err().contains("nope"), missing.err());

    ModelFactory factory = Adjoint.compile(nn);
    Predictor predictor = Predictor.load(factory::newModel, checkpoint, 2);
    assertTrue(predictor.readsText());
    assertEquals(textClasses, predictor.predictClasses(testTexts), "batched, in chunks of 2");
    List<String> one = new ArrayList<>();
    for (String t : testTexts) {
      one.add(predictor.predictClass(t));
    }
    assertEquals(textClasses, one);

    CliRun eval = CliRun.of("eval", nn.toString(), "--checkpoint", checkpoint.toString(), "--split", "test");
    assertEquals(0, eval.status(), eval.err());
    int right = 0;
    for (int i = 0; i < testLabels.size(); i++) {
      right += testLabels.get(i).equals(textClasses.get(i)) ? 1 : 0;
    }
    Matcher accuracy = Pattern.compile("accuracy\\s+([0-9.]+)").matcher(eval.out());
    assertTrue(accuracy.find(), eval.out());
    assertEquals(right / 5.0, Double.parseDouble(accuracy.group(1)), 1e-4, eval.out());
    assertTrue(right >= 4, "the letters tell the classes apart: " + textClasses);
  }

  @Test
  void aBadByteOrLabelIsReportedWithItsFileAndLine() throws IOException {
    Path nn = temp.resolve("lid.nn");
    byte[] bad = "id\tlang\tsentence\n0\tab\taba\n1\txy\tx\u00ffy\n".getBytes(StandardCharsets.ISO_8859_1);
    Files.write(temp.resolve("train.tsv"), bad);
    CliRun notUtf8 = CliRun.of("train", nn.toString(), "--out", temp.resolve("r1").toString());
    assertEquals(1, notUtf8.status(), notUtf8.err());
    assertTrue(notUtf8.err().contains("train.tsv:3: the file is not UTF-8 text"), notUtf8.err());

    Files.writeString(temp.resolve("train.tsv"), "id\tlang\tsentence\n0\tab\taba\n1\txz\txyx\n");
    CliRun label = CliRun.of("train", nn.toString(), "--out", temp.resolve("r2").toString());
    assertEquals(1, label.status(), label.err());
    assertTrue(label.err().contains("train.tsv:3: label \"xz\" is not a class: did you mean \"xy\"?"), label.err());

    Files.writeString(temp.resolve("val.jsonl"), "{\"l\": \"ab\", \"s\": \"ab\"}\n{\"l\": \"ab\" \"s\": 1}\n");
    Files.writeString(temp.resolve("train.tsv"), "id\tlang\tsentence\n0\tab\taba\n");
    CliRun json = CliRun.of("train", nn.toString(), "--out", temp.resolve("r3").toString());
    assertEquals(1, json.status(), json.err());
    assertTrue(json.err().contains("val.jsonl:2: not a JSON object: '}' expected at character 12"), json.err());
  }

  @Test
  void predictNeedsOneKindOfInput() throws IOException {
    Path nn = temp.resolve("lid.nn");
    CliRun both = CliRun.of("predict", nn.toString(), "--checkpoint", temp.resolve("none").toString(), "--text", "a",
        "--input", temp.resolve("test.csv").toString());
    assertEquals(2, both.status());
    assertTrue(both.err().contains("(not both)"), both.err());
    CliRun neither = CliRun.of("predict", nn.toString(), "--checkpoint", temp.resolve("none").toString());
    assertEquals(2, neither.status());
    assertTrue(neither.err().contains("--input FILE, or --text"), neither.err());
  }
}
