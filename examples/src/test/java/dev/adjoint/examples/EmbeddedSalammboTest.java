package dev.adjoint.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The embedding example runs and learns: Salammbô's chapters are separable by their 'a'
 * counts, and the compiled training steps do what full-batch gradient descent on the
 * logistic loss does, computed here on its own in f64.
 */
class EmbeddedSalammboTest {
  /** The learning rate {@link EmbeddedSalammbo#run} sets. */
  private static final double LEARNING_RATE = 0.5;

  /** What the steps of gradient descent reach: the loss of the last step and the new chapter's logit. */
  private record Reference(double firstLoss, double finalLoss, double newChapterLogit, double smallestMargin) {}

  @Test
  void theEmbeddedModelLearnsToTellFrenchFromEnglish() throws Exception {
    Path examples = Path.of(System.getProperty("adjoint.examples", "."));
    EmbeddedSalammbo.Result r = EmbeddedSalammbo.run(examples);
    Reference ref = reference(examples);
    // the parameters start at zero, so the first step's loss is ln 2; the steps bring it down to the reference's
    assertEquals(Math.log(2), ref.firstLoss(), 1e-15);
    assertTrue(ref.smallestMargin() > 0.1, "the reference separates every chapter: " + ref);
    assertEquals(ref.finalLoss(), r.finalLoss(), 1e-3 * ref.finalLoss(), "final loss; the reference: " + ref);
    assertEquals(1.0, r.accuracy(), "every one of the 30 chapters is told right");
    // P(French) ~ 1 - 1e-5 for 3000 a's in 40000 letters, more than any French chapter has: compare the logits
    double logit = Math.log(r.frenchProbability() / (1 - r.frenchProbability()));
    assertEquals(ref.newChapterLogit(), logit, 0.01, "logit of P(French) " + r.frenchProbability() + "; " + ref);
  }

  /** {@link EmbeddedSalammbo#STEPS} steps of full-batch gradient descent in f64, from zeros, on standardized counts. */
  private static Reference reference(Path examples) throws IOException {
    List<String> rows = Files.readAllLines(examples.resolve("salammbo/data/salammbo.csv"));
    int n = rows.size() - 1;
    double[][] x = new double[n][2];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      String[] cells = rows.get(i + 1).split(",");
      y[i] = cells[1].equals("fr") ? 1 : 0;
      x[i][0] = Double.parseDouble(cells[2]);
      x[i][1] = Double.parseDouble(cells[3]);
    }
    double[] mean = new double[2];
    double[] std = new double[2];
    for (int f = 0; f < 2; f++) {
      for (double[] row : x) {
        mean[f] += row[f] / n;
      }
      for (double[] row : x) {
        std[f] += (row[f] - mean[f]) * (row[f] - mean[f]) / n;
      }
      std[f] = Math.sqrt(std[f]);
    }
    for (double[] row : x) {
      for (int f = 0; f < 2; f++) {
        row[f] = (row[f] - mean[f]) / std[f];
      }
    }
    double w0 = 0;
    double w1 = 0;
    double b = 0;
    double firstLoss = Double.NaN;
    double loss = Double.NaN;
    for (int step = 0; step < EmbeddedSalammbo.STEPS; step++) {
      double g0 = 0;
      double g1 = 0;
      double gb = 0;
      loss = 0;
      for (int i = 0; i < n; i++) {
        double z = w0 * x[i][0] + w1 * x[i][1] + b;
        // -[y log p + (1 - y) log(1 - p)] with p = sigmoid(z), as softplus(z) - y z
        loss += (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y[i] * z) / n;
        double d = (1 / (1 + Math.exp(-z)) - y[i]) / n;
        g0 += d * x[i][0];
        g1 += d * x[i][1];
        gb += d;
      }
      if (step == 0) {
        firstLoss = loss;
      }
      w0 -= LEARNING_RATE * g0;
      w1 -= LEARNING_RATE * g1;
      b -= LEARNING_RATE * gb;
    }
    double margin = Double.POSITIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double z = w0 * x[i][0] + w1 * x[i][1] + b;
      margin = Math.min(margin, y[i] == 1 ? z : -z);
    }
    double newChapter = w0 * (40000 - mean[0]) / std[0] + w1 * (3000 - mean[1]) / std[1] + b;
    return new Reference(firstLoss, loss, newChapter, margin);
  }
}
