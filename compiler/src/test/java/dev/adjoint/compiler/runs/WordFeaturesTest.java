package dev.adjoint.compiler.runs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.data.Dataset;
import dev.adjoint.data.Splits;
import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.features.TextFeatures;
import dev.adjoint.runtime.features.TextFeaturizer;
import dev.adjoint.runtime.predict.Predictor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code features words(...)}: the vocabulary built from the training texts alone (a given
 * train file, or the rows a split trains on), recorded in the checkpoint, and a sentence
 * featurized by the checkpoint's features exactly as training featurized it.
 */
class WordFeaturesTest {
  private static final String MODEL = """
      model wm {
        input  w: i32[B, 6]
        input  n: i32[B]
        target y: class[B] of ("calm", "storm")
        e = embedding_bag(w, 6, 4, mode = sum) / reshape(f32(n) + 1, (B, 1))
        output p = softmax(dense(e, 2))
        loss = cross_entropy(p, y)
      }
      train wm {
        data      DATA
        features  words(w, vocabulary = 5, lengths = n)
        optimizer adam(lr = 0.05); batch 4; epochs 2; seed 9
      }
      """;

  @TempDir
  Path temp;

  private ModelUnit unit(String data) throws IOException {
    Path nn = temp.resolve("wm.nn");
    Files.writeString(nn, MODEL.replace("DATA", data));
    return Adjoint.check(nn, null, List.of());
  }

  @Test
  void theVocabularyComesFromTheTrainFileAndTheCheckpointFeaturizesAsTrainingDid() throws IOException {
    Files.writeString(temp.resolve("train.tsv"), """
        y\tsentence
        calm\tThe sea is calm, the sky is blue.
        storm\tThe wind! The wind and the rain.
        calm\tA calm sea
        storm\tRain, rain, wind
        """);
    Files.writeString(temp.resolve("val.tsv"), "y\tsentence\ncalm\tzebra sea the\n");
    ModelUnit unit = unit("train = texts(\"train.tsv\", text = \"sentence\", y = \"y\"), "
        + "val = texts(\"val.tsv\", text = \"sentence\", y = \"y\")");
    new TrainingRun(unit, temp.resolve("run"), new PrintWriter(new StringWriter())).run(0, false);
    Map<String, String> metadata = Checkpoint.metadata(temp.resolve("run/last.safetensors"));
    // the 5, rain 3, wind 3, calm 2, is 2, sea 2, ...: ties by code point, zebra (val only) out
    assertEquals("the\nrain\nwind\ncalm\nis", metadata.get(TextFeatures.VOCABULARY_KEY));
    assertEquals("words ids=w lengths=n vocabulary=5 lowercase=true normalize=none",
        metadata.get(TextFeatures.METADATA_KEY));

    Splits sets = DataSources.splits(unit.train(), unit.graph());
    assertArrayEquals(new int[] {1, 0, 5, 4, 1, 0, 1, 3, 1, 3, 0, 1, 0, 4, 0, -1, -1, -1, 2, 2, 3, -1, -1, -1},
        sets.train().i32("w"), "the first 6 words of each training text; 0 out of the vocabulary");
    assertArrayEquals(new int[] {0, 0, 1, -1, -1, -1}, sets.val().i32("w"));
    assertArrayEquals(new int[] {6, 6, 3, 3}, sets.train().i32("n"));
    TextFeaturizer recorded = new TextFeaturizer(TextFeatures.fromMetadata(metadata));
    int[] row = new int[6];
    for (int r = 0; r < 4; r++) {
      recorded.featurize(List.of("The sea is calm, the sky is blue.", "The wind! The wind and the rain.",
          "A calm sea", "Rain, rain, wind").get(r), row, null, 0, 6);
      assertArrayEquals(java.util.Arrays.copyOfRange(sets.train().i32("w"), 6 * r, 6 * r + 6), row, "text " + r);
    }

    ModelFactory factory = Adjoint.compile(temp.resolve("wm.nn"));
    Predictor predictor = Predictor.load(factory::newModel, temp.resolve("run/last.safetensors"));
    StringBuilder predicted = new StringBuilder();
    Prediction.load(unit, temp.resolve("run/last.safetensors")).writeTexts(List.of("rain and wind", "calm sea"),
        predicted);
    List<String> classes = predicted.toString().lines().skip(1).map(l -> l.substring(l.lastIndexOf(',') + 1))
        .toList();
    assertEquals(classes, predictor.predictClasses(List.of("rain and wind", "calm sea")));
  }

  @Test
  void aSplitSourceBuildsItsVocabularyFromTheRowsItTrainsOn() throws IOException {
    StringBuilder tsv = new StringBuilder("y\tsentence\n");
    for (int i = 0; i < 20; i++) {
      tsv.append(i % 2 == 0 ? "calm" : "storm").append("\tsea word").append((char) ('a' + i)).append('\n');
    }
    Files.writeString(temp.resolve("all.tsv"), tsv);
    ModelUnit unit = unit("texts(\"all.tsv\", text = \"sentence\", y = \"y\"), split(train = 0.2, val = 0.8)");
    TrainedVocabulary words = TrainedVocabulary.fresh();
    Splits sets = DataSources.splits(unit.train(), unit.graph(), TargetClasses.of(unit.graph()), words);
    List<String> vocabulary = List.of(words.metadata().get(TextFeatures.VOCABULARY_KEY).split("\n"));
    assertEquals(5, vocabulary.size(), "sea and the 4 training rows' own words: " + vocabulary);
    assertEquals("sea", vocabulary.get(0));
    List<Integer> trainIds = new ArrayList<>();
    for (int r = 0; r < sets.train().size(); r++) {
      assertEquals(1, (int) sets.train().get("w", r, 0));
      trainIds.add((int) sets.train().get("w", r, 1));
    }
    assertEquals(List.of(2, 3, 4, 5), trainIds.stream().sorted().toList(), "every training row's word is known");
    Dataset val = sets.val();
    for (int r = 0; r < val.size(); r++) {
      assertEquals(0, (int) val.get("w", r, 1), "a word only the validation rows hold is out of the vocabulary");
    }
    assertTrue(val.size() == 16);
  }
}
