package dev.adjoint.compiler.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.interp.NonFiniteSearch;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.train.TrainingDivergedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hints of a divergence report for causes a CLI run cannot easily stage: bad data, grown parameters. */
class DivergenceReplayTest {
  @TempDir
  Path temp;

  private Graph graph() throws IOException {
    Path nn = Files.writeString(temp.resolve("m.nn"), """
        model m {
          input  x: f32[B, 2]
          target y: f32[B, 1]
          output p = dense(x, 1)
          loss = mse(p, y)
        }
        """);
    ModelUnit unit = Adjoint.check(nn, null, List.of());
    return unit.graph();
  }

  private static final TrainingDivergedException DIVERGED = new TrainingDivergedException("m", 3, 17, Double.NaN);

  @Test
  void aNonFiniteInputBlamesTheData() throws IOException {
    Graph g = graph();
    NonFiniteSearch.Finding found = new NonFiniteSearch.Finding(g.inputs().get(0),
        F64Tensor.of(new int[] {3, 2}, 1, 2, 3, 4, Double.POSITIVE_INFINITY, 6), 4, List.of());
    assertEquals("the loss of m stopped being a finite number at step 17 (epoch 3): input 'x' holds Infinity in "
        + "sample 3 of the step's batch. The data has a value that is not a finite number: correct or remove that row",
        DivergenceReplay.message("m", DIVERGED, found));
  }

  @Test
  void aNonFiniteParameterBlamesTheUpdates() throws IOException {
    Graph g = graph();
    NonFiniteSearch.Finding found = new NonFiniteSearch.Finding(g.params().get(0),
        F64Tensor.of(new int[] {2, 1}, Double.NaN, 1), 0, List.of());
    String message = DivergenceReplay.message("m", DIVERGED, found);
    assertTrue(message.contains("parameter '" + g.params().get(0).sourceName() + "' was already NaN before the step: "
        + "an earlier update made it so"), message);
    assertTrue(message.endsWith("try a lower learning rate, gradient clipping (clip global_norm(1.0)) or "
        + "standardized inputs"), message);
  }

  @Test
  void anOverflowingGradientAtStepZeroBlamesTheDepth() throws IOException {
    Graph g = graph();
    NonFiniteSearch.Finding found = new NonFiniteSearch.Finding(g.outputs().get("p"),
        F64Tensor.of(new int[] {1, 1}, Double.POSITIVE_INFINITY), 0, List.of());
    String message = DivergenceReplay.backwardMessage(found, 0);
    assertTrue(message.startsWith("the update of step 0 made it so, because its gradient was not finite: at step 0, "
        + "before any update, the backward pass first produced Infinity"), message);
    assertTrue(message.contains("The initial gradients overflow f32 (about 3.4e38; a NaN is then ∞ − ∞ or 0·∞), as they "
        + "can through a deep stack"), message);
    assertTrue(DivergenceReplay.backwardMessage(found, 5).endsWith("The gradients grew until they overflowed f32 (a NaN "
        + "is then ∞ − ∞ or 0·∞): clip them (clip global_norm(1.0)) or lower the learning rate"));
    // a NaN from an op that is defined everywhere (a loop's, an add's) is an overflow's ∞ − ∞, not a domain error
    NonFiniteSearch.Finding nan = new NonFiniteSearch.Finding(g.outputs().get("p"),
        F64Tensor.of(new int[] {1, 1}, Double.NaN), 0, List.of());
    String deep = DivergenceReplay.backwardMessage(nan, 0);
    assertTrue(deep.contains("first produced NaN") && deep.contains("through a deep stack of layers"), deep);
    assertFalse(deep.contains("guard that expression"), deep);
    assertTrue(DivergenceReplay.backwardMessage(null, 5).contains("though its gradients were finite"));
  }

  @Test
  void nothingFoundKeepsThePlainReport() {
    assertTrue(DivergenceReplay.message("m", DIVERGED, null).startsWith(DIVERGED.getMessage()));
  }
}
