package dev.adjoint.spark;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.runs.DataSources;
import dev.adjoint.data.Dataset;
import dev.adjoint.data.Splits;
import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.model.CompiledModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * By hand, not a test (spark/README.md says how to run it): W1's network (784-256-256-10, Adam,
 * batch 64 per worker) trained data-parallel with k = 8 (the third argument; the fourth, the
 * epochs of each run, 2 by default) on local[1] and local[2] against its
 * training step alone in one process, in samples/s; and batch scoring of the MNIST perceptron
 * over generated rows, in rows/s.
 */
public final class SparkBenchmark {
  private static final String W1 = """
      model w1 {
        input  x: f32[B, 784]
        target y: class[B] of 10
        h1 = dense(x, 256, act = relu)
        h2 = dense(h1, 256, act = relu)
        logits = dense(h2, 10)
        output probs = softmax(logits)
        loss = cross_entropy(probs, y)
      }
      train w1 {
        data idx("IMAGES", "LABELS", scale = 1 / 255), split(train = 0.8, val = 0.1, test = 0.1)
        optimizer adam(lr = 1e-3)
        batch 64; epochs 2; seed 1
      }
      """;

  private SparkBenchmark() {}

  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "all";
    Path examples = Path.of(args.length > 1 ? args[1] : "examples");
    String text = W1.replace("IMAGES", examples.resolve("mnist/data/mnist-images.idx.gz").toAbsolutePath().toString())
        .replace("LABELS", examples.resolve("mnist/data/mnist-labels.idx.gz").toAbsolutePath().toString());
    ModelSource w1 = new ModelSource("w1.nn", text, null, List.of());
    ModelUnit unit = Adjoint.check("w1.nn", text, null, List.of());
    Splits splits = DataSources.splits(unit.train(), unit.graph());
    if (what.equals("all") || what.equals("train")) {
      single(w1, splits.train());
      int k = args.length > 2 ? Integer.parseInt(args[2]) : 8;
      int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 2;
      for (int threads : new int[] {1, 2}) {
        spark(w1, splits.train(), threads, k, epochs);
      }
    }
    if (what.equals("all") || what.equals("score")) {
      for (int threads : new int[] {1, 2}) {
        score(examples, threads, threads == 1 ? 200_000 : 1_000_000);
      }
    }
  }

  private static void single(ModelSource w1, Dataset train) {
    CompiledModel model = JvmModels.factory(w1).newModel(64);
    model.initialize(1);
    model.setLearningRate(1e-3);
    float[] x = train.f32("x");
    int[] y = train.i32("y");
    int steps = train.size() / 64;
    for (int epoch = 0; epoch < 3; epoch++) { // the first warms up
      long started = System.nanoTime();
      for (int s = 0; s < steps; s++) {
        System.arraycopy(x, s * 64 * 784, model.input("x").f32(), 0, 64 * 784);
        System.arraycopy(y, s * 64, model.input("y").i32(), 0, 64);
        model.trainStep(64);
      }
      report("single process, trainStep loop", steps * 64, System.nanoTime() - started);
    }
  }

  private static void spark(ModelSource w1, Dataset train, int threads, int k, int epochs) {
    SparkSession spark = SparkSessions.local("local[" + threads + "]");
    try {
      org.apache.spark.sql.Dataset<Row> rows = MnistRows.frame(spark, MnistRows.rows(train, 0, train.size()), threads);
      for (int run = 0; run < 2; run++) { // the first warms up
        long[] samples = new long[1];
        List<Long> rounds = new java.util.ArrayList<>();
        long started = System.nanoTime();
        long[] firstRound = new long[1];
        AdjointSparkTrainer.fit(rows, null, w1, SparkTrainingOptions.localSteps(k).withEpochs(epochs)
            .withListener(new SparkTrainingListener() {
              @Override
              public void round(int epoch, int round, long step, double loss, long n, long millis) {
                if (rounds.isEmpty()) {
                  firstRound[0] = System.nanoTime() - millis * 1_000_000;
                }
                samples[0] += n;
                rounds.add(millis);
              }
            }));
        long total = System.nanoTime() - started;
        String what = "local[" + threads + "], k = " + k + ", " + threads + " partitions";
        report(what, samples[0], total);
        long inRounds = rounds.stream().mapToLong(Long::longValue).sum();
        List<Long> sorted = rounds.stream().sorted().toList();
        System.out.printf(Locale.ROOT, "  %d rounds, median %d ms; before the first round %.1f s; "
            + "in rounds only: %,.0f samples/s%n", rounds.size(), sorted.get(sorted.size() / 2),
            (firstRound[0] - started) / 1e9, samples[0] / (inRounds / 1e3));
      }
    } finally {
      spark.stop();
    }
  }

  private static void score(Path examples, int threads, int count) throws Exception {
    ModelSource mnist = ModelSource.read(examples.resolve("mnist/mnist.nn"), null, List.of());
    CompiledModel model = JvmModels.factory(mnist).newModel(1);
    model.initialize(3);
    Path checkpoint = Files.createTempFile("mnist-", ".safetensors");
    Checkpoint.save(checkpoint, model, dev.adjoint.compiler.runs.PredictorMetadata.of(JvmModels.unit(mnist)));
    SparkSession spark = SparkSessions.local("local[" + threads + "]");
    try {
      org.apache.spark.sql.Dataset<Row> rows = spark.range(0, count, 1, threads * 4).select(functions.expr(
          "array_repeat(CAST(id % 256 AS FLOAT), 784) AS x"));
      AdjointScorer scorer = new AdjointScorer().setModel(mnist).setCheckpoint(checkpoint.toString());
      scorer.transform(rows.limit(10_000)).write().format("noop").mode("overwrite").save(); // warm-up
      long started = System.nanoTime();
      scorer.transform(rows).write().format("noop").mode("overwrite").save();
      report("scoring, local[" + threads + "], batches of 256", count, System.nanoTime() - started);
    } finally {
      spark.stop();
      Files.deleteIfExists(checkpoint);
    }
  }

  private static void report(String what, long samples, long nanos) {
    System.out.printf(Locale.ROOT, "%-45s %,10d samples in %6.1f s: %,9.0f /s%n", what, samples, nanos / 1e9,
        samples / (nanos / 1e9));
  }
}
