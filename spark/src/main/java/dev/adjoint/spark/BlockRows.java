package dev.adjoint.spark;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.data.Dataset;
import dev.adjoint.runtime.model.CompiledModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A train block's own data (as {@code adjoint train} reads it) as Spark rows, one column per
 * model input and target: what the in-process route trains on when no {@code --data} is given.
 */
final class BlockRows {
  private BlockRows() {}

  /** The rows of {@code data} in {@code partitions} slices; columns: a number for one value per sample, else an array. */
  static org.apache.spark.sql.Dataset<Row> frame(SparkSession spark, Dataset data, ModelUnit unit,
      CompiledModel model, int partitions) {
    RowLayout layout = RowLayout.of(unit, model, true);
    StructType schema = new StructType();
    for (ModelColumn c : layout.columns()) {
      DataType element = c.integer() ? DataTypes.IntegerType : DataTypes.FloatType;
      schema = schema.add(c.name(), c.width() == 1 ? element : DataTypes.createArrayType(element, false), false);
    }
    List<Row> rows = new ArrayList<>(data.size());
    for (int r = 0; r < data.size(); r++) {
      Object[] values = new Object[layout.columns().size()];
      for (int i = 0; i < values.length; i++) {
        ModelColumn c = layout.columns().get(i);
        Object[] cell = new Object[c.width()];
        for (int e = 0; e < c.width(); e++) {
          double v = data.get(c.name(), r, e);
          cell[e] = c.integer() ? (Object) (int) v : (Object) (float) v;
        }
        values[i] = c.width() == 1 ? cell[0] : cell;
      }
      rows.add(RowFactory.create(values));
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(sc.parallelize(rows, partitions), schema);
  }
}
