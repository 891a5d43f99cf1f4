package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.ModelSizeException;
import org.junit.jupiter.api.Test;

/** Sizes are checked in long when a model is made: a batch too large for its largest tensor is refused by name. */
class BatchLimitsTest {
  private static ModelFactory factory(String text) {
    Compilation c = Frontend.compile(SourceFile.of("wide.nn", text));
    assertTrue(c.ok(), c.diagnostics().format());
    return ModelCompiler.compile(c.models().get(0));
  }

  @Test
  void theLargestInterfaceTensorIsNamedWithItsShapeAndTheLargestBatchThatFits() {
    ModelFactory factory = factory("""
        model wide {
          input  x: f32[B, 1000]
          output y = sum(x, axis = 1)
        }
        """);
    ModelSizeException e = assertThrows(ModelSizeException.class, () -> factory.newModel(3_000_000));
    assertEquals("batch 3,000,000 is too large: input x: f32[B,1000] would hold 3,000,000,000 elements, more than"
        + " one Java array holds (2,147,483,639); the largest batch that fits is 2,147,483", e.getMessage());
    CompiledModel model = factory.newModel(4);
    model.input("x").f32()[1000] = 2;
    model.predict(2);
    assertEquals(2, model.output("y").f32()[1]);
  }
}
