package dev.example;

import dev.adjoint.runtime.predict.Predictor;
import java.nio.file.Path;

/** Names the species of a flower given on the command line: {@code CHECKPOINT SL SW PL PW}. */
public final class IrisApp {
  private IrisApp() {}

  /** The predictor of the generated class over a checkpoint of {@code adjoint train}. */
  public static Predictor load(Path checkpoint) {
    return Predictor.load(IrisPredictor::new, checkpoint);
  }

  public static void main(String[] args) {
    Predictor predictor = load(Path.of(args[0]));
    float[] flower = new float[4];
    for (int i = 0; i < 4; i++) {
      flower[i] = Float.parseFloat(args[i + 1]);
    }
    System.out.println(predictor.predictClass(flower));
  }
}
