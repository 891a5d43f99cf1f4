package dev.adjoint.compiler.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.data.DataException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A language model trained on a text source generates text: the same seed gives the same
 * text, the prompt comes first, generated characters come from the training text, and a
 * prompt character outside the vocabulary is refused with a message naming it.
 */
class TextSamplingTest {
  private static final String MODEL = """
      model tiny(t = 8) {
        input  ids: i32[B, t]
        target next: class[B, t] of 16
        e = positional_encoding(embedding(ids, 16, 8))
        a = e + multi_head_attention(layer_norm(e), 2, 8, causal = true)
        output probs = softmax(dense(layer_norm(a), 16))
        loss = cross_entropy(probs, next)
      }

      train tiny {
        data      text("corpus.txt", stride = 2), split(train = 0.8, val = 0.2)
        optimizer adam(lr = 1e-2)
        batch 8; epochs 2; seed 3
      }
      """;

  @TempDir
  static Path dir;

  private static TextSampling sampling;

  @BeforeAll
  static void train() throws Exception {
    Files.writeString(dir.resolve("corpus.txt"), "the cat sat on the mat. the rat ate the hat. ".repeat(6));
    Path nn = dir.resolve("tiny.nn");
    Files.writeString(nn, MODEL);
    ModelUnit unit = Adjoint.check(nn, null, List.of());
    Path run = dir.resolve("run");
    new TrainingRun(unit, run, new PrintWriter(new StringWriter())).run(0, false);
    sampling = TextSampling.load(unit, run.resolve("last.safetensors"), false);
  }

  @Test
  void aSeedAlwaysGivesTheSameText() {
    String first = sampling.sample("the ", 40, 1.0, 7);
    assertEquals(first, sampling.sample("the ", 40, 1.0, 7));
    assertTrue(first.startsWith("the "), first);
    assertEquals(44, first.length());
    assertTrue(first.chars().allMatch(c -> "the cat sat on the mat. the rat ate the hat. ".indexOf(c) >= 0), first);
    assertNotEquals(first, sampling.sample("the ", 40, 1.0, 8), "another seed, the same 40 characters");
    assertEquals(sampling.sample("the ", 40, 0, 1), sampling.sample("the ", 40, 0, 2), "temperature 0 is greedy");
  }

  @Test
  void aLongPromptSlidesTheWindow() {
    String prompt = "the cat sat on the mat. the rat";
    assertTrue(sampling.sample(prompt, 5, 0.5, 1).startsWith(prompt));
  }

  @Test
  void promptCharactersOutsideTheVocabularyAreRefused() {
    String message = assertThrows(DataException.class, () -> sampling.sample("the dog", 5, 1, 0)).getMessage();
    assertEquals("the prompt: character 'd' (U+0064) at position 5 is not in the vocabulary of the training text "
        + "(12 characters)", message);
    assertThrows(DataException.class, () -> sampling.sample("", 5, 1, 0));
  }
}
