package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Primitive;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The values of INPUT, PARAM and STATE nodes, taken from a {@link Feed} after checking them
 * against the graph: every needed input and parameter is present, every fed value has its
 * declared shape (with B substituted) and i32 values are integers. Reads the batch size B
 * from the first fed input whose declared shape has it.
 */
final class SourceValues {
  private final Feed feed;
  private final Batch batch;

  private SourceValues(Feed feed, Batch batch) {
    this.feed = feed;
    this.batch = batch;
  }

  /** Checks the feed for a graph and the nodes an evaluation needs ({@code order}). */
  static SourceValues bind(Graph graph, List<Node> order, Feed feed) {
    requirePresent(order, feed);
    List<Node> inputs = union(graph.inputs(), order, Op.INPUT);
    Batch batch = Batch.UNKNOWN;
    String batchSource = null;
    for (Node input : inputs) {
      F64Tensor value = feed.inputs().get(input.sourceName());
      if (value != null && input.shape().hasBatch()) {
        if (value.rank() != input.shape().rank()) {
          throw new IllegalArgumentException(describe(input) + " must have shape " + input.shape() + ", got "
              + text(value.shape()));
        }
        batch = new Batch(value.dim(input.shape().batchAxis()));
        batchSource = input.sourceName();
        break;
      }
    }
    for (Node input : inputs) {
      check(input, feed.inputs().get(input.sourceName()), batch, batchSource);
    }
    for (Node param : union(graph.params(), order, Op.PARAM)) {
      check(param, feed.params().get(param.sourceName()), batch, batchSource);
    }
    for (Node state : union(graph.states(), order, Op.STATE)) {
      check(state, feed.states().get(state.sourceName()), batch, batchSource);
    }
    return new SourceValues(feed, batch);
  }

  Batch batch() {
    return batch;
  }

  /** The value of an INPUT, PARAM or STATE node; a state not fed starts filled with its initial value. */
  F64Tensor value(Node source) {
    String name = source.sourceName();
    if (source.attrs() instanceof Attrs.Input) {
      return feed.inputs().get(name);
    }
    if (source.attrs() instanceof Attrs.Param) {
      return feed.params().get(name);
    }
    F64Tensor fed = feed.states().get(name);
    return fed != null ? fed : F64Tensor.fill(source.shape().dims(), source.attrs(Attrs.State.class).initial());
  }

  /** All needed inputs and parameters must be fed; lists every one that is not. */
  private static void requirePresent(List<Node> order, Feed feed) {
    Set<String> missing = new LinkedHashSet<>();
    for (Node node : order) {
      boolean absent = (node.op() == Op.INPUT && !feed.inputs().containsKey(node.sourceName()))
          || (node.op() == Op.PARAM && !feed.params().containsKey(node.sourceName()));
      if (absent) {
        missing.add(describe(node) + " " + node.type());
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("missing value" + (missing.size() > 1 ? "s" : "") + " for "
          + String.join(", ", missing) + " (fed inputs: [" + names(feed.inputs()) + "], parameters: ["
          + names(feed.params()) + "])");
    }
  }

  /** A fed value against its node's declared type; null (not fed) passes. */
  private static void check(Node source, F64Tensor value, Batch batch, String batchSource) {
    if (value == null) {
      return;
    }
    Shape declared = source.shape();
    int[] expected = batch.known() || !declared.hasBatch() ? declared.concrete(batch.size()) : null;
    if (expected == null || !Arrays.equals(expected, value.shape())) {
      String expectedText = expected == null ? declared.toString() : text(expected);
      String how = declared.hasBatch() && expected != null
          ? " (declared " + declared + " with B = " + batch.size() + " from input '" + batchSource + "')" : "";
      throw new IllegalArgumentException(describe(source) + " must have shape " + expectedText + how + ", got "
          + text(value.shape()));
    }
    if (source.dtype() == ScalarType.I32) {
      for (int i = 0; i < value.size(); i++) {
        double v = value.flat(i);
        if (v != Math.rint(v) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
          throw new IllegalArgumentException(describe(source) + " is declared i32 but holds " + v + " at index "
              + text(Strides.unravel(i, value.shape())));
        }
      }
    }
  }

  /** The declared sources of one kind followed by needed ones the graph does not declare, each once. */
  private static List<Node> union(List<Node> declared, List<Node> order, Primitive op) {
    Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Node> out = new ArrayList<>();
    for (Node n : declared) {
      if (seen.add(n)) {
        out.add(n);
      }
    }
    for (Node n : order) {
      if (n.op() == op && seen.add(n)) {
        out.add(n);
      }
    }
    return out;
  }

  private static String describe(Node source) {
    String kind = source.attrs() instanceof Attrs.Input ? "input"
        : source.attrs() instanceof Attrs.Param ? "parameter" : "state";
    return kind + " '" + source.sourceName() + "'";
  }

  private static String text(int[] shape) {
    return Arrays.toString(shape).replace(" ", "");
  }

  /** For messages: the names in a map, sorted, to help spot a misspelt one. */
  private static String names(Map<String, F64Tensor> map) {
    return String.join(", ", map.keySet().stream().sorted().toList());
  }
}
