package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.model.CompiledModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The predictor class ({@code adjoint compile --inference}) loads a checkpoint of the
 * training class, Adam's moments and all, and predicts what the trained model predicts.
 */
class PredictorCheckpointTest {
  private static final String MODEL = """
      model clf {
        input  x: f32[B, 3]
        target y: class[B] of 4
        h = dense(x, 5, act = tanh)
        output probs = softmax(dense(h, 4))
        loss = cross_entropy(probs, y)
      }
      train clf {
        data csv("absent.csv"), split(train = 1.0)
        optimizer adam(lr = 0.05)
      }
      """;

  @TempDir
  Path temp;

  @Test
  void aPredictorLoadsATrainingCheckpoint() {
    Compilation c = Frontend.compile(SourceFile.of("clf.nn", MODEL));
    assertTrue(c.ok(), c.diagnostics().format());
    ModelUnit unit = c.models().get(0);
    CompiledModel trained = ModelCompiler.compile(unit).newModel(4);
    trained.initialize(3);
    float[] x = trained.input("x").f32();
    int[] y = trained.input("y").i32();
    for (int i = 0; i < 12; i++) {
      x[i] = (float) Math.sin(i + 1);
    }
    for (int r = 0; r < 4; r++) {
      y[r] = r;
    }
    for (int step = 0; step < 5; step++) {
      trained.trainStep(4);
    }
    assertFalse(trained.optimizerState().isEmpty(), "Adam keeps moments");
    Path checkpoint = temp.resolve("last.safetensors");
    Checkpoint.save(checkpoint, trained, Map.of());
    trained.predict(4);
    float[] expected = Arrays.copyOf(trained.output("probs").f32(), 16);

    GeneratedModel source = ModelCompiler.generatePredictor(unit, ModelCompiler.DEFAULT_PACKAGE, "ClfPredictor");
    CompiledModel predictor = new ModelFactory(source, JaninoLoader.load(source), "predictor").newModel(4);
    assertTrue(predictor.optimizerState().isEmpty() && !predictor.hasLoss(), "a predictor holds no optimizer state");
    Checkpoint.load(checkpoint, predictor);
    System.arraycopy(x, 0, predictor.input("x").f32(), 0, 12);
    predictor.predict(4);
    assertArrayEquals(expected, Arrays.copyOf(predictor.output("probs").f32(), 16));
  }
}
