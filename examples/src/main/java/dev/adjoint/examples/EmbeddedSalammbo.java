package dev.adjoint.examples;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.runtime.model.CompiledModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Embedding Adjoint in an application: compile logreg.nn from Java, train it on the
 * Salammbô chapters, and ask it about a chapter it has not seen. The data is read by hand
 * here to show the model's buffers; {@code adjoint train} does all of this from the .nn file.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp ... dev.adjoint.examples.EmbeddedSalammbo [folder]}
 */
public final class EmbeddedSalammbo {
  /**
   * Full-batch steps. The classes are separable, but only by a 1% margin in the ratio of
   * a's to letters, and the two counts are nearly collinear: plain gradient descent needs
   * many steps — each takes microseconds.
   */
  static final int STEPS = Integer.getInteger("steps", 20_000);

  private EmbeddedSalammbo() {}

  /** What a run found: the accuracy on the training chapters and P(French) for one new chapter. */
  public record Result(double accuracy, double finalLoss, double frenchProbability) {}

  public static void main(String[] args) throws IOException {
    Result r = run(Path.of(args.length > 0 ? args[0] : "examples"));
    System.out.printf("training accuracy %.1f%%, final loss %.4f%n", 100 * r.accuracy(), r.finalLoss());
    System.out.printf("P(French) for a chapter of 40000 letters with 3000 a's: %.3f%n", r.frenchProbability());
  }

  public static Result run(Path examples) throws IOException {
    // 1. compile the model: parse, check, differentiate, optimize, generate Java, load it
    CompiledModel model = Adjoint.compile(examples.resolve("salammbo/logreg.nn")).newModel(32);

    // 2. the data: letters and a_count as features, the language as the class (en = 0, fr = 1)
    List<String> rows = Files.readAllLines(examples.resolve("salammbo/data/salammbo.csv"));
    int n = rows.size() - 1;
    double[][] features = new double[n][2];
    int[] french = new int[n];
    for (int i = 0; i < n; i++) {
      String[] cells = rows.get(i + 1).split(",");
      french[i] = cells[1].equals("fr") ? 1 : 0;
      features[i][0] = Double.parseDouble(cells[2]);
      features[i][1] = Double.parseDouble(cells[3]);
    }
    double[] mean = new double[2];
    double[] std = new double[2];
    for (int f = 0; f < 2; f++) {
      for (double[] row : features) {
        mean[f] += row[f] / n;
      }
      for (double[] row : features) {
        std[f] += (row[f] - mean[f]) * (row[f] - mean[f]) / n;
      }
      std[f] = Math.sqrt(std[f]);
    }

    // 3. fill the input buffers once: the model reads the first `batch` rows
    float[] x = model.input("x").f32();
    int[] lang = model.input("lang").i32();
    for (int i = 0; i < n; i++) {
      x[2 * i] = (float) ((features[i][0] - mean[0]) / std[0]);
      x[2 * i + 1] = (float) ((features[i][1] - mean[1]) / std[1]);
      lang[i] = french[i];
    }

    // 4. train: each call is one compiled step (forward, backward, SGD update); nothing allocated
    model.setLearningRate(0.5);
    double loss = 0;
    for (int step = 0; step < STEPS; step++) {
      loss = model.trainStep(n);
    }

    // 5. predict on the same buffers, then on a new chapter
    model.predict(n);
    float[] p = model.output("p_fr").f32();
    int correct = 0;
    for (int i = 0; i < n; i++) {
      correct += (p[i] >= 0.5f ? 1 : 0) == french[i] ? 1 : 0;
    }
    x[0] = (float) ((40000 - mean[0]) / std[0]);
    x[1] = (float) ((3000 - mean[1]) / std[1]);
    model.predict(1);
    return new Result((double) correct / n, loss, model.output("p_fr").f32()[0]);
  }
}
