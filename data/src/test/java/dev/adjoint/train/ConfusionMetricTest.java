package dev.adjoint.train;

import static dev.adjoint.train.MetricTest.row;
import static dev.adjoint.train.MetricTest.v;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Precision, recall and F1 against values worked out by hand (what scikit-learn's
 * {@code precision_recall_fscore_support} gives for the same labels): macro averages over
 * the classes that occur, a binary classifier's positive class from a threshold, zero
 * division as 0, and the same value whatever the batches.
 */
class ConfusionMetricTest {
  /** Targets 0,1,2,2,1,0,2 predicted 0,2,2,2,1,1,0, as one-hot scores. */
  private static List<MetricTest.Row> threeClasses(int classes) {
    int[] truth = {0, 1, 2, 2, 1, 0, 2};
    int[] predicted = {0, 2, 2, 2, 1, 1, 0};
    List<MetricTest.Row> rows = new ArrayList<>();
    for (int i = 0; i < truth.length; i++) {
      double[] scores = new double[classes];
      scores[predicted[i]] = 1;
      rows.add(row(scores, truth[i]));
    }
    return rows;
  }

  private static ConfusionMetric metric(int classes, double threshold, ConfusionMetric.Score score) {
    return new ConfusionMetric("m", "out", "t", classes, threshold, score);
  }

  @Test
  void macroAveragesOverTheClassesThatOccur() {
    // per class: P = R = F1 = 1/2, 1/2, 2/3
    for (int classes : new int[] {3, 4}) {
      for (ConfusionMetric.Score score : ConfusionMetric.Score.values()) {
        double value = MetricTest.value(metric(classes, Double.NaN, score), threeClasses(classes), new int[] {7},
            Metric.Reduction.MEAN);
        assertEquals((0.5 + 0.5 + 2.0 / 3) / 3, value, 1e-12, classes + " classes, " + score);
      }
    }
  }

  @Test
  void perClassScoresAndTheMatrix() {
    ConfusionMetric recall = metric(3, Double.NaN, ConfusionMetric.Score.RECALL);
    MetricTest.value(recall, threeClasses(3), new int[] {4, 3}, Metric.Reduction.MEAN);
    assertArrayEquals(new long[][] {{1, 1, 0}, {0, 1, 1}, {1, 0, 2}}, recall.matrix());
    assertEquals(2.0 / 3, recall.scoreOf(2), 1e-12);
    assertEquals(3, recall.support(2));
    assertEquals(2, recall.support(0));
  }

  @Test
  void aBinaryScoreScoresThePositiveClassFromTheThreshold() {
    List<MetricTest.Row> rows = List.of(row(v(0.9), 1), row(v(0.2), 0), row(v(0.6), 0), row(v(0.4), 1));
    // from 0.5: predictions 1, 0, 1, 0: one true positive, one false positive, one false negative
    assertEquals(0.5, MetricTest.value(metric(2, 0.5, ConfusionMetric.Score.F1), rows, new int[] {4},
        Metric.Reduction.MEAN), 1e-12);
    // from 0.3: 1, 0, 1, 1: precision 2/3, recall 1, F1 0.8
    assertEquals(2.0 / 3, MetricTest.value(metric(2, 0.3, ConfusionMetric.Score.PRECISION), rows, new int[] {1, 3},
        Metric.Reduction.MEAN), 1e-12);
    assertEquals(1.0, MetricTest.value(metric(2, 0.3, ConfusionMetric.Score.RECALL), rows, new int[] {2, 2},
        Metric.Reduction.MEAN), 1e-12);
    assertEquals(0.8, MetricTest.value(metric(2, 0.3, ConfusionMetric.Score.F1), rows, new int[] {3, 1},
        Metric.Reduction.MEAN), 1e-12);
  }

  @Test
  void twoClassesOfScoresScoreTheSecondClass() {
    List<MetricTest.Row> rows = List.of(row(v(0.1, 0.9), 1), row(v(0.8, 0.2), 1), row(v(0.3, 0.7), 0));
    // predictions 1, 0, 1: precision of class 1 is 1/2, recall 1/2
    assertEquals(0.5, MetricTest.value(metric(2, Double.NaN, ConfusionMetric.Score.PRECISION), rows, new int[] {3},
        Metric.Reduction.MEAN), 1e-12);
  }

  @Test
  void nothingPredictedPositiveIsZeroNotNaN() {
    List<MetricTest.Row> rows = List.of(row(v(0.1), 1), row(v(0.2), 0));
    for (ConfusionMetric.Score score : ConfusionMetric.Score.values()) {
      assertEquals(0.0, MetricTest.value(metric(2, 0.5, score), rows, new int[] {2}, Metric.Reduction.MEAN), score.name());
    }
  }

  @Test
  void emptyIsNaNAndResetForgets() {
    ConfusionMetric f1 = metric(3, Double.NaN, ConfusionMetric.Score.F1);
    assertTrue(Double.isNaN(MetricTest.value(f1, List.of(), new int[] {0}, Metric.Reduction.MEAN)));
    MetricTest.value(f1, threeClasses(3), new int[] {7}, Metric.Reduction.MEAN);
    f1.reset();
    assertTrue(Double.isNaN(f1.value()));
    assertArrayEquals(new long[][] {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}}, f1.matrix());
    assertTrue(f1.higherIsBetter());
  }

  @Test
  void aTargetOutsideTheClassesIsRefusedAndFewerThanTwoClassesToo() {
    List<MetricTest.Row> rows = List.of(row(v(1, 0, 0), 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MetricTest.value(metric(3, Double.NaN, ConfusionMetric.Score.F1), rows, new int[] {1},
            Metric.Reduction.MEAN));
    assertTrue(e.getMessage().contains("class 3 of row 0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> metric(1, Double.NaN, ConfusionMetric.Score.F1));
  }
}
