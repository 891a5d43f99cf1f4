package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.predict.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A text model whose target declares a count only ({@code class[B] of 3}): the class names are
 * collected from the given training file's labels, sorted, recorded in the checkpoint, and
 * name the classes of a resumed run, {@code eval}'s report and confusion matrix, {@code
 * predict --text} and an embedded {@link Predictor}; a validation class unseen in training and
 * a count that differs from the collected names' are errors that say how to fix them.
 */
class CollectedClassesCliTest {
  private static final String MODEL = """
      model lid {
        input  grams: i32[B, 24]
        input  freq: f32[B, 24]
        target lang: class[B] of COUNT
        e = embedding_bag(grams, 30, 8, weights = freq)
        output p = softmax(dense(e, COUNT))
        loss = cross_entropy(p, lang)
      }
      train lid {
        data      train = texts("train.tsv", text = "sentence", lang = "lang"),
                  val = texts("val.tsv", text = "sentence", lang = "lang"),
                  test = texts("test.tsv", text = "sentence", lang = "lang")
        features  ngrams(grams, frequencies = freq, orders = (1, 2), buckets = (13, 17))
        optimizer adam(lr = 0.05); batch 8; epochs 12; seed 3
        metrics   accuracy
      }
      """;

  /** Each class's letters, in the order the training file first shows the classes (not sorted). */
  private static final List<String> FIRST_SEEN = List.of("xy", "ab", "mn");

  @TempDir
  Path temp;

  private final List<String> testTexts = new ArrayList<>();
  private final List<String> testLabels = new ArrayList<>();
  private final Random random = new Random(11);

  @BeforeEach
  void write() throws IOException {
    Files.writeString(temp.resolve("train.tsv"), table(45, 3));
    Files.writeString(temp.resolve("val.tsv"), table(6, 3));
    StringBuilder test = new StringBuilder("id\tlang\tsentence\n");
    for (int i = 0; i < 6; i++) {
      String label = FIRST_SEEN.get((i + 1) % 3);
      String text = sentence(label);
      testTexts.add(text);
      testLabels.add(label);
      test.append(i).append('\t').append(label).append('\t').append(text).append('\n');
    }
    Files.writeString(temp.resolve("test.tsv"), test);
    writeModel(3);
  }

  private void writeModel(int count) throws IOException {
    Files.writeString(temp.resolve("lid.nn"), MODEL.replace("COUNT", Integer.toString(count)));
  }

  /** A TSV of {@code rows} sentences, row i of the class {@code FIRST_SEEN[i % classes]}. */
  private String table(int rows, int classes) {
    StringBuilder tsv = new StringBuilder("id\tlang\tsentence\n");
    for (int i = 0; i < rows; i++) {
      String label = FIRST_SEEN.get(i % classes);
      tsv.append(i).append('\t').append(label).append('\t').append(sentence(label)).append('\n');
    }
    return tsv.toString();
  }

  /** Words of the class's two letters and an o. */
  private String sentence(String label) {
    return TextModelCliTest.sentence(random, label + "o");
  }

  @Test
  void collectedNamesAreRecordedAndNameTheClassesEverywhere() throws Exception {
    Path nn = temp.resolve("lid.nn");
    Path run = temp.resolve("run");
    CliRun train = CliRun.of("train", nn.toString(), "--out", run.toString(), "--epochs", "6");
    assertEquals(0, train.status(), train.err());
    Path checkpoint = run.resolve("last.safetensors");
    assertEquals("ab\nmn\nxy", Checkpoint.metadata(checkpoint).get(Predictor.CLASSES_KEY), "sorted, not first-seen");
    assertTrue(Files.readString(run.resolve("confusion-test.csv")).startsWith("target,ab,mn,xy\nab,"));

    // a resumed run reads its labels by the checkpoint's names, not by the (now smaller) file's
    Files.writeString(temp.resolve("train.tsv"), table(20, 2));
    CliRun resumed = CliRun.of("train", nn.toString(), "--out", run.toString(), "--resume");
    assertEquals(0, resumed.status(), resumed.err());
    assertEquals("ab\nmn\nxy", Checkpoint.metadata(checkpoint).get(Predictor.CLASSES_KEY));

    CliRun eval = CliRun.of("eval", nn.toString(), "--checkpoint", checkpoint.toString(), "--split", "test");
    assertEquals(0, eval.status(), eval.err());
    assertTrue(eval.out().contains("\nmn   "), eval.out());
    assertTrue(eval.out().contains("columns: predicted):\n" + " ".repeat(9) + "       ab       mn       xy\n"),
        eval.out());

    List<String> args = new ArrayList<>(List.of("predict", nn.toString(), "--checkpoint", checkpoint.toString()));
    testTexts.forEach(t -> args.addAll(List.of("--text", t)));
    CliRun byText = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, byText.status(), byText.err());
    List<String> lines = byText.out().lines().toList();
    assertEquals("text,p[ab],p[mn],p[xy],p.class", lines.get(0));
    List<String> textClasses = lines.stream().skip(1).map(l -> l.substring(l.lastIndexOf(',') + 1)).toList();
    assertEquals(testLabels, textClasses, "the letters tell the classes apart");

    ModelFactory factory = Adjoint.compile(nn);
    Predictor predictor = Predictor.load(factory::newModel, checkpoint, 4);
    assertEquals(List.of("ab", "mn", "xy"), predictor.classNames());
    assertEquals(textClasses, predictor.predictClasses(testTexts));
  }

  @Test
  void aValidationClassUnseenInTrainingIsAnErrorSayingHowToFixIt() throws IOException {
    Files.writeString(temp.resolve("val.tsv"), "id\tlang\tsentence\n0\tab\taba\n1\tqq\tqoq\n");
    CliRun train = CliRun.of("train", temp.resolve("lid.nn").toString(), "--out", temp.resolve("r").toString());
    assertEquals(1, train.status(), train.err());
    assertEquals("error: " + temp.resolve("val.tsv") + ":3: label \"qq\" is not among the 3 classes collected from "
        + "the training set " + temp.resolve("train.tsv") + " (ab, mn, xy); a class the training set lacks cannot "
        + "be learnt: declare the classes of target lang by name in the .nn file (" + temp.resolve("lid.nn")
        + ":4:3), e.g. class[B] of (\"ab\", \"mn\", \"qq\", \"xy\")", train.err().strip());
  }

  @Test
  void aCountOtherThanTheCollectedNamesIsAnError() throws IOException {
    writeModel(4);
    CliRun train = CliRun.of("train", temp.resolve("lid.nn").toString(), "--out", temp.resolve("r").toString());
    assertEquals(1, train.status(), train.err());
    assertEquals("error: " + temp.resolve("train.tsv") + ": the labels of the training set name 3 classes (ab, mn, "
        + "xy), but target lang declares 4 (" + temp.resolve("lid.nn") + ":4:3), as many as the model's output "
        + "scores: declare class[B] of 3 and an output of 3 classes, or name the classes in the .nn file",
        train.err().strip());
  }
}
