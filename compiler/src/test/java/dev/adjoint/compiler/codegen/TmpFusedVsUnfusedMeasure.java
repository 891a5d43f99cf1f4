package dev.adjoint.compiler.codegen;

import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TmpFusedVsUnfusedMeasure {
  private static final String HEAD = """
      model m {
        input  x: f32[B, 64, 128]
        target y: f32[B, 64, 128]
        q = transpose(reshape(dense(x, 128), (B, 64, 4, 32)), (0, 2, 1, 3))
        k = transpose(reshape(dense(x, 128), (B, 64, 4, 32)), (0, 2, 1, 3))
        v = transpose(reshape(dense(x, 128), (B, 64, 4, 32)), (0, 2, 1, 3))
      """;
  private static final String FUSED = HEAD + """
        o = attention(q, k, v)
        output r = reshape(transpose(o, (0, 2, 1, 3)), (B, 64, 128))
        loss = mse(r, y)
      }
      """;
  private static final String UNFUSED = HEAD + """
        o = softmax(q @ transpose(k) * 0.1767766952966369) @ v
        output r = reshape(transpose(o, (0, 2, 1, 3)), (B, 64, 128))
        loss = mse(r, y)
      }
      """;

  private static double time(String src, boolean train) {
    CompiledModel m = ModelCompiler.compile(Frontend.compile(SourceFile.of("m.nn", src)).models().get(0)).newModel(32);
    m.initialize(1);
    Random r = new Random(1);
    float[] x = m.input("x").f32();
    for (int i = 0; i < 32 * 64 * 128; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < 150; i++) {
      if (train) m.trainStep(32); else m.predict(32);
    }
    double best = Double.MAX_VALUE;
    for (int rep = 0; rep < 5; rep++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < 50; i++) {
        if (train) m.trainStep(32); else m.predict(32);
      }
      best = Math.min(best, (System.nanoTime() - t0) / 50e6);
    }
    return best;
  }

  @Test
  void measure() {
    for (int round = 0; round < 3; round++) {
      System.out.printf("MEASURE train fused %.3f ms unfused %.3f ms | predict fused %.3f ms unfused %.3f ms%n",
          time(FUSED, true), time(UNFUSED, true), time(FUSED, false), time(UNFUSED, false));
    }
  }
}
