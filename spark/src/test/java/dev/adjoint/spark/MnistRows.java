package dev.adjoint.spark;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.runs.DataSources;
import dev.adjoint.data.Dataset;
import dev.adjoint.data.Splits;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The shipped MNIST digits (examples/mnist/data) as a train block reads them, and as Spark rows. */
final class MnistRows {
  static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType)
      .add("x", DataTypes.createArrayType(DataTypes.FloatType)).add("y", DataTypes.IntegerType);

  private MnistRows() {}

  /** The block's splits of the model's data source (pixels scaled by 1/255); its paths are taken from the working directory. */
  static Splits splits(ModelSource source) {
    return splits(source.unit());
  }

  /** The block's splits of the data source of the model in {@code file}, its paths taken from the file's folder. */
  static Splits splits(java.nio.file.Path file) {
    return splits(dev.adjoint.compiler.Adjoint.check(file, null, List.of()));
  }

  private static Splits splits(ModelUnit unit) {
    return DataSources.splits(unit.train(), unit.graph());
  }

  /** Rows {@code from .. to - 1} of {@code data} as (id, x, y) rows. */
  static List<Row> rows(Dataset data, int from, int to) {
    float[] x = data.f32("x");
    int[] y = data.i32("y");
    List<Row> out = new ArrayList<>();
    for (int r = from; r < to; r++) {
      // a primitive array, which Spark takes for an array column: a partition of the rows then
      // serializes as a few large arrays, not 784 boxed numbers a row
      out.add(RowFactory.create(r, java.util.Arrays.copyOfRange(x, r * 784, (r + 1) * 784), y[r]));
    }
    return out;
  }

  /** The rows in {@code partitions} contiguous slices, in order (as parallelize cuts a list). */
  static org.apache.spark.sql.Dataset<Row> frame(SparkSession spark, List<Row> rows, int partitions) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(sc.parallelize(rows, partitions), SCHEMA);
  }

  /** The MNIST perceptron of examples/mnist without dropout, trained by SGD with momentum, batch 32 per worker. */
  static ModelSource sgdPerceptron() {
    return perceptron("sgd(lr = 0.05, momentum = 0.9)", null);
  }

  /** The MNIST perceptron without dropout, with the given optimizer and clipping (null: none), batch 32 per worker. */
  static ModelSource perceptron(String optimizer, String clip) {
    String images = SparkSessions.example("mnist/data/mnist-images.idx.gz").toAbsolutePath().toString();
    String labels = SparkSessions.example("mnist/data/mnist-labels.idx.gz").toAbsolutePath().toString();
    String text = """
        model mnist(hidden = 32) {
          input  x: f32[B, 784]
          target y: class[B] of 10
          h      = dense(x, hidden, act = relu)
          logits = dense(h, 10)
          output probs = softmax(logits)
          loss   = cross_entropy(probs, y, label_smoothing = 0.1)
        }

        train mnist {
          data      idx("IMAGES", "LABELS", scale = 1 / 255), split(train = 0.8, val = 0.1, test = 0.1)
          optimizer OPTIMIZER
          CLIP
          batch 32; epochs 1; seed 42; shuffle false
          metrics   accuracy
        }
        """.replace("IMAGES", images).replace("LABELS", labels).replace("OPTIMIZER", optimizer)
        .replace("CLIP", clip == null ? "" : "clip      " + clip);
    return new ModelSource(clip == null ? "mnist-" + optimizer.substring(0, optimizer.indexOf('(')) + ".nn"
        : "mnist-clipped.nn", text, null, List.of());
  }
}
