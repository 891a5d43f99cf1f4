package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Compiled attention models: the causal mask hides the future exactly, padding behind a
 * sequence mask changes neither the loss nor any gradient, the generated code calls the
 * fused kernel, and a warm training step allocates nothing.
 */
class AttentionModelTest {
  private static final int T = 7;
  private static final int BATCH = 3;

  private static final String CAUSAL = """
      def block(x, heads, d) {
        a = x + multi_head_attention(layer_norm(x), heads, d, causal = true)
        u = dense(layer_norm(a), 4 * d, act = gelu)
        return a + dense(u, d)
      }

      model lm {
        input  ids: i32[B, 7]
        target next: class[B, 7] of 13
        e = positional_encoding(embedding(ids, 13, 8))
        h = block(positional_encoding(e, kind = sinusoidal), 2, 8)
        output probs = softmax(dense(layer_norm(h), 13))
        loss = cross_entropy(probs, next)
      }
      """;

  private static final String PADDED = """
      model padded {
        input  ids: i32[B, 7]
        input  n: i32[B]
        target y: class[B] of 3
        m = sequence_mask(n, 7)
        e = positional_encoding(embedding(ids, 13, 8))
        a = multi_head_attention(e, 2, 8, mask = m)
        h = dense(layer_norm(a + e), 8, act = relu)
        output probs = softmax(dense(sequence_pool(h, m) + sequence_pool(h, m, mode = max), 3))
        loss = cross_entropy(probs, y)
      }
      """;

  private static ModelUnit unit(String source) {
    return Frontend.compile(SourceFile.of("model.nn", source)).models().get(0);
  }

  private static CompiledModel model(String source) {
    CompiledModel m = ModelCompiler.compile(unit(source)).newModel(BATCH);
    m.initialize(11);
    return m;
  }

  private static void fill(Tensor t, Random random, int bound) {
    for (int i = 0; i < t.capacity(); i++) {
      t.set(i, random.nextInt(bound));
    }
  }

  /** Changing the last token leaves every earlier position's probabilities bit-identical. */
  @Test
  void theCausalMaskHidesTheFuture() {
    CompiledModel m = model(CAUSAL);
    Random random = new Random(5);
    fill(m.input("ids"), random, 13);
    m.predict(BATCH);
    float[] before = m.output("probs").f32().clone();
    int[] ids = m.input("ids").i32();
    for (int b = 0; b < BATCH; b++) {
      ids[b * T + T - 1] = (ids[b * T + T - 1] + 5) % 13;
    }
    m.predict(BATCH);
    float[] after = m.output("probs").f32();
    int vocab = 13;
    for (int b = 0; b < BATCH; b++) {
      int earlier = (b * T + T - 1) * vocab;
      assertArrayEquals(Arrays.copyOfRange(before, b * T * vocab, earlier),
          Arrays.copyOfRange(after, b * T * vocab, earlier), "sample " + b + ": an earlier position saw the future");
      assertFalse(Arrays.equals(Arrays.copyOfRange(before, earlier, earlier + vocab),
          Arrays.copyOfRange(after, earlier, earlier + vocab)), "the last position did not see its own token");
    }
  }

  /** Tokens behind each sequence's length change neither the loss nor a gradient, bit for bit. */
  @Test
  void paddingChangesNeitherTheLossNorTheGradients() {
    CompiledModel clean = model(PADDED);
    CompiledModel noisy = model(PADDED);
    Random random = new Random(9);
    int[] lengths = {7, 3, 1};
    for (CompiledModel m : new CompiledModel[] {clean, noisy}) {
      for (int b = 0; b < BATCH; b++) {
        m.input("n").set(b, lengths[b]);
        m.input("y").set(b, b);
      }
    }
    fill(clean.input("ids"), random, 13);
    int[] ids = noisy.input("ids").i32();
    System.arraycopy(clean.input("ids").i32(), 0, ids, 0, BATCH * T);
    for (int b = 0; b < BATCH; b++) {
      for (int t = lengths[b]; t < T; t++) {
        ids[b * T + t] = (ids[b * T + t] + 1 + t) % 13;
      }
    }
    assertFalse(Arrays.equals(ids, clean.input("ids").i32()), "nothing was padded");
    double cleanLoss = clean.trainStep(BATCH);
    double noisyLoss = noisy.trainStep(BATCH);
    assertEquals(cleanLoss, noisyLoss, 0.0, "the padding changed the loss");
    for (Map.Entry<String, Tensor> g : clean.gradients().entrySet()) {
      int size = g.getValue().spec().size(BATCH);
      assertArrayEquals(Arrays.copyOf(g.getValue().f32(), size),
          Arrays.copyOf(noisy.gradients().get(g.getKey()).f32(), size),
          "the padding changed the gradient of " + g.getKey());
    }
  }

  @Test
  void theGeneratedCodeCallsTheFusedKernel() {
    String source = ModelCompiler.generate(unit(CAUSAL), ModelCompiler.DEFAULT_PACKAGE, "Lm").source();
    assertTrue(source.contains("Attention.forward("), "no fused attention in the generated code");
  }

  @Test
  void aWarmTrainingStepAllocatesNothing() {
    CompiledModel m = model(CAUSAL);
    fill(m.input("ids"), new Random(3), 13);
    fill(m.input("next"), new Random(4), 13);
    SteadyState.assertAllocatesNothing(2000, () -> {
      m.trainStep(BATCH);
      m.predict(BATCH);
      m.trainStep(1);
    }, "attention steps and predictions");
  }
}
