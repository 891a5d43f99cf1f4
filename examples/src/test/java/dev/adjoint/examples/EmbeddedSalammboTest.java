package dev.adjoint.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The embedding example runs and learns: Salammbô's chapters are separable by their 'a' counts. */
class EmbeddedSalammboTest {

  @Test
  void theEmbeddedModelLearnsToTellFrenchFromEnglish() throws Exception {
    Path examples = Path.of(System.getProperty("adjoint.examples", "."));
    EmbeddedSalammbo.Result r = EmbeddedSalammbo.run(examples);
    assertTrue(r.accuracy() >= 0.95, "training accuracy " + r.accuracy());
    assertTrue(r.finalLoss() < 0.2, "final loss " + r.finalLoss());
    assertTrue(r.frenchProbability() >= 0 && r.frenchProbability() <= 1, "P(French) " + r.frenchProbability());
  }
}
