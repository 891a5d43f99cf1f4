package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
import org.junit.jupiter.api.Test;

/**
 * A training step through subscripts allocates nothing once warm: strided and reversed slices
 * forward, their scatters into zeros (UNSLICE) and pads backward, all into buffers the
 * constructor made.
 */
class SubscriptAllocationTest {
  private static final String MODEL = """
      model sliced {
        input  x: f32[B, 8, 6]
        target y: f32[B, 4]
        h = dense(x, 6, act = tanh)
        a = h[:, ::2, 1:5]
        b = flatten(h[:, ::-2, None, 2])
        output p = dense(flatten(a), 4) + b + unsqueeze(h[..., -1], 1)[:, 0, 3:7]
        loss = mse(p, y)
      }
      """;

  @Test
  void aSteadyStateTrainingStepThroughSubscriptsAllocatesNothing() {
    Compilation c = Frontend.compile(SourceFile.of("sliced.nn", MODEL));
    assertTrue(c.ok(), c.diagnostics().format());
    CompiledModel model = ModelCompiler.compile(c.models().get(0)).newModel(16);
    SteadyState.assertAllocatesNothing(3000, () -> {
      model.trainStep(16);
      model.predict(16);
    }, "steps and predictions");
  }
}
