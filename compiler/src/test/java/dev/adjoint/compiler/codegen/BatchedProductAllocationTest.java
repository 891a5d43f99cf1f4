package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
import org.junit.jupiter.api.Test;

/**
 * A model of attention's products (batched @, a folded transpose, einsum over heads, a weight
 * broadcast over B) trains and predicts without allocating once warm, and its generated code
 * calls the batched kernel instead of looping over products.
 */
class BatchedProductAllocationTest {
  private static final String MODEL = """
      model attention {
        input  x: f32[B, 8, 16]
        target y: f32[B]
        param  wq: f32[16, 16]
        param  wk: f32[16, 16]
        param  wh: f32[2, 16, 4]
        q = x @ wq
        k = x @ wk
        s = softmax(q @ transpose(k))
        h = reshape(x, (B, 1, 8, 16)) @ wh
        e = einsum("bhtd,bhsd->bhts", h, h)
        output o = sum(s @ x, axis = (1, 2)) + sum(e, axis = (1, 2, 3))
        loss = mse(o, y)
      }
      """;

  @Test
  void generatedCodeCallsTheBatchedKernel() {
    String source = ModelCompiler.generate(Frontend.compile(SourceFile.of("attention.nn", MODEL)).models().get(0),
        ModelCompiler.DEFAULT_PACKAGE, "Attention").source();
    assertTrue(source.contains("Gemm.multiplyBatched("), "no batched product in the generated code");
  }

  @Test
  void aSteadyStateTrainingStepAllocatesNothing() {
    CompiledModel model = ModelCompiler.compile(Frontend.compile(SourceFile.of("attention.nn", MODEL)).models().get(0))
        .newModel(16);
    SteadyState.assertAllocatesNothing(2000, () -> {
      model.trainStep(16);
      model.predict(16);
      model.trainStep(1);
    }, "steps and predictions");
  }
}
