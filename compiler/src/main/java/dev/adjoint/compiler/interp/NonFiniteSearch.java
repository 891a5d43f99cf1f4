package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Finds the first node, in evaluation order, whose value holds a NaN or an infinity: what
 * made a compiled step's loss stop being a number. Evaluates as the {@link Interpreter} does,
 * but rounds every f32 node's values to float after its op, as compiled code holds them, so
 * that a value overflows to infinity where it does in the compiled code.
 */
public final class NonFiniteSearch {
  private NonFiniteSearch() {}

  /**
   * The first node whose value is not all finite, with its value and its inputs' values.
   *
   * @param element the index of the first element that is NaN or infinite in {@code value}
   */
  public record Finding(Node node, F64Tensor value, int element, List<F64Tensor> inputs) {

    /** The first non-finite element's value. */
    public double bad() {
      return value.data()[element];
    }
  }

  /** The first non-finite node among the targets and what they need, or null when all are finite. */
  public static Finding first(Graph graph, List<Node> targets, Feed feed) {
    List<Node> order = EvaluationOrder.of(targets, feed.mode());
    SourceValues sources = SourceValues.bind(graph, order, feed);
    Batch batch = sources.batch();
    IdentityHashMap<Node, F64Tensor> values = new IdentityHashMap<>();
    for (Node node : order) {
      F64Tensor value = node.op().isSource() && node.op() != Op.CONST
          ? sources.value(node) : Interpreter.compute(node, values, batch, feed);
      if (node.dtype() == ScalarType.F32) {
        value = toFloat(value);
      }
      values.put(node, value);
      int element = firstNonFinite(value);
      if (element >= 0) {
        List<F64Tensor> inputs = new ArrayList<>();
        for (Node input : node.inputs()) {
          inputs.add(values.get(input));
        }
        return new Finding(node, value, element, inputs);
      }
    }
    return null;
  }

  /** The index of the first NaN or infinite element, or -1. */
  public static int firstNonFinite(F64Tensor t) {
    double[] data = t.data();
    for (int i = 0; i < data.length; i++) {
      if (!Double.isFinite(data[i])) {
        return i;
      }
    }
    return -1;
  }

  private static F64Tensor toFloat(F64Tensor t) {
    double[] data = t.data();
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) data[i];
    }
    return F64Tensor.of(t.shape(), data);
  }
}
