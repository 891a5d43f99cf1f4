package dev.adjoint.compiler.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A graph as stable, readable text: one line per node in {@link Graph#nodes()} order,
 * numbered {@code %0, %1, ...}, each with its type and the .nn location it came from, then
 * the outputs, the loss and the state updates. Golden files and {@code adjoint graph} use it,
 * so the same graph always prints the same text.
 *
 * <pre>
 * model logreg
 *   hyperparameters: hidden=256, p=0.2
 *   %0 = input x : f32[B,2]                               # logreg.nn:2:3
 *   %1 = target y : f32[B,1]                              # logreg.nn:3:3
 *   %2 = param w init=glorot_uniform role=weight : f32[2,1]  # logreg.nn:4:3
 *   %4 = matmul %0, %2 : f32[B,1]                         # logreg.nn:6:22
 *   %5 = broadcast %3 to=[B,1] : f32[B,1]                 # logreg.nn:6:22
 *   output p = %7
 *   loss = %21
 *   state bn.running_mean &lt;- %30
 * </pre>
 */
public final class TextDump {
  /** The column at which the location comment starts, when the statement is short enough. */
  static final int COMMENT_COLUMN = 56;

  private TextDump() {}

  /** The whole graph as text, ending with a newline. */
  public static String dump(Graph graph) {
    NodeNumbering numbering = NodeNumbering.of(graph);
    StringBuilder out = new StringBuilder();
    out.append("model ").append(graph.name()).append('\n');
    if (!graph.hyperparameters().isEmpty()) {
      List<String> values = new ArrayList<>();
      for (Map.Entry<String, Object> e : graph.hyperparameters().entrySet()) {
        values.add(e.getKey() + "=" + value(e.getValue()));
      }
      out.append("  hyperparameters: ").append(String.join(", ", values)).append('\n');
    }
    nodes(out, graph.nodes(), numbering, "  ");
    for (Map.Entry<String, Node> e : graph.outputs().entrySet()) {
      out.append("  output ").append(e.getKey()).append(" = ").append(numbering.ref(e.getValue())).append('\n');
    }
    if (graph.loss() != null) {
      out.append("  loss = ").append(numbering.ref(graph.loss())).append('\n');
    }
    for (Map.Entry<String, Node> e : graph.stateUpdates().entrySet()) {
      out.append("  state ").append(e.getKey()).append(" <- ").append(numbering.ref(e.getValue())).append('\n');
    }
    for (Map.Entry<String, Node> e : graph.gradients().entrySet()) {
      out.append("  grad ").append(e.getKey()).append(" = ").append(numbering.ref(e.getValue())).append('\n');
    }
    return out.toString();
  }

  /** One line per node; a loop's body follows its line, indented, numbered on its own. */
  private static void nodes(StringBuilder out, List<Node> nodes, NodeNumbering numbering, String indent) {
    for (Node n : nodes) {
      String statement = indent + numbering.ref(n) + " = " + statement(n, numbering);
      out.append(statement);
      if (n.span() != null) {
        out.append(" ".repeat(Math.max(2, COMMENT_COLUMN - statement.length())))
            .append("# ").append(n.span().shortLocation());
      }
      out.append('\n');
      if (n.attrs() instanceof Attrs.Scan scan) {
        NodeNumbering inner = NodeNumbering.of(scan.body().nodes());
        ScanBody body = scan.body();
        List<Node> p = body.placeholders();
        out.append(indent).append("  body of ").append(numbering.ref(n)).append(" (carry ")
            .append(refs(inner, p.subList(0, 1))).append("; slices ")
            .append(refs(inner, p.subList(1, 1 + body.sequences()))).append("; constants ")
            .append(body.constants() == 0 ? "none" : refs(inner, p.subList(1 + body.sequences(), p.size())))
            .append("):\n");
        nodes(out, scan.body().nodes(), inner, indent + "    ");
        out.append(indent).append("    next = ").append(inner.ref(scan.body().result())).append('\n');
      }
    }
  }

  /** Placeholders by their numbers in the body, {@code %0, %2}, one the body does not read as {@code -}. */
  private static String refs(NodeNumbering numbering, List<Node> placeholders) {
    List<String> out = new ArrayList<>();
    for (Node p : placeholders) {
      out.add(numbering.asMap().containsKey(p) ? numbering.ref(p) : "-");
    }
    return String.join(", ", out);
  }

  /**
   * Each node of the graph and its {@code %N} number as in {@link #dump}, by identity; for
   * tests and tools that point at nodes of a dump.
   */
  public static Map<Node, Integer> numbering(Graph graph) {
    return NodeNumbering.of(graph).asMap();
  }

  /**
   * One node's statement as {@link #dump} prints it, {@code %4 = matmul %0, %2 : f32[B,1]},
   * with the numbering of {@link #numbering}.
   */
  public static String line(Map<Node, Integer> numbers, Node n) {
    NodeNumbering numbering = new NodeNumbering(numbers);
    return numbering.ref(n) + " = " + statement(n, numbering);
  }

  /** {@code matmul %0, %2 : f32[B,1]}: the op, its inputs, its attributes and its type, empty pieces left out. */
  private static String statement(Node n, NodeNumbering numbering) {
    List<String> pieces = new ArrayList<>();
    pieces.add(NodeNumbering.opWord(n));
    if (!n.inputs().isEmpty()) {
      List<String> refs = new ArrayList<>();
      for (Node in : n.inputs()) {
        refs.add(numbering.ref(in));
      }
      pieces.add(String.join(", ", refs));
    }
    String attrs = n.attrs().text();
    if (!attrs.isEmpty()) {
      pieces.add(attrs);
    }
    pieces.add(":");
    pieces.add(String.valueOf(n.type()));
    return String.join(" ", pieces);
  }

  /** A hyperparameter value: strings quoted and escaped, anything else as {@link String#valueOf}. */
  private static String value(Object v) {
    if (v instanceof String s) {
      return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
    return String.valueOf(v);
  }
}
