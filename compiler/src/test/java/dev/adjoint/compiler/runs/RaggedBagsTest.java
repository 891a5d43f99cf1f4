package dev.adjoint.compiler.runs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.data.Batches;
import dev.adjoint.data.Dataset;
import dev.adjoint.data.TextData;
import dev.adjoint.data.TextTable;
import dev.adjoint.runtime.features.TextFeatures;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A text data set's ragged bags, the same bags padded to the input's width, and the same bags
 * in a model declared only as wide as the longest bag train a compiled weighted embedding bag
 * alike: the same loss at every step and the same gradients, bit for bit, since the compiled
 * bag (BAG_SUM and BAG_SUM_GRAD) does its work at the ids present and skips the padding.
 */
class RaggedBagsTest {
  private static final String MODEL = """
      model lid {
        input  grams: i32[B, 64]
        input  freq: f32[B, 64]
        target lang: class[B] of ("a", "b")
        e = embedding_bag(grams, 60, 6, weights = freq)
        output p = softmax(dense(e, 2))
        loss = cross_entropy(p, lang)
      }
      train lid {
        data      texts("unread.tsv", text = "sentence", lang = "lang")
        features  ngrams(grams, frequencies = freq, orders = (1, 2, 3), buckets = (13, 23, 24))
        optimizer adam(lr = 0.05)
      }
      """;

  @Test
  void raggedAndPaddedBagsGiveTheSameLossesAndGradients() {
    List<String> texts = List.of("abba abab", "xyzzy", "a", "", "the quick brown fox jumps", "ba", "zz top",
        "ababababa bababa");
    int[] lines = new int[texts.size()];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = i + 1;
    }
    List<String> labels = texts.stream().map(t -> t.contains("a") ? "a" : "b").toList();
    TextFeatures features = TextFeatures.ngrams("grams", "freq", TextFeatures.Weighting.FREQUENCY, List.of(1, 2, 3),
        List.of(13, 23, 24), true, TextFeatures.Normalization.NONE);
    Map<String, TensorSpec> specs = Map.of("grams", new TensorSpec("grams", DType.I32, -1, 64),
        "freq", new TensorSpec("freq", DType.F32, -1, 64), "lang", new TensorSpec("lang", DType.I32, -1));
    Dataset ragged = TextData.load(new TextTable.Rows(Path.of("t.tsv"), texts, labels, lines), features, specs,
        "lang", List.of("a", "b"), 2);
    Dataset padded = Dataset.builder(texts.size()).add(specs.get("grams"), ragged.i32("grams"))
        .add(specs.get("freq"), ragged.f32("freq")).add(specs.get("lang"), ragged.i32("lang")).build();
    assertTrue(ragged.stored("grams") < padded.stored("grams") / 2, ragged.stored("grams") + " ids stored");

    int longest = longestRow(ragged.i32("grams"), 64);
    assertTrue(longest < 64, "the longest bag has " + longest + " ids");
    Dataset limited = limited(padded, specs, longest);

    ModelFactory factory = Adjoint.compile("lid", MODEL);
    CompiledModel a = factory.newModel(3);
    CompiledModel b = factory.newModel(3);
    CompiledModel c = Adjoint.compile("lid", MODEL.replace("64]", longest + "]")).newModel(3);
    a.initialize(5);
    b.initialize(5);
    c.initialize(5);
    int[] order = {4, 0, 7, 3, 1, 2, 6, 5, 4, 7, 3, 0};
    for (int from = 0; from < order.length; from += 3) {
      Batches.fill(ragged, order, from, 3, a);
      Batches.fill(padded, order, from, 3, b);
      Batches.fill(limited, order, from, 3, c);
      double loss = b.trainStep(3);
      assertEquals(loss, a.trainStep(3), "the loss of the step at " + from);
      assertEquals(loss, c.trainStep(3), "the length-limited model's loss of the step at " + from);
      int step = from;
      b.gradients().forEach((name, g) -> {
        assertArrayEquals(g.f32(), a.gradients().get(name).f32(), "the gradient of " + name + " at " + step);
        assertArrayEquals(g.f32(), c.gradients().get(name).f32(), "the length-limited gradient of " + name);
      });
    }
    b.params().forEach((name, w) -> assertArrayEquals(w.f32(), a.params().get(name).f32(), name));
    b.params().forEach((name, w) -> assertArrayEquals(w.f32(), c.params().get(name).f32(), name));
  }

  /** The most ids (non-negative) in one row of {@code width}. */
  private static int longestRow(int[] ids, int width) {
    int longest = 0;
    for (int r = 0; r < ids.length / width; r++) {
      int n = 0;
      for (int j = 0; j < width; j++) {
        n += ids[r * width + j] >= 0 ? 1 : 0;
      }
      longest = Math.max(longest, n);
    }
    return longest;
  }

  /** The padded data set's bags cut to their first {@code width} places (all their ids). */
  private static Dataset limited(Dataset padded, Map<String, TensorSpec> specs, int width) {
    int rows = padded.size();
    int[] ids = new int[rows * width];
    float[] freq = new float[rows * width];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(padded.i32("grams"), r * 64, ids, r * width, width);
      System.arraycopy(padded.f32("freq"), r * 64, freq, r * width, width);
    }
    return Dataset.builder(rows).add(new TensorSpec("grams", DType.I32, -1, width), ids)
        .add(new TensorSpec("freq", DType.F32, -1, width), freq).add(specs.get("lang"), padded.i32("lang")).build();
  }
}
