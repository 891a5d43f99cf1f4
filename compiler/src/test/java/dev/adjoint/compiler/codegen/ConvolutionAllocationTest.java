package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
import org.junit.jupiter.api.Test;

/**
 * A training step through convolutions allocates nothing once warm: forward, transposed and
 * filter-gradient convolutions run im2col into per-thread buffers grown on the first step, and
 * the GEMM packs into its own; grouped convolutions also gather their filters there.
 */
class ConvolutionAllocationTest {
  private static final String MODEL = """
      model convs {
        input  x: f32[B, 9, 7, 2]
        input  s: f32[B, 12, 3]
        target y: class[B] of 3
        c = conv2d(x, 4, (3, 2), stride = 2, padding = 1, act = relu)
        g = conv2d(c, 4, 3, padding = "same", groups = 2, act = relu)
        t = conv1d(s, 3, 3, dilation = 2, act = relu)
        output p = softmax(dense(concat((flatten(g), flatten(t)), axis = 1), 3))
        loss = cross_entropy(p, y)
      }
      """;

  @Test
  void aSteadyStateTrainingStepThroughConvolutionsAllocatesNothing() {
    Compilation c = Frontend.compile(SourceFile.of("convs.nn", MODEL));
    assertTrue(c.ok(), c.diagnostics().format());
    CompiledModel model = ModelCompiler.compile(c.models().get(0)).newModel(16);
    // a warm-up long enough for C2 to compile the GEMM's epilogue paths on a loaded machine:
    // until then the interpreted Vector API allocates (about 10 KB a step here)
    SteadyState.assertAllocatesNothing(5000, () -> {
      model.trainStep(16);
      model.predict(16);
    }, "steps and predictions");
  }
}
