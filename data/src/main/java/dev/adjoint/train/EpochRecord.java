package dev.adjoint.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one epoch measured: its number (from 1), the learning rate at its end, each metric on the training
 * batches (as they were while training: dropout on) and on the validation rows, and its time.
 */
public record EpochRecord(int epoch, double learningRate, Map<String, Double> train, Map<String, Double> validation,
    double seconds) {

  public EpochRecord {
    train = Collections.unmodifiableMap(new LinkedHashMap<>(train));
    validation = Collections.unmodifiableMap(new LinkedHashMap<>(validation));
  }

  /** A value by its monitor name: {@code loss}, {@code accuracy}, {@code val_loss}, {@code val_accuracy}. */
  public double value(String monitor) {
    Map<String, Double> group = monitor.startsWith("val_") ? validation : train;
    String name = monitor.startsWith("val_") ? monitor.substring(4) : monitor;
    Double v = group.get(name);
    return v == null ? Double.NaN : v;
  }
}
