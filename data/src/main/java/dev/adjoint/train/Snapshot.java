package dev.adjoint.train;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** A copy of a model's parameters and state, to go back to (the best epoch's weights). */
public final class Snapshot {
  private final Map<String, double[]> values;

  private Snapshot(Map<String, double[]> values) {
    this.values = values;
  }

  /** Copies the model's parameters and state. */
  public static Snapshot take(CompiledModel model) {
    Map<String, double[]> values = new LinkedHashMap<>();
    copy(model.params(), "param/", values);
    copy(model.states(), "state/", values);
    return new Snapshot(values);
  }

  private static void copy(Map<String, Tensor> group, String prefix, Map<String, double[]> into) {
    group.forEach((name, t) -> {
      double[] data = new double[t.spec().size(1)];
      for (int i = 0; i < data.length; i++) {
        data[i] = t.get(i);
      }
      into.put(prefix + name, data);
    });
  }

  /** Writes the copied values back into the model. */
  public void restore(CompiledModel model) {
    write(model.params(), "param/");
    write(model.states(), "state/");
  }

  private void write(Map<String, Tensor> group, String prefix) {
    group.forEach((name, t) -> {
      double[] data = values.get(prefix + name);
      if (data == null) {
        throw new IllegalStateException("the snapshot has no " + prefix + name);
      }
      for (int i = 0; i < data.length; i++) {
        t.set(i, data[i]);
      }
    });
  }
}
