package dev.adjoint.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.runtime.features.TextFeatures;
import dev.adjoint.runtime.features.TextFeaturizer;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bags of a text data set stored ragged: memory grows with the ids present, not with the
 * longest row, and a batch copied into a model is the padded batch, whatever ran before it.
 */
class RaggedTextDataTest {
  private static final int WIDTH = 400;
  private static final TextFeatures FEATURES = TextFeatures.ngrams("g", "w", TextFeatures.Weighting.FREQUENCY,
      List.of(1, 2, 3), List.of(521, 1031, 1031), true, TextFeatures.Normalization.NONE);
  private static final Map<String, TensorSpec> SPECS = Map.of("g", new TensorSpec("g", DType.I32, -1, WIDTH),
      "w", new TensorSpec("w", DType.F32, -1, WIDTH), "y", new TensorSpec("y", DType.I32, -1));

  private static Dataset load(List<String> texts) {
    int[] lines = new int[texts.size()];
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      lines[i] = i + 1;
      labels.add(Integer.toString(i % 2));
    }
    return TextData.load(new TextTable.Rows(Path.of("t.tsv"), texts, labels, lines), FEATURES, SPECS, "y", List.of(),
        2);
  }

  private static String longText() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 120; i++) {
      s.append((char) ('a' + i * 7 % 26)).append((char) ('a' + i * 11 % 26));
    }
    return s.toString();
  }

  @Test
  void memoryGrowsWithTheIdsPresentNotWithTheLongestRow() {
    List<String> shortTexts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      shortTexts.add("ab");
    }
    Dataset shortOnly = load(shortTexts);
    assertEquals(200 * 3, shortOnly.stored("g"), "a, b and ab: 3 ids a row");
    List<String> withLong = new ArrayList<>(shortTexts);
    withLong.add(longText());
    Dataset both = load(withLong);
    int longIds = new TextFeaturizer(FEATURES).distinct(longText());
    assertEquals(200 * 3 + longIds, both.stored("g"));
    assertEquals(200 * 3 + longIds, both.stored("w"));
    assertEquals(201, both.stored("y"));
    // padded to the longest row, the bags would hold 201 * 400 ids
    assertEquals(201L * WIDTH, both.i32("g").length);
  }

  @Test
  void aRaggedBatchIsThePaddedBatchWhateverRowsTheBuffersHeldBefore() {
    List<String> texts = List.of(longText(), "ab", "Żółć", "", "banana split", longText().substring(40));
    Dataset ragged = load(texts);
    Dataset padded = Dataset.builder(texts.size()).add(SPECS.get("g"), ragged.i32("g"))
        .add(SPECS.get("w"), ragged.f32("w")).add(SPECS.get("y"), ragged.i32("y")).build();
    assertEquals(texts.size() * (long) WIDTH, padded.stored("g"));
    FakeModel a = new FakeModel(2, SPECS.get("g"), SPECS.get("w"), SPECS.get("y"));
    FakeModel b = new FakeModel(2, SPECS.get("g"), SPECS.get("w"), SPECS.get("y"));
    int[] order = {0, 5, 1, 3, 2, 4, 3, 1};
    for (int from = 0; from < order.length; from += 2) {
      Batches.fill(ragged, order, from, 2, a);
      Batches.fill(padded, order, from, 2, b);
      assertArrayEquals(b.input("g").i32(), a.input("g").i32(), "ids after batch at " + from);
      assertArrayEquals(b.input("w").f32(), a.input("w").f32(), "weights after batch at " + from);
      assertArrayEquals(b.input("y").i32(), a.input("y").i32());
    }
    Dataset chosen = ragged.select(new int[] {3, 0, 0});
    assertEquals(2L * new TextFeaturizer(FEATURES).distinct(longText()), chosen.stored("g"));
    assertEquals(ragged.get("w", 0, 3), chosen.get("w", 1, 3));
    assertEquals(-1, chosen.get("g", 0, 0));
    int[] dense = chosen.i32("g");
    assertArrayEquals(Arrays.copyOfRange(ragged.i32("g"), 0, WIDTH), Arrays.copyOfRange(dense, WIDTH, 2 * WIDTH));
  }

  @Test
  void raggedOffsetsAreChecked() {
    TensorSpec g = new TensorSpec("g", DType.I32, -1, 2);
    assertThrows(IllegalArgumentException.class,
        () -> Dataset.builder(2).addRagged(g, new int[] {1, 2, 3}, new int[] {0, 3, 3}, -1).build());
    assertThrows(IllegalArgumentException.class,
        () -> Dataset.builder(2).addRagged(g, new int[] {1, 2}, new int[] {0, 1}, -1).build());
    assertThrows(IllegalArgumentException.class,
        () -> Dataset.builder(2).addRagged(g, new int[] {1, 2}, new int[] {0, 2, 1}, -1).build());
    Dataset ok = Dataset.builder(2).addRagged(g, new int[] {7, 8, 9}, new int[] {0, 1, 3}, -1).build();
    assertArrayEquals(new int[] {7, -1, 8, 9}, ok.i32("g"));
    assertEquals(3, ok.stored("g"));
  }
}
