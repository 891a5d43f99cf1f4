package dev.adjoint.spark;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import dev.adjoint.train.Metric;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * One partition's validation: the broadcast weights into this JVM's model, the shard through
 * {@code evaluate} in batches (inference behaviour: no dropout, running statistics). Returns
 * {loss summed over samples, correct predictions, samples}; the count of correct ones is that of
 * rows whose class output's largest score is at the target's class (0 for other models).
 */
final class Evaluator implements FlatMapFunction<Iterator<float[][]>, double[]> {
  private final ModelSource source;
  private final RowLayout layout;
  private final Broadcast<byte[]> state;
  private final Metric.Reduction reduction;
  private final String classOutput;

  Evaluator(ModelSource source, RowLayout layout, Broadcast<byte[]> state, Metric.Reduction reduction,
      String classOutput) {
    this.source = source;
    this.layout = layout;
    this.state = state;
    this.reduction = reduction;
    this.classOutput = classOutput;
  }

  @Override
  public Iterator<double[]> call(Iterator<float[][]> rows) {
    return TaskCores.run(() -> sums(rows));
  }

  private Iterator<double[]> sums(Iterator<float[][]> rows) {
    if (!rows.hasNext()) {
      return List.of(new double[3]).iterator();
    }
    int batch = JvmModels.options(source).batch();
    CompiledModel model = JvmModels.borrow(source, batch);
    try {
      StateBytes.decode(state.value(), model, ModelVector.Part.WEIGHTS);
      double[] sums = new double[3];
      float[][][] pending = new float[batch][][];
      int count = 0;
      while (rows.hasNext()) {
        pending[count++] = rows.next();
        if (count == batch || !rows.hasNext()) {
          add(model, pending, count, sums);
          count = 0;
        }
      }
      return List.of(sums).iterator();
    } finally {
      JvmModels.giveBack(source, model);
    }
  }

  private void add(CompiledModel model, float[][][] rows, int count, double[] sums) {
    List<ModelColumn> columns = layout.columns();
    int target = -1;
    for (int c = 0; c < columns.size(); c++) {
      ModelColumn column = columns.get(c);
      Tensor t = model.input(column.name());
      for (int r = 0; r < count; r++) {
        for (int e = 0; e < column.width(); e++) {
          t.set(r * column.width() + e, rows[r][c][e]);
        }
      }
      target = column.target() && column.limitUse() != null && column.width() == 1 ? c : target;
    }
    double loss = model.evaluate(count);
    sums[0] += reduction == Metric.Reduction.SUM ? loss : loss * count;
    sums[2] += count;
    if (classOutput != null && target >= 0) {
      Tensor out = model.output(classOutput);
      int width = out.spec().sampleSize();
      for (int r = 0; r < count && width > 1; r++) {
        int best = 0;
        for (int k = 1; k < width; k++) {
          best = out.get(r * width + k) > out.get(r * width + best) ? k : best;
        }
        sums[1] += best == (int) rows[r][target][0] ? 1 : 0;
      }
    }
  }
}
