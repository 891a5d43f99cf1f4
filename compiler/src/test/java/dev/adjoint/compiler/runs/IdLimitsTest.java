package dev.adjoint.compiler.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.data.IdLimit;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The limits a model puts on its i32 inputs and targets, read from how its graph uses them. */
class IdLimitsTest {
  private static Map<String, IdLimit> limits(String body) {
    String text = "model m {\n" + body + "\n}\n";
    Compilation c = Frontend.compile(SourceFile.of("m.nn", text));
    assertTrue(c.ok(), c.diagnostics().format());
    return IdLimits.of(c.models().get(0).graph());
  }

  @Test
  void tablesLimitIdsAndTheSmallestTableWins() {
    Map<String, IdLimit> limits = limits("""
          input  ids: i32[B, 3]
          input  word: i32[B]
          input  x: f32[B, 2]
          target y: f32[B]
          a = embedding_bag(ids, 10, 4)
          b = embedding_bag(ids, 7, 4, mode = mean)
          w = embedding(word, 100, 4)
          output v = dense(a + b, 1) + dense(w, 1) + dense(x, 1)
          loss = mse(v, y)""");
    assertEquals(Set.of("ids", "word"), limits.keySet());
    IdLimit ids = limits.get("ids");
    assertEquals(7, ids.count());
    assertTrue(ids.negativesAllowed());
    assertEquals("the 7 rows of b.table (m.nn:7:5)", ids.use());
    assertTrue(ids.allows(-1) && ids.allows(6));
    assertFalse(ids.allows(7));
    assertEquals(100, limits.get("word").count());
  }

  @Test
  void classIndicesAreLimitedByTheClassCountAndTheIgnoredIndexPasses() {
    Map<String, IdLimit> limits = limits("""
          input  x: f32[B, 2]
          target y: i32[B]
          target z: i32[B]
          output probs = softmax(dense(x, 5))
          loss = cross_entropy(probs, y, ignore_index = -100) + nll(log(probs), z)""");
    IdLimit y = limits.get("y");
    assertEquals(5, y.count());
    assertFalse(y.negativesAllowed());
    assertTrue(y.allows(-100) && y.allows(4));
    assertFalse(y.allows(5) || y.allows(-1));
    IdLimit z = limits.get("z");
    assertEquals(Set.of(), z.exempt());
    assertFalse(z.allows(-100));
  }

  @Test
  void aValueComputedFromTheIdsLimitsNothing() {
    Map<String, IdLimit> limits = limits("""
          input  ids: i32[B]
          input  x: f32[B, 2]
          target y: f32[B]
          e = embedding(ids * 2, 10, 4)
          output v = dense(e, 1) + dense(x, 1)
          loss = mse(v, y)""");
    assertEquals(Map.of(), limits);
  }
}
