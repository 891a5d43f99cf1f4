package dev.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.predict.Predictor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generated predictor, loaded from a checkpoint of {@code adjoint train} with its recorded
 * standardization, names the species {@code adjoint predict} named for every flower; the
 * application's main prints it.
 */
class IrisAppTest {
  private static final Path FIXTURES = Path.of(System.getProperty("adjoint.it.fixtures"));

  @Test
  void namesTheSpeciesAdjointPredictNamed() throws Exception {
    Predictor predictor = IrisApp.load(FIXTURES.resolve("run/best.safetensors"));
    assertEquals(List.of("setosa", "versicolor", "virginica"), predictor.classNames());
    List<String> rows = Files.readAllLines(FIXTURES.resolve("expected.csv"), StandardCharsets.UTF_8);
    assertTrue(rows.size() > 100, "the fixture holds every flower");
    for (String row : rows) {
      String[] cells = row.split(",");
      float[] flower = new float[4];
      for (int i = 0; i < 4; i++) {
        flower[i] = Float.parseFloat(cells[i]);
      }
      assertEquals(cells[4], predictor.predictClass(flower), row);
    }
  }

  @Test
  void mainPrintsTheSpecies() throws Exception {
    String[] first = Files.readAllLines(FIXTURES.resolve("expected.csv"), StandardCharsets.UTF_8).get(0).split(",");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      IrisApp.main(new String[] {FIXTURES.resolve("run/best.safetensors").toString(), first[0], first[1], first[2],
          first[3]});
    } finally {
      System.setOut(old);
    }
    assertEquals(first[4], out.toString(StandardCharsets.UTF_8).trim());
  }
}
