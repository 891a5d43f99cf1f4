package dev.adjoint.spark;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.predict.Predictor;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * A model of one input as a Spark SQL function of one column (an array of numbers, or an ML
 * vector): {@code SELECT mnist(pixels) FROM digits} gives the scores {@link Predictor#predict}
 * gives (the checkpoint's class output, else the model's first), as an array of floats. Each
 * JVM compiles and loads the model once; each call runs one row through buffers borrowed for it
 * (as {@link LoadedModel#FEWEST_ROWS} rows, so that its sums round as a batch's do).
 */
public final class AdjointUdf {
  private AdjointUdf() {}

  /** Registers the function as {@code name} in {@code spark}'s SQL catalog and returns it. */
  public static UserDefinedFunction register(SparkSession spark, String name, ModelSource source, String checkpoint) {
    ModelUnit unit = JvmModels.unit(source);
    CompiledModel probe = JvmModels.factory(source).newModel(1);
    RowLayout layout = RowLayout.of(unit, probe, false);
    if (layout.columns().size() != 1) {
      throw new IllegalArgumentException("model " + probe.modelName() + " has " + layout.columns().size()
          + " inputs; a SQL function takes a model of one input: use AdjointScorer");
    }
    ModelColumn column = layout.columns().get(0);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    byte[] weights = HadoopFiles.read(checkpoint, sc.hadoopConfiguration());
    Map<String, String> metadata = CheckpointFiles.metadata(weights);
    String output = metadata.getOrDefault(Predictor.CLASS_OUTPUT_KEY, probe.outputs().keySet().iterator().next());
    Broadcast<byte[]> shipped = sc.broadcast(weights);
    UDF1<Object, float[]> score = cell -> {
      LoadedModel loaded = LoadedModel.of(source, shipped.value(), LoadedModel.FEWEST_ROWS);
      CompiledModel model = loaded.borrow();
      try {
        layout.writeCell(cell, model, 0);
        loaded.predict(model, 1);
        return LoadedModel.output(model, output, 0);
      } finally {
        loaded.giveBack(model);
      }
    };
    UserDefinedFunction udf = functions.udf(score, DataTypes.createArrayType(DataTypes.FloatType, false));
    spark.udf().register(name, udf);
    return udf;
  }
}
