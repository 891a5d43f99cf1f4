package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Part classes: their methods are written for the receiver {@code m}, not rewritten from
 * the model's own source, so that a split model computes bit for bit what its one class
 * computes (optimizer state, clipping, dropout's seed and step, running statistics), and
 * names of any length pass through.
 */
class PartClassesTest {

  /** A model with every member a part method reaches: state, dropout, Adam's buffers, both clippings. */
  private static String model(String paramName) {
    return """
        model parts {
          input  x: f32[B, 6]
          target y: class[B] of 3
          param  %1$s: f32[6, 8] = glorot_uniform
          h = dropout(x @ %1$s, 0.25)
          g = batch_norm(dense(h, 8, act = gelu))
          output probs = softmax(dense(g, 3))
          loss = cross_entropy(probs, y)
        }
        train parts {
          data      csv("%2$s", x = ("a", "b", "c", "a", "b", "c"), y = "d")
          optimizer adam(lr = 0.01, weight_decay = 0.1, amsgrad = true)
          clip      global_norm(0.5), value(0.1)
        }
        """.formatted(paramName, TrainedModels.data().toString().replace("\\", "/"));
  }

  private static ModelUnit unit(String text) {
    Compilation c = Frontend.compile(SourceFile.of("parts.nn", text));
    assertTrue(c.ok(), c.diagnostics().format());
    return c.models().get(0);
  }

  /** Three training steps and a prediction from seed 5; every parameter and optimizer state, and the output. */
  private static List<float[]> run(GeneratedModel generated) {
    CompiledModel model = new ModelFactory(generated, JaninoLoader.load(generated), generated.className()).newModel(8);
    float[] x = model.input("x").f32();
    int[] y = model.input("y").i32();
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(i * 0.37);
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = i % 3;
    }
    model.setSeed(5);
    model.initialize(5);
    for (int step = 0; step < 3; step++) {
      model.trainStep(8);
    }
    model.predict(8);
    List<float[]> values = new ArrayList<>();
    model.params().values().forEach(t -> values.add(t.f32()));
    model.states().values().forEach(t -> values.add(t.f32()));
    model.optimizerState().values().forEach(t -> values.add(t.f32()));
    values.add(model.output("probs").f32());
    return values;
  }

  @Test
  void aSplitModelComputesExactlyWhatItsOneClassComputes() {
    ModelUnit unit = unit(model("w"));
    GeneratedModel whole = ModelCompiler.generate(unit, ModelCompiler.DEFAULT_PACKAGE, "Whole");
    GeneratedModel split = ModelCompiler.generateSplit(unit, ModelCompiler.DEFAULT_PACKAGE, "Split");
    assertFalse(whole.source().contains("class Part0"));
    assertTrue(split.source().contains("static final class Part0"));
    assertTrue(split.source().contains("m.learningRate()") && split.source().contains("m.seed()")
        && split.source().contains("m.registerParamBuffer("), "part methods reach the model through m");
    List<float[]> expected = run(whole);
    List<float[]> actual = run(split);
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "value " + i);
    }
  }

  @Test
  void aParameterNameOfTwoThousandCharactersCompilesWholeAndSplit() {
    // a name has at most 128 characters, but def calls nest them: 16 levels of 120 give ~2,000
    StringBuilder defs = new StringBuilder("def level0(x) {\n  return dense(x, 8)\n}\n");
    for (int level = 1; level <= 16; level++) {
      String binding = "n" + level + "x".repeat(118);
      defs.append("def level").append(level).append("(x) {\n  ").append(binding).append(" = level").append(level - 1)
          .append("(x)\n  return ").append(binding).append("\n}\n");
    }
    String text = defs + model("w").replace("h = dropout(x @ w, 0.25)", "h = dropout(level16(x) + x @ w, 0.25)");
    ModelUnit unit = unit(text);
    int longest = unit.graph().params().stream().mapToInt(n -> n.sourceName().length()).max().orElse(0);
    assertTrue(longest > 1900, "the nested defs should make a name of ~2,000 characters, got " + longest);
    List<float[]> whole = run(ModelCompiler.generate(unit, ModelCompiler.DEFAULT_PACKAGE, "Whole"));
    List<float[]> split = run(ModelCompiler.generateSplit(unit, ModelCompiler.DEFAULT_PACKAGE, "Split"));
    for (int i = 0; i < whole.size(); i++) {
      assertArrayEquals(whole.get(i), split.get(i), "value " + i);
    }
  }

  @Test
  void tokensAreCountedInOnePassWhateverTheirLength() {
    String literal = "\"" + "a\\\"".repeat(50_000) + "\"";
    String code = "// this.ignored comment\nthis.h_W[i] = 1.0f + " + literal + ".length(); // trailing words\n"
        + "foo(x" + "y".repeat(100_000) + ", 3);\n";
    assertEquals(Set.of("this", "h_W", "i", "1.0f", literal, "length", "foo", "x" + "y".repeat(100_000), "3"),
        PartClasses.tokens(code));
  }
}
