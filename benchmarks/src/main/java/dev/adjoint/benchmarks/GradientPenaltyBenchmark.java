package dev.adjoint.benchmarks;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.runtime.model.CompiledModel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A double backward in one compiled step: W1's network trained with a WGAN-GP style
 * gradient penalty on its input, {@code mean((‖∇ₓ Σ z_y‖ - 1)²)}, whose parameter gradient
 * is a second derivative, against W1's plain step ({@code plainStep}, the same as
 * {@code AdjointWorkloads.w1MnistMlp}). The target is at most 3× the plain step's time.
 * PyTorch has no twin here: DJL's {@code GradientCollector} cannot ask for
 * {@code create_graph} (benchmarks/README.md).
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.VECTOR, Jvm.XMS, Jvm.XMX})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GradientPenaltyBenchmark {
  /** W1's loss line, replaced by the penalized loss. */
  static final String PLAIN_LOSS = "  loss = cross_entropy(probs, y)\n";
  static final String PENALIZED_LOSS = """
        true_logit = sum(l3 * one_hot(y), axis = 1)
        gp = mean(square(norm(grad(sum(true_logit), x), axis = 1) - 1))
        loss = cross_entropy(probs, y) + 0.1 * gp
      """;

  /** W1's model, plain and penalized, each reset to the shared weights before each iteration. */
  @State(Scope.Thread)
  public static class Models {
    @Param({"1", "2"})
    public int threads;
    BenchData data;
    CompiledModel plain;
    CompiledModel penalized;

    @Setup(Level.Trial)
    public void setup() {
      AdjointSide.useThreads(threads);
      data = BenchData.of(Workload.MNIST_MLP);
      plain = AdjointSide.trainer(data);
      penalized = compile(penalizedText()).newModel(Workload.MNIST_MLP.batch());
      AdjointSide.reset(penalized, data);
      AdjointSide.fillBatch(penalized, data);
    }

    @Setup(Level.Iteration)
    public void reset() {
      AdjointSide.reset(plain, data);
      AdjointSide.reset(penalized, data);
    }

    private dev.adjoint.compiler.codegen.ModelFactory compile(String text) {
      Path file = ModelFiles.write(Workload.MNIST_MLP.modelName(), text, data.inputs(), Workload.MNIST_MLP.inputs(),
          data.classes());
      try {
        return Adjoint.compile(file);
      } finally {
        ModelFiles.deleteFolder(file.getParent());
      }
    }
  }

  /** W1's .nn text with the gradient penalty added to its loss. */
  static String penalizedText() {
    String text = Workload.MNIST_MLP.text();
    if (!text.contains(PLAIN_LOSS)) {
      throw new IllegalStateException("W1's model no longer has the loss line " + PLAIN_LOSS.strip());
    }
    return text.replace(PLAIN_LOSS, PENALIZED_LOSS);
  }

  @Benchmark
  public double plainStep(Models s) {
    return s.plain.trainStep(Workload.MNIST_MLP.batch());
  }

  @Benchmark
  public double gradientPenaltyStep(Models s) {
    return s.penalized.trainStep(Workload.MNIST_MLP.batch());
  }
}
