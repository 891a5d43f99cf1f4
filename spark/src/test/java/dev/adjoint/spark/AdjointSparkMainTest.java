package dev.adjoint.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spark-submit command line, in process on local[2]: the linear example trained from its own block's data, then scored. */
class AdjointSparkMainTest {
  private static SparkSession spark;
  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    spark = SparkSessions.local("local[2]");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static String[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = AdjointSparkMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new String[] {Integer.toString(status), out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8)};
  }

  @Test
  void trainsTheBlocksOwnDataThenScoresAParquetFile() {
    String file = SparkSessions.example("linear/linear.nn").toString();
    String checkpoints = dir.resolve("run").toString();
    String[] trained = run("train", file, "--master", "local[2]", "--partitions", "2", "--local-steps", "2",
        "--epochs", "15", "--checkpoints", checkpoints);
    assertEquals("0", trained[0], trained[2]);
    assertTrue(trained[1].contains("epoch 15: loss "), trained[1]);
    assertTrue(trained[1].endsWith("trained 15 epochs; checkpoints in " + checkpoints + "\n"), trained[1]);

    String input = dir.resolve("in.parquet").toString();
    spark.sql("SELECT array(CAST(1.0 AS FLOAT), CAST(0.0 AS FLOAT), CAST(0.0 AS FLOAT)) AS x").write().parquet(input);
    String output = dir.resolve("out.parquet").toString();
    String[] scored = run("score", file, "--checkpoint", checkpoints + "/last.safetensors", "--data", input,
        "--output", output, "--master", "local[2]");
    assertEquals("0", scored[0], scored[2]);
    List<Row> rows = spark.read().parquet(output).collectAsList();
    float prediction = (Float) rows.get(0).getList(rows.get(0).fieldIndex("prediction")).get(0);
    assertEquals(4.0, prediction, 0.5, "y = 3 x1 - 2 x2 + 0.5 x3 + 1 at (1, 0, 0)");
  }

  @Test
  void aBadFlagIsOneLineAndStatusOne() {
    String[] result = run("train", "model.nn", "--local-steps", "many");
    assertEquals("1", result[0]);
    assertEquals("error: --local-steps takes a whole number, not 'many'\n", result[2]);
  }
}
