package dev.adjoint.compiler.gradcheck;

import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.ir.Node;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Central differences in f64 through the reference interpreter: the derivative of a scalar
 * node along a change of one tensor of the feed, (f(θ + εv) - f(θ - εv)) / 2ε. With
 * ε = {@value #EPSILON} the truncation error is about ε²·f''' and the rounding error about
 * 1e-16·|f|/ε, both far below any wrong derivative rule's error.
 */
public final class FiniteDifferences {
  /** The step. */
  public static final double EPSILON = 1e-6;

  private FiniteDifferences() {}

  /** Which part of a feed a tensor belongs to. */
  public enum Part { INPUT, PARAMETER }

  /** d scalar / d (part's tensor {@code name}) along {@code direction} (shaped like it). */
  public static double along(Interpreter interpreter, Node scalar, Feed feed, Part part, String name,
      double[] direction) {
    double up = interpreter.value(scalar, moved(feed, part, name, direction, EPSILON)).item();
    double down = interpreter.value(scalar, moved(feed, part, name, direction, -EPSILON)).item();
    return (up - down) / (2 * EPSILON);
  }

  /** d scalar / d (element {@code index} of the part's tensor {@code name}). */
  public static double at(Interpreter interpreter, Node scalar, Feed feed, Part part, String name, int index) {
    F64Tensor t = tensor(feed, part, name);
    double[] unit = new double[t.size()];
    unit[index] = 1;
    return along(interpreter, scalar, feed, part, name, unit);
  }

  /** Each tensor of {@code values} moved by {@code step} times its direction in {@code directions}. */
  public static Map<String, F64Tensor> shifted(Map<String, F64Tensor> values, Map<String, F64Tensor> directions,
      double step) {
    Map<String, F64Tensor> out = new LinkedHashMap<>(values);
    directions.forEach((name, d) -> out.put(name, shifted(values.get(name), d.data(), step)));
    return out;
  }

  private static Feed moved(Feed feed, Part part, String name, double[] direction, double step) {
    Map<String, F64Tensor> group = new LinkedHashMap<>(part == Part.INPUT ? feed.inputs() : feed.params());
    group.put(name, shifted(tensor(feed, part, name), direction, step));
    return part == Part.INPUT
        ? new Feed(group, feed.params(), feed.states(), feed.mode(), feed.seed(), feed.step())
        : new Feed(feed.inputs(), group, feed.states(), feed.mode(), feed.seed(), feed.step());
  }

  private static F64Tensor tensor(Feed feed, Part part, String name) {
    F64Tensor t = (part == Part.INPUT ? feed.inputs() : feed.params()).get(name);
    if (t == null) {
      throw new IllegalArgumentException("the feed has no " + part.name().toLowerCase(java.util.Locale.ROOT) + " '"
          + name + "'");
    }
    return t;
  }

  private static F64Tensor shifted(F64Tensor t, double[] direction, double step) {
    double[] x = t.data();
    for (int i = 0; i < x.length; i++) {
      x[i] += step * direction[i];
    }
    return F64Tensor.of(t.shape(), x);
  }
}
