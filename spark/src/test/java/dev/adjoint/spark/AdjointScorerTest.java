package dev.adjoint.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.compiler.runs.PredictorMetadata;
import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.predict.Predictor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch scoring on local[2]: exactly the runtime Predictor's outputs, row for row. */
class AdjointScorerTest {
  private static final int ROWS = 150;
  private static SparkSession spark;
  private static ModelSource source;
  private static Path checkpoint;
  private static Predictor predictor;
  private static List<float[]> pixels;
  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    spark = SparkSessions.local("local[2]");
    source = ModelSource.read(SparkSessions.example("mnist/mnist.nn"), null, List.of("hidden=32"));
    ModelFactory factory = JvmModels.factory(source);
    CompiledModel model = factory.newModel(1);
    model.initialize(7);
    checkpoint = dir.resolve("mnist.safetensors");
    // the metadata adjoint train writes: class names, the idx source's scale 1/255
    Checkpoint.save(checkpoint, model, PredictorMetadata.of(JvmModels.unit(source)));
    predictor = Predictor.load(factory::newModel, checkpoint);
    Random random = new Random(3);
    pixels = new ArrayList<>();
    for (int r = 0; r < ROWS; r++) {
      float[] row = new float[784];
      for (int e = 0; e < row.length; e++) {
        row[e] = random.nextInt(4) == 0 ? random.nextInt(256) : 0;
      }
      pixels.add(row);
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Dataset<Row> digits(List<float[]> rows) {
    List<Row> data = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      Float[] boxed = new Float[rows.get(r).length];
      for (int e = 0; e < boxed.length; e++) {
        boxed[e] = rows.get(r)[e];
      }
      data.add(RowFactory.create(r, boxed));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType)
        .add("x", DataTypes.createArrayType(DataTypes.FloatType));
    return spark.createDataFrame(data, schema).repartition(2);
  }

  private AdjointScorer scorer() {
    return new AdjointScorer().setModel(source).setCheckpoint(checkpoint.toString()).setBatchSize(16);
  }

  private static List<Row> byId(Dataset<Row> scored) {
    List<Row> rows = new ArrayList<>(scored.collectAsList());
    rows.sort(Comparator.comparingInt(r -> r.getInt(r.fieldIndex("id"))));
    return rows;
  }

  private static float[] floats(Row row, String column) {
    List<Object> values = row.getList(row.fieldIndex(column));
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (Float) values.get(i);
    }
    return out;
  }

  /** The predictor's outputs of all rows, in its batches of 64 (its sums round as any batch of 4 rows or more). */
  private static void assertPredictorOutputs(List<Row> rows, String column) {
    assertEquals(ROWS, rows.size());
    float[][] expected = predictor.predict(pixels.toArray(float[][]::new));
    for (Row row : rows) {
      int id = row.getInt(row.fieldIndex("id"));
      assertArrayEquals(expected[id], floats(row, column), "row " + id);
    }
  }

  @Test
  void scoresEveryRowExactlyAsThePredictorDoes() {
    List<Row> rows = byId(scorer().transform(digits(pixels)));
    assertPredictorOutputs(rows, "probs");
    for (Row row : rows) {
      int id = row.getInt(row.fieldIndex("id"));
      assertEquals(predictor.predictClass(pixels.get(id)), row.getString(row.fieldIndex("prediction")));
    }
  }

  @Test
  void compilesTheModelOncePerJvm() {
    scorer().transform(digits(pixels)).count();
    int compiled = JvmModels.compilations();
    byId(scorer().setOutputPrefix("again_").transform(digits(pixels)));
    assertEquals(compiled, JvmModels.compilations(), "a second job compiles nothing");
  }

  @Test
  void savedAndLoadedLikeSparkMlStages() throws java.io.IOException {
    String path = dir.resolve("scorer").toString();
    AdjointScorer saved = scorer().setPredictionCol("digit");
    saved.write().overwrite().save(path);
    AdjointScorer loaded = AdjointScorer.load(path);
    assertEquals(saved.uid(), loaded.uid());
    assertEquals(source, loaded.source());
    List<Row> rows = byId(loaded.transform(digits(pixels)));
    assertPredictorOutputs(rows, "probs");
    assertTrue(List.of(rows.get(0).schema().fieldNames()).contains("digit"));
    AdjointScorer copy = loaded.copy(new ParamMap().put(loaded.outputPrefix(), "p_"));
    assertEquals("p_", copy.getOrDefault(copy.outputPrefix()));
    assertEquals(16, (Integer) copy.getOrDefault(copy.batchSize()));
  }

  @Test
  void registeredAsASqlFunctionOfOneVectorColumn() {
    AdjointUdf.register(spark, "mnist", source, checkpoint.toString());
    digits(pixels).createOrReplaceTempView("digits");
    List<Row> rows = byId(spark.sql("SELECT id, mnist(x) AS probs FROM digits"));
    assertPredictorOutputs(rows, "probs");
  }

  @Test
  void schemaErrorsNameTheColumn() {
    Dataset<Row> noPixels = digits(pixels).withColumnRenamed("x", "pixels");
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> scorer().transform(noPixels));
    assertEquals("model mnist reads column 'x' (x: 784 numbers), which the data lacks; its columns: id, pixels",
        missing.getMessage());
    Dataset<Row> text = digits(pixels).withColumn("x", org.apache.spark.sql.functions.lit("seven"));
    IllegalArgumentException typed = assertThrows(IllegalArgumentException.class, () -> scorer().transform(text));
    assertEquals("column 'x' is string; model mnist reads x: 784 numbers: an array of numbers or an ML vector",
        typed.getMessage());
    IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
        () -> scorer().setPredictionCol("id").transformSchema(digits(pixels).schema()));
    assertTrue(taken.getMessage().startsWith("the data already has a column 'id'"), taken.getMessage());
  }

  @Test
  void aRowOfTheWrongLengthFailsTheJobNamingTheColumnAndTheRow() {
    List<float[]> rows = new ArrayList<>(pixels.subList(0, 3));
    rows.add(new float[] {1, 2, 3});
    Exception e = assertThrows(Exception.class, () -> scorer().transform(digits(rows)).collectAsList());
    assertTrue(e.getMessage().contains("column 'x' holds 3 values where the model reads 784, in row {x=[1.0, 2.0, 3.0]}"),
        e.getMessage());
  }
}
