package dev.adjoint.benchmarks;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.runs.TrainingRun;
import dev.adjoint.runtime.features.TextFeatures;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.features.TextFeaturizer;
import dev.adjoint.runtime.predict.Predictor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Raw text to class in an embedded {@link Predictor}: examples/langid's model (the lab's
 * features: 1-, 2- and 3-grams MD5-hashed into 521, 1031 and 1031 buckets, relative
 * frequencies, a weighted embedding bag of 320 places, hidden 64, 16 classes), trained one
 * epoch in the setup, on its 2,041 UDHR segments in turn (20 to 200 characters, median 79);
 * one thread. {@code featurize256} is the featurization alone, into a batch's arrays.
 * {@code trainStep32} is one training step at batch 32 over 32 featurized sentences. Reported in
 * sentences per second (each operation is one sentence).
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.VECTOR, Jvm.XMS, Jvm.XMX, "-Dadjoint.threads=1"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TextPredictorBenchmark {
  private static final int BATCH = 256;
  private static final int TRAIN_BATCH = 32;

  /** The trained predictor and the sentences, read from the checkout's examples/langid. */
  @State(Scope.Thread)
  public static class Langid {
    Predictor predictor;
    TextFeaturizer featurizer;
    List<String> sentences;
    int next;
    int[] ids;
    float[] weights;
    Path run;
    CompiledModel training;

    @Setup(Level.Trial)
    public void setup() throws IOException {
      Path langid = CompileBenchmark.launcher().getParent().getParent().resolve("examples/langid");
      sentences = Files.readAllLines(langid.resolve("data/udhr.tsv")).stream().skip(1)
          .map(l -> l.substring(l.indexOf('\t') + 1)).toList();
      ModelUnit unit = Adjoint.check(langid.resolve("langid.nn"), null, List.of());
      run = Files.createTempDirectory("adjoint-langid-bench");
      new TrainingRun(unit, run.resolve("run"), new PrintWriter(new StringWriter())).run(1, false);
      ModelFactory factory = Adjoint.compile(langid.resolve("langid.nn"));
      predictor = Predictor.load(factory::newModel, run.resolve("run/last.safetensors"), BATCH);
      TextFeatures features = TextFeatures.ngrams("grams", "freq", TextFeatures.Weighting.FREQUENCY,
          List.of(1, 2, 3), List.of(521, 1031, 1031), true, TextFeatures.Normalization.NONE);
      featurizer = new TextFeaturizer(features);
      ids = new int[BATCH * 320];
      weights = new float[BATCH * 320];
      training = trainingModel(factory);
    }

    /** A model at batch 32 whose inputs hold the first 32 sentences, featurized. */
    private CompiledModel trainingModel(ModelFactory factory) {
      CompiledModel model = factory.newModel(TRAIN_BATCH);
      model.initialize(42);
      int[] grams = model.input("grams").i32();
      float[] freq = model.input("freq").f32();
      for (int r = 0; r < TRAIN_BATCH; r++) {
        featurizer.featurize(sentences.get(r), grams, freq, r * 320, 320);
      }
      int[] lang = model.input("lang").i32();
      for (int r = 0; r < TRAIN_BATCH; r++) {
        lang[r] = r % 16;
      }
      return model;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      ModelFiles.deleteFolder(run);
    }

    /** The next {@code count} sentences, cycling through the data. */
    List<String> take(int count) {
      if (next + count > sentences.size()) {
        next = 0;
      }
      List<String> out = sentences.subList(next, next + count);
      next += count;
      return out;
    }
  }

  @Benchmark
  public String predictBatch1(Langid s) {
    return s.predictor.predictClass(s.take(1).get(0));
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<String> predictBatch256(Langid s) {
    return s.predictor.predictClasses(s.take(BATCH));
  }

  /** One training step of the same model at batch 32, as examples/langid trains it. */
  @Benchmark
  @OperationsPerInvocation(TRAIN_BATCH)
  public double trainStep32(Langid s) {
    return s.training.trainStep(TRAIN_BATCH);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int featurize256(Langid s) {
    int kept = 0;
    List<String> batch = s.take(BATCH);
    for (int r = 0; r < BATCH; r++) {
      kept += s.featurizer.featurize(batch.get(r), s.ids, s.weights, r * 320, 320);
    }
    return kept;
  }
}
