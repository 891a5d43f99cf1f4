package dev.adjoint.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each metric on batches written by hand into a model's buffers: one batch, a batch of one,
 * an empty batch, and an epoch of batches of unequal size, whose value must be the value of
 * all their rows taken at once (a partial last batch weighs what its rows weigh, not what a
 * full batch weighs).
 */
class MetricTest {

  /** Buffers only: an output {@code out} of {@code width} per row and a target {@code t} of {@code targetWidth}. */
  static final class Buffers extends CompiledModel {
    final float[] out;
    final float[] t;

    Buffers(int maxBatch, int width, int targetWidth) {
      super(maxBatch);
      out = registerOutput(new TensorSpec("out", DType.F32, -1, width), new float[maxBatch * width]);
      t = registerInput(new TensorSpec("t", DType.F32, -1, targetWidth), new float[maxBatch * targetWidth]);
    }

    @Override
    public String modelName() {
      return "buffers";
    }

    @Override
    public boolean hasLoss() {
      return false;
    }

    @Override
    public double trainStep(int batch) {
      throw noLoss();
    }

    @Override
    public double evaluate(int batch) {
      throw noLoss();
    }

    @Override
    public void predict(int batch) {}

    @Override
    public void initialize(long seed) {}
  }

  /** A metric over rows: each row's outputs, its targets, and its loss (for the loss metrics). */
  record Row(double[] out, double[] target, double loss) {}

  static Row row(double[] out, double... target) {
    return new Row(out, target, Double.NaN);
  }

  static double[] v(double... values) {
    return values;
  }

  /** Feeds the rows in batches of the given sizes; a mean loss gets the batch's mean, a summed one its sum. */
  static double value(Metric metric, List<Row> rows, int[] batches, Metric.Reduction reduction) {
    int width = rows.isEmpty() ? 1 : rows.get(0).out().length;
    int targetWidth = rows.isEmpty() ? 1 : rows.get(0).target().length;
    Buffers model = new Buffers(Math.max(1, rows.size()), width, targetWidth);
    metric.reset();
    int from = 0;
    for (int size : batches) {
      double loss = 0;
      for (int r = 0; r < size; r++) {
        Row row = rows.get(from + r);
        System.arraycopy(toFloat(row.out()), 0, model.out, r * width, width);
        System.arraycopy(toFloat(row.target()), 0, model.t, r * targetWidth, targetWidth);
        loss += row.loss();
      }
      if (reduction == Metric.Reduction.MEAN) {
        loss = size == 0 ? 0 : loss / size; // an empty batch averages to 0, as mean() does
      }
      metric.add(model, size, loss);
      from += size;
    }
    assertEquals(rows.size(), from, "the batches cover the rows");
    return metric.value();
  }

