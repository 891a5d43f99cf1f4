package dev.adjoint.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.runs.Prediction;
import dev.adjoint.compiler.runs.TrainingRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Trains the example application's model as {@code adjoint train} does and records the class
 * {@code adjoint predict} names for every flower, in {@code target/it-fixtures}: what the
 * application's own test (src/it/predict-app, run by the invoker plugin after this module's
 * tests) compares its generated predictor with.
 */
class PredictAppFixtureTest {
  private static final Path MODULE = Path.of(System.getProperty("adjoint.repo", "..")).resolve("maven-plugin");

  @Test
  void trainsTheApplicationsModelAndRecordsWhatPredictNames() throws Exception {
    Path nn = MODULE.resolve("src/it/predict-app/src/main/nn/dev/example/iris.nn");
    Path fixtures = MODULE.resolve("target/it-fixtures");
    ModelUnit unit = Adjoint.check(nn, null, List.of());
    Path run = fixtures.resolve("run");
    TrainingRun.Result result = new TrainingRun(unit, run, new PrintWriter(new StringWriter())).run(0, false, true);
    assertTrue(result.metric("test", "accuracy") >= 0.85, "the model learns: " + result.metrics());

    Path csv = nn.resolveSibling("data/iris.csv");
    StringBuilder predicted = new StringBuilder();
    Prediction.load(unit, run.resolve("best.safetensors")).write(csv, predicted);
    List<String> classes = predicted.toString().lines().skip(1).map(l -> l.substring(l.lastIndexOf(',') + 1))
        .toList();
    List<String> flowers = Files.readAllLines(csv, StandardCharsets.UTF_8);
    flowers = flowers.subList(1, flowers.size());
    assertEquals(flowers.size(), classes.size());
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < flowers.size(); i++) {
      String[] cells = flowers.get(i).split(",");
      expected.add(String.join(",", cells[0], cells[1], cells[2], cells[3], classes.get(i)));
    }
    Files.write(fixtures.resolve("expected.csv"), expected, StandardCharsets.UTF_8);
  }
}
