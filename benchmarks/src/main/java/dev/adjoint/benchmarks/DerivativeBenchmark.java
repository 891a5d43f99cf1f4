package dev.adjoint.benchmarks;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.ModelFunction;
import dev.adjoint.compiler.autodiff.FunctionSpec;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.runtime.model.CompiledModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
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
 * The cost of a Hessian-vector product of W1's loss with respect to its parameters (forward
 * mode over the reverse-mode gradient, one compiled {@link ModelFunction}) against one
 * gradient of the same loss (forward and backward, no update), both on W1's shared weights
 * and batch of 64: the target is an HVP within 2.5 gradients. Each call also copies
 * the model's 270,000 parameters into the function, as every {@code ModelFunction} call does.
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.VECTOR, Jvm.XMS, Jvm.XMX})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DerivativeBenchmark {

  /** W1's model with its shared weights, and its gradient and Hessian-vector product bound to it. */
  @State(Scope.Thread)
  public static class W1 {
    @Param({"1"})
    public int threads;
    ModelFunction gradient;
    ModelFunction hvp;

    @Setup(Level.Trial)
    public void setup() {
      AdjointSide.useThreads(threads);
      BenchData data = BenchData.of(Workload.MNIST_MLP);
      Path file = ModelFiles.write(data);
      ModelUnit unit;
      try {
        unit = Adjoint.check(file, null, List.of());
      } finally {
        ModelFiles.deleteFolder(file.getParent());
      }
      CompiledModel model = AdjointSide.compile(data).newModel(Workload.MNIST_MLP.batch());
      AdjointSide.reset(model, data);
      gradient = ModelFunction.bind(unit, FunctionSpec.lossGradient(FunctionSpec.Wrt.PARAMETERS), model);
      hvp = ModelFunction.bind(unit, FunctionSpec.hvp(), model);
      for (ModelFunction f : List.of(gradient, hvp)) {
        int rows = Workload.MNIST_MLP.batch();
        System.arraycopy(data.inputs(), 0, f.input("x").f32(), 0, rows * Workload.MNIST_MLP.inputs());
        System.arraycopy(data.classes(), 0, f.input("y").i32(), 0, rows);
      }
      Random random = new Random(BenchData.SEED);
      hvp.inputs().forEach((name, t) -> {
        if (name.startsWith("v.")) {
          float[] v = t.f32();
          for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
          }
        }
      });
    }
  }

  @Benchmark
  public float w1Gradient(W1 s) {
    s.gradient.compute(Workload.MNIST_MLP.batch());
    return s.gradient.output(FunctionSpec.VALUE).f32()[0];
  }

  @Benchmark
  public float w1HessianVectorProduct(W1 s) {
    s.hvp.compute(Workload.MNIST_MLP.batch());
    return s.hvp.output(FunctionSpec.VALUE).f32()[0];
  }
}
