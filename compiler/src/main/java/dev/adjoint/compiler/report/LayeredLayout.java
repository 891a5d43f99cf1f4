package dev.adjoint.compiler.report;

import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph's nodes placed in layers from top to bottom, each after its inputs (a simple
 * Sugiyama layout: longest-path layers, then each node moved down to just above its first use, and a few
 * barycentre sweeps to order each layer and cut crossings). Deterministic, and quick enough for
 * graphs of thousands of nodes; the report draws with it, so the page needs no Graphviz.
 */
final class LayeredLayout {
  static final int ROW_HEIGHT = 74;
  static final int BOX_HEIGHT = 38;
  static final int GAP = 18;
  static final int CHAR_WIDTH = 7;
  private static final int SWEEPS = 4;

  /** One placed node: its box's top-left corner and width. */
  record Box(Node node, int layer, double x, double y, double width) {
    double centerX() {
      return x + width / 2;
    }
  }

  private LayeredLayout() {}

  /** Every node of the graph, boxes sized by {@code width}. */
  static Map<Node, Box> of(Graph graph, java.util.function.ToDoubleFunction<Node> width) {
    List<Node> nodes = graph.nodes();
    Map<Node, List<Node>> consumers = new IdentityHashMap<>();
    nodes.forEach(n -> consumers.put(n, new ArrayList<>()));
    Map<Node, Integer> layer = new IdentityHashMap<>();
    for (Node n : nodes) {
      int l = 0;
      for (Node in : n.inputs()) {
        l = Math.max(l, layer.get(in) + 1);
        consumers.get(in).add(n);
      }
      layer.put(n, l);
    }
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Node n = nodes.get(i);
      if (!consumers.get(n).isEmpty()) {
        layer.put(n, consumers.get(n).stream().mapToInt(layer::get).min().orElseThrow() - 1);
      }
    }
    int top = layer.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    layer.replaceAll((n, l) -> l - top);
    int depth = layer.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
    List<List<Node>> rows = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      rows.add(new ArrayList<>());
    }
    nodes.forEach(n -> rows.get(layer.get(n)).add(n));
    Map<Node, Double> order = new IdentityHashMap<>();
    rows.forEach(row -> number(row, order));
    for (int sweep = 0; sweep < SWEEPS; sweep++) {
      for (int i = 1; i < depth; i++) {
        sortByBarycentre(rows.get(i), order, n -> n.inputs());
      }
      for (int i = depth - 2; i >= 0; i--) {
        sortByBarycentre(rows.get(i), order, consumers::get);
      }
    }
    return place(rows, width);
  }

  private static void number(List<Node> row, Map<Node, Double> order) {
    for (int i = 0; i < row.size(); i++) {
      order.put(row.get(i), (double) i);
    }
  }

  private static void sortByBarycentre(List<Node> row, Map<Node, Double> order,
      java.util.function.Function<Node, List<Node>> neighbours) {
    Map<Node, Double> key = new IdentityHashMap<>();
    for (Node n : row) {
      List<Node> near = neighbours.apply(n);
      key.put(n, near.isEmpty() ? order.get(n) : near.stream().mapToDouble(order::get).average().orElseThrow());
    }
    row.sort(Comparator.comparingDouble(key::get));
    number(row, order);
  }

  /** Rows packed left to right and centred on the widest. */
  private static Map<Node, Box> place(List<List<Node>> rows, java.util.function.ToDoubleFunction<Node> width) {
    double widest = 0;
    for (List<Node> row : rows) {
      widest = Math.max(widest, rowWidth(row, width));
    }
    Map<Node, Box> boxes = new IdentityHashMap<>();
    for (int l = 0; l < rows.size(); l++) {
      List<Node> row = rows.get(l);
      double x = GAP + (widest - rowWidth(row, width)) / 2;
      for (Node n : row) {
        double w = width.applyAsDouble(n);
        boxes.put(n, new Box(n, l, x, GAP + l * (double) ROW_HEIGHT, w));
        x += w + GAP;
      }
    }
    return boxes;
  }

  private static double rowWidth(List<Node> row, java.util.function.ToDoubleFunction<Node> width) {
    double w = 0;
    for (Node n : row) {
      w += width.applyAsDouble(n) + GAP;
    }
    return Math.max(0, w - GAP);
  }
}