  private static float[] toFloat(double[] values) {
    float[] f = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      f[i] = (float) values[i];
    }
    return f;
  }

  static final List<Row> CLASSES = List.of(
      row(v(0.1, 0.7, 0.2), 1), // right
      row(v(0.5, 0.3, 0.2), 0), // right
      row(v(0.2, 0.3, 0.5), 1), // wrong
      row(v(0.6, 0.2, 0.2), 2), // wrong
      row(v(0.1, 0.1, 0.8), 2), // right
      row(v(0.3, 0.4, 0.3), 0), // wrong
      row(v(0.2, 0.2, 0.6), 2)); // right: 4 of 7

  static final List<Row> SCORES = List.of(
      row(v(0.9), 1), row(v(0.2), 0), row(v(0.5), 0), row(v(0.49), 1), row(v(0.7), 1)); // 3 of 5 at 0.5

  static final List<Row> LABELS = List.of(
      row(v(0.9, 0.1), 1, 0), row(v(0.6, 0.6), 0, 1), row(v(0.2, 0.8), 1, 1)); // 2 + 1 + 1 of 6 labels

  static final List<Row> VALUES = List.of(
      row(v(1.0), 0.5), row(v(2.0), 3.0), row(v(-1.0), -1.0), row(v(4.0), 1.0), row(v(0.0), 2.0));
  // errors 0.5, -1, 0, 3, -2: squared 0.25 + 1 + 0 + 9 + 4 = 14.25; absolute 6.5

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("multiclass, one batch", Metric.multiclassAccuracy("acc", "out", "t"), CLASSES, new int[] {7},
            4 / 7.0),
        Arguments.of("multiclass, 3 + 3 + a partial 1", Metric.multiclassAccuracy("acc", "out", "t"), CLASSES,
            new int[] {3, 3, 1}, 4 / 7.0),
        Arguments.of("multiclass, an empty batch counts for nothing", Metric.multiclassAccuracy("acc", "out", "t"),
            CLASSES, new int[] {4, 0, 3}, 4 / 7.0),
        Arguments.of("multiclass, a batch of one", Metric.multiclassAccuracy("acc", "out", "t"), CLASSES.subList(2, 3),
            new int[] {1}, 0.0),
        Arguments.of("binary, one batch", Metric.thresholdAccuracy("acc", "out", "t", 0.5), SCORES, new int[] {5},
            3 / 5.0),
        Arguments.of("binary, 4 + a partial 1", Metric.thresholdAccuracy("acc", "out", "t", 0.5), SCORES,
            new int[] {4, 1}, 3 / 5.0),
        Arguments.of("binary, another threshold: 0.49 is now positive", Metric.thresholdAccuracy("acc", "out", "t",
            0.45), SCORES, new int[] {2, 3}, 4 / 5.0),
        Arguments.of("binary, a batch of one", Metric.thresholdAccuracy("acc", "out", "t", 0.5), SCORES.subList(3, 4),
            new int[] {1}, 0.0),
        Arguments.of("multilabel, per label", Metric.thresholdAccuracy("acc", "out", "t", 0.5), LABELS,
            new int[] {2, 1}, 4 / 6.0),
        Arguments.of("mse, one batch", Metric.error("mse", "out", "t", true), VALUES, new int[] {5}, 14.25 / 5),
        Arguments.of("mse, 2 + 2 + a partial 1", Metric.error("mse", "out", "t", true), VALUES, new int[] {2, 2, 1},
            14.25 / 5),
        Arguments.of("mse, a batch of one", Metric.error("mse", "out", "t", true), VALUES.subList(3, 4), new int[] {1},
            9.0),
        Arguments.of("mae, 3 + 2", Metric.error("mae", "out", "t", false), VALUES, new int[] {3, 2}, 6.5 / 5),
        Arguments.of("multiclass, a tie goes to the first class", Metric.multiclassAccuracy("acc", "out", "t"),
            List.of(row(v(0.5, 0.5, 0.1), 0), row(v(0.2, 0.4, 0.4), 2)), new int[] {2}, 1 / 2.0),
        Arguments.of("binary, a target of exactly 0.5 is positive", Metric.thresholdAccuracy("acc", "out", "t", 0.5),
            List.of(row(v(0.9), 0.5), row(v(0.1), 0.5)), new int[] {2}, 1 / 2.0),
        Arguments.of("mse of two outputs per row", Metric.error("mse", "out", "t", true), LABELS, new int[] {2, 1},
            1.22 / 6),
        Arguments.of("mean, 4 + a partial 1", Metric.mean("m", "out"), VALUES, new int[] {4, 1}, 6.0 / 5),
        Arguments.of("mean of a multilabel output", Metric.mean("m", "out"), LABELS, new int[] {1, 2}, 3.2 / 6));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aggregatesAsAllRowsAtOnce(String name, Metric metric, List<Row> rows, int[] batches, double expected) {
    assertEquals(expected, value(metric, rows, batches, Metric.Reduction.MEAN), 1e-6, name);
  }

  /** Per-sample losses 1, 2, 3, 4, 5, 6, 7: 28 / 7 = 4 per sample, however they are batched. */
  static final List<Row> LOSSES = Stream.of(1, 2, 3, 4, 5, 6, 7)
      .map(l -> new Row(v(0), v(0), l)).toList();

  static Stream<Arguments> lossCases() {
    return Stream.of(
        Arguments.of(Metric.Reduction.MEAN, new int[] {7}, 4.0),
        Arguments.of(Metric.Reduction.MEAN, new int[] {3, 3, 1}, 4.0), // a loss*batch weighting
        Arguments.of(Metric.Reduction.MEAN, new int[] {4, 3}, 4.0),
        Arguments.of(Metric.Reduction.MEAN, new int[] {1, 1, 1, 1, 1, 1, 1}, 4.0),
        Arguments.of(Metric.Reduction.MEAN, new int[] {5, 0, 2}, 4.0),
        Arguments.of(Metric.Reduction.SUM, new int[] {7}, 4.0),
        Arguments.of(Metric.Reduction.SUM, new int[] {3, 3, 1}, 4.0), // loss*batch would give (18+45+7)/7 = 10
        Arguments.of(Metric.Reduction.SUM, new int[] {4, 3}, 4.0),
        Arguments.of(Metric.Reduction.SUM, new int[] {5, 0, 2}, 4.0));
  }

  @ParameterizedTest(name = "{0} loss in batches {1}")
  @MethodSource("lossCases")
  void theEpochLossIsTheLossPerSampleForAMeanOrASummedLoss(Metric.Reduction reduction, int[] batches,
      double expected) {
    assertEquals(expected, value(Metric.loss(reduction), LOSSES, batches, reduction), 1e-12);
  }

  @Test
  void theDefaultLossIsAMeanOverItsBatch() {
    assertEquals(4.0, value(Metric.loss(), LOSSES, new int[] {3, 3, 1}, Metric.Reduction.MEAN), 1e-12);
    assertEquals("loss", Metric.loss().name());
  }

  @Test
  void nothingSeenIsNaNAndResetForgets() {
    Metric acc = Metric.multiclassAccuracy("acc", "out", "t");
    assertTrue(Double.isNaN(acc.value()), "before any batch");
    assertTrue(Double.isNaN(value(acc, List.of(), new int[] {0}, Metric.Reduction.MEAN)), "only an empty batch");
    assertTrue(Double.isNaN(value(Metric.loss(), List.of(), new int[] {0, 0}, Metric.Reduction.MEAN)));
    value(acc, CLASSES, new int[] {7}, Metric.Reduction.MEAN);
    acc.reset();
    assertTrue(Double.isNaN(acc.value()), "after reset");
  }

  @Test
  void onlyAccuraciesAreBetterHigher() {
    assertTrue(Metric.multiclassAccuracy("a", "out", "t").higherIsBetter());
    assertTrue(Metric.thresholdAccuracy("a", "out", "t", 0.5).higherIsBetter());
    assertFalse(Metric.error("e", "out", "t", true).higherIsBetter());
    assertFalse(Metric.mean("m", "out").higherIsBetter());
    assertFalse(Metric.loss(Metric.Reduction.SUM).higherIsBetter());
  }
}
