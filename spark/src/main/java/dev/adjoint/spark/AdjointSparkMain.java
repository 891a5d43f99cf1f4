package dev.adjoint.spark;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.AdjointException;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.runs.DataSources;
import dev.adjoint.compiler.runs.PredictorMetadata;
import dev.adjoint.data.Splits;
import dev.adjoint.runtime.predict.Predictor;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The command line for {@code spark-submit} (and for trying it in process with
 * {@code --master local[2]}):
 *
 * <pre>
 * train FILE [--model NAME] [--set NAME=VALUE]... [--data PATH [--format parquet]] [--partitions N]
 *            [--local-steps K] [--epochs N] [--checkpoints DIR] [--resume] [--master URL]
 * score FILE --checkpoint PATH --data PATH [--format parquet] --output PATH [--batch N] [--model NAME]
 *            [--set NAME=VALUE]... [--master URL]
 * </pre>
 *
 * {@code train} without {@code --data} reads the train block's own data source on the driver
 * (with its split and an idx source's scale, as {@code adjoint train} does) and spreads it over
 * {@code --partitions} workers. Errors are one line on standard error and exit status 1.
 */
public final class AdjointSparkMain {
  private AdjointSparkMain() {}

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs a command; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      Flags flags = Flags.parse(args);
      if (flags.command.equals("train")) {
        train(flags, out);
      } else {
        score(flags, out);
      }
      return 0;
    } catch (AdjointException e) {
      err.println(e.getMessage());
      return 1;
    } catch (IllegalArgumentException | BadRowException | java.io.UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private static SparkSession session(Flags flags) {
    SparkSession.Builder builder = SparkSession.builder().appName("adjoint " + flags.command + " " + flags.file);
    if (flags.master != null) {
      builder.master(flags.master);
    }
    return builder.getOrCreate();
  }

  private static void train(Flags flags, PrintStream out) {
    ModelSource source = ModelSource.read(flags.file, flags.model, flags.sets);
    SparkSession spark = session(flags);
    int partitions = flags.partitions > 0 ? flags.partitions : spark.sparkContext().defaultParallelism();
    SparkTrainingOptions options = SparkTrainingOptions.localSteps(flags.localSteps).withEpochs(flags.epochs)
        .withCheckpoints(flags.checkpoints, flags.resume).withListener(SparkTrainingListener.printing(out));
    SparkTrainingResult result;
    if (flags.data == null) {
      ModelUnit unit = Adjoint.check(flags.file, flags.model, flags.sets); // the block's paths from the file's folder
      Splits splits = DataSources.splits(unit.train(), unit.graph());
      var model = JvmModels.factory(source).newModel(1);
      Map<String, String> scale = new LinkedHashMap<>();
      String recorded = PredictorMetadata.of(unit).get(Predictor.INPUT_SCALE_KEY);
      if (recorded != null) {
        scale.put(Predictor.INPUT_SCALE_KEY, recorded);
      }
      Dataset<Row> train = BlockRows.frame(spark, splits.train(), unit, model, partitions);
      Dataset<Row> val = splits.val().size() == 0 ? null : BlockRows.frame(spark, splits.val(), unit, model, partitions);
      result = AdjointSparkTrainer.fit(train, val, source, options.withMetadata(scale));
    } else {
      Dataset<Row> data = spark.read().format(flags.format).option("header", "true").option("inferSchema", "true")
          .load(flags.data);
      result = AdjointSparkTrainer.fit(flags.partitions > 0 ? data.repartition(partitions) : data, source, options);
    }
    out.println("trained " + result.history().size() + " epochs" + (result.stoppedEarly() ? ", stopped early" : "")
        + "; checkpoints in " + flags.checkpoints);
  }

  private static void score(Flags flags, PrintStream out) {
    if (flags.checkpoint == null || flags.data == null || flags.output == null) {
      throw new IllegalArgumentException("score needs --checkpoint, --data and --output");
    }
    ModelSource source = ModelSource.read(flags.file, flags.model, flags.sets);
    SparkSession spark = session(flags);
    Dataset<Row> data = spark.read().format(flags.format).load(flags.data);
    AdjointScorer scorer = new AdjointScorer().setModel(source).setCheckpoint(flags.checkpoint)
        .setBatchSize(flags.batch);
    scorer.transform(data).write().mode("overwrite").parquet(flags.output);
    out.println("scored " + flags.data + " into " + flags.output);
  }

  /** The parsed command line. */
  private static final class Flags {
    String command;
    Path file;
    String model;
    final List<String> sets = new ArrayList<>();
    String data;
    String format = "parquet";
    String master;
    int partitions;
    int localSteps = 8;
    int epochs;
    String checkpoints = "spark-run";
    boolean resume;
    String checkpoint;
    String output;
    int batch = 256;

    static Flags parse(String[] args) {
      Flags f = new Flags();
      if (args.length < 2 || !(args[0].equals("train") || args[0].equals("score"))) {
        throw new IllegalArgumentException("usage: (train | score) FILE [flags]; see the class's documentation "
            + "or spark/README.md");
      }
      f.command = args[0];
      f.file = Path.of(args[1]);
      for (int i = 2; i < args.length; i++) {
        String flag = args[i];
        if (flag.equals("--resume")) {
          f.resume = true;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String value = args[++i];
        switch (flag) {
          case "--model" -> f.model = value;
          case "--set" -> f.sets.add(value);
          case "--data" -> f.data = value;
          case "--format" -> f.format = value;
          case "--master" -> f.master = value;
          case "--partitions" -> f.partitions = number(flag, value);
          case "--local-steps" -> f.localSteps = number(flag, value);
          case "--epochs" -> f.epochs = number(flag, value);
          case "--checkpoints" -> f.checkpoints = value;
          case "--checkpoint" -> f.checkpoint = value;
          case "--output" -> f.output = value;
          case "--batch" -> f.batch = number(flag, value);
          default -> throw new IllegalArgumentException("unknown flag " + flag + " for " + f.command);
        }
      }
      return f;
    }

    private static int number(String flag, String value) {
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + " takes a whole number, not '" + value + "'", e);
      }
    }
  }
}
