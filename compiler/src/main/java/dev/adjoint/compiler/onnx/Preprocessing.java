package dev.adjoint.compiler.onnx;

import java.util.Map;

/**
 * What training did to the raw features before the model saw them, as a checkpoint records
 * it: every floating-point input multiplied by {@code scale} (an {@code idx} source's), then
 * the standardized inputs' features less their mean and divided by their deviation (one value
 * per feature of a sample). Export writes these as the model's first ops, so that the ONNX
 * model takes raw features as {@code adjoint predict} does.
 */
public record Preprocessing(double scale, Map<String, double[]> means, Map<String, double[]> stds) {
  public static final Preprocessing NONE = new Preprocessing(1, Map.of(), Map.of());

  public Preprocessing {
    means = Map.copyOf(means);
    stds = Map.copyOf(stds);
    if (!means.keySet().equals(stds.keySet())) {
      throw new IllegalArgumentException("means for " + means.keySet() + " but deviations for " + stds.keySet());
    }
  }
}
