package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A small regression model ({@code p = x @ W + b}, mse, 3 features to 2 targets) compiled
 * with a train block whose settings a test gives, for the optimizer, penalty and clipping
 * tests; with known parameters and inputs. The data file the train block names is a tiny
 * CSV written to a temporary folder: only its existence is checked at compile time.
 */
final class TrainedModels {
  static final int MAX_BATCH = 8;
  static final int BATCH = 5;

  private static Path csv;

  private TrainedModels() {}

  /** The model in {@code dtype} with {@code settings} (optimizer, regularize, clip lines) in its train block. */
  static ModelUnit unit(String dtype, String settings) {
    String text = """
        model reg {
          input  x: %1$s[B, 3]
          target y: %1$s[B, 2]
          param  W: %1$s[3, 2] = zeros
          param  b: %1$s[2] = zeros
          output p = x @ W + b
          loss = mse(p, y)
        }
        train reg {
          data csv("%2$s", x = ("a", "b", "c"), y = ("d", "e"))
        %3$s
        }
        """.formatted(dtype, data().toString().replace("\\", "/"), settings.indent(2));
    Compilation c = Frontend.compile(SourceFile.of("reg.nn", text));
    assertTrue(c.ok(), c.diagnostics().format());
    return c.models().get(0);
  }

  /** Parameters W (3 x 2) and b (2), nonzero, in f32-exact values. */
  static Map<String, F64Tensor> params(long seed) {
    Random random = new Random(seed);
    Map<String, F64Tensor> params = new LinkedHashMap<>();
    params.put("W", F64Tensor.of(new int[] {3, 2}, values(random, 6, 0.5)));
    params.put("b", F64Tensor.of(new int[] {2}, values(random, 2, 0.5)));
    return params;
  }

  /** Inputs x ({@link #BATCH} x 3) and targets y ({@link #BATCH} x 2), in f32-exact values. */
  static Map<String, F64Tensor> inputs(long seed) {
    Random random = new Random(seed + 1);
    Map<String, F64Tensor> inputs = new LinkedHashMap<>();
    inputs.put("x", F64Tensor.of(new int[] {BATCH, 3}, values(random, BATCH * 3, 1)));
    inputs.put("y", F64Tensor.of(new int[] {BATCH, 2}, values(random, BATCH * 2, 1)));
    return inputs;
  }

  /** Writes the tensors into the model's buffers of the same names. */
  static void load(CompiledModel model, Map<String, F64Tensor> inputs, Map<String, F64Tensor> params) {
    inputs.forEach((name, t) -> set(model.input(name), t.data()));
    params.forEach((name, t) -> set(model.param(name), t.data()));
  }

  static void set(dev.adjoint.runtime.model.Tensor into, double[] values) {
    for (int i = 0; i < values.length; i++) {
      into.set(i, values[i]);
    }
  }

  /** The first {@code count} values of a model tensor. */
  static double[] get(dev.adjoint.runtime.model.Tensor tensor, int count) {
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      out[i] = tensor.get(i);
    }
    return out;
  }

  private static double[] values(Random random, int count, double scale) {
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      out[i] = (float) (random.nextGaussian() * scale);
    }
    return out;
  }

  static synchronized Path data() {
    if (csv == null) {
      try {
        Path folder = Files.createTempDirectory("adjoint-trained-models");
        // deleteOnExit runs in reverse order of registration: the file first, then its folder
        folder.toFile().deleteOnExit();
        csv = folder.resolve("reg.csv");
        Files.writeString(csv, "a,b,c,d,e\n1,2,3,4,5\n");
        csv.toFile().deleteOnExit();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return csv;
  }
}
