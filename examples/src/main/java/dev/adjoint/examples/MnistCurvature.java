package dev.adjoint.examples;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.ModelFunction;
import dev.adjoint.compiler.autodiff.FunctionSpec;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.runtime.model.CompiledModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The curvature of the MNIST perceptron's loss: its Hessian's largest eigenvalue, by power
 * iteration on Hessian-vector products (v ← Hv / |Hv|), each one call of a compiled
 * {@link ModelFunction} (forward mode over the reverse-mode gradient, never the Hessian
 * itself: the perceptron has 55,000 parameters). Printed at initialization and after two
 * epochs of training; gradient descent is stable only with a learning rate below 2/λ.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp ... dev.adjoint.examples.MnistCurvature [examples folder]}
 */
public final class MnistCurvature {
  static final int BATCH = 256;
  static final int ITERATIONS = 30;

  private MnistCurvature() {}

  /**
   * The estimate: the eigenvalue λ (the last Rayleigh quotient vᵀHv), the relative residual
   * |Hv - λv| / |λ| of its vector, and λ at each iteration.
   */
  public record Estimate(double eigenvalue, double residual, List<Double> history) {}

  /** λ before training and after. */
  public record Result(Estimate initial, Estimate trained) {}

  public static void main(String[] args) throws IOException {
    Result r = run(Path.of(args.length > 0 ? args[0] : "examples"), ITERATIONS);
    System.out.printf("top Hessian eigenvalue of the loss on %d digits: %.4f at initialization (residual %.1e),"
        + " %.4f after two epochs (residual %.1e)%n", BATCH, r.initial().eigenvalue(), r.initial().residual(),
        r.trained().eigenvalue(), r.trained().residual());
    System.out.printf("so plain gradient descent on this loss is stable below a learning rate of %.3f%n",
        2 / r.trained().eigenvalue());
  }

  public static Result run(Path examples, int iterations) throws IOException {
    Path file = examples.resolve("mnist/mnist.nn");
    MnistDigits data = MnistDigits.read(examples.resolve("mnist"));
    ModelUnit unit = Adjoint.check(file, null, MnistSaliency.SETS);
    CompiledModel model = Adjoint.compile(file, null, MnistSaliency.SETS).newModel(BATCH);
    model.initialize(42);
    ModelFunction hvp = ModelFunction.bind(unit, FunctionSpec.hvp(), model);
    for (int i = 0; i < BATCH; i++) { // a fixed batch of held-out digits: the loss whose curvature is measured
      System.arraycopy(data.pixels()[9000 + i], 0, hvp.input("x").f32(), i * MnistDigits.PIXELS, MnistDigits.PIXELS);
      hvp.input("y").i32()[i] = data.labels()[9000 + i];
    }
    Estimate initial = topEigenvalue(hvp, iterations, new Random(1));
    data.train(model, 8000, 2, 64);
    return new Result(initial, topEigenvalue(hvp, iterations, new Random(1)));
  }

  /** Power iteration from a random unit vector over every parameter. */
  static Estimate topEigenvalue(ModelFunction hvp, int iterations, Random random) {
    List<float[]> v = new ArrayList<>();
    List<float[]> hv = new ArrayList<>();
    hvp.params().keySet().forEach(name -> {
      v.add(hvp.input("v." + name).f32());
      hv.add(hvp.output("hvp." + name).f32());
    });
    for (float[] part : v) {
      for (int i = 0; i < part.length; i++) {
        part[i] = (float) random.nextGaussian();
      }
    }
    scale(v, 1 / norm(v));
    List<Double> history = new ArrayList<>();
    double lambda = 0;
    double residual = Double.NaN;
    for (int k = 0; k < iterations; k++) {
      hvp.compute(BATCH);
      lambda = dot(v, hv);
      history.add(lambda);
      double r2 = 0;
      for (int p = 0; p < v.size(); p++) {
        for (int i = 0; i < v.get(p).length; i++) {
          double d = hv.get(p)[i] - lambda * v.get(p)[i];
          r2 += d * d;
        }
      }
      residual = Math.sqrt(r2) / Math.abs(lambda);
      for (int p = 0; p < v.size(); p++) {
        System.arraycopy(hv.get(p), 0, v.get(p), 0, v.get(p).length);
      }
      scale(v, 1 / norm(v));
    }
    return new Estimate(lambda, residual, history);
  }

  private static double dot(List<float[]> a, List<float[]> b) {
    double sum = 0;
    for (int p = 0; p < a.size(); p++) {
      for (int i = 0; i < a.get(p).length; i++) {
        sum += (double) a.get(p)[i] * b.get(p)[i];
      }
    }
    return sum;
  }

  private static double norm(List<float[]> v) {
    return Math.sqrt(dot(v, v));
  }

  private static void scale(List<float[]> v, double factor) {
    for (float[] part : v) {
      for (int i = 0; i < part.length; i++) {
        part[i] = (float) (part[i] * factor);
      }
    }
  }
}
