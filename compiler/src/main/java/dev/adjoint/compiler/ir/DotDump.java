package dev.adjoint.compiler.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A graph as Graphviz DOT, for {@code adjoint graph --format dot}: one box or ellipse per
 * node labelled with its {@link TextDump} number, op, attributes and type; sources filled
 * by kind, matrix products bold, fused ops orange; outputs, the loss and state updates as
 * double circles fed by the node that computes them. Output is deterministic.
 */
public final class DotDump {
  private DotDump() {}

  /** The whole graph as a DOT digraph, ending with a newline. */
  public static String dump(Graph graph) {
    NodeNumbering numbering = NodeNumbering.of(graph);
    StringBuilder out = new StringBuilder();
    out.append("digraph ").append(quote(graph.name())).append(" {\n");
    out.append("  rankdir=TB;\n");
    for (Node n : graph.nodes()) {
      String id = id(n, numbering);
      List<String> lines = new ArrayList<>();
      lines.add(numbering.ref(n) + " " + NodeNumbering.opWord(n));
      String attrs = n.attrs().text();
      if (!attrs.isEmpty()) {
        lines.add(attrs);
      }
      lines.add(String.valueOf(n.type()));
      out.append("  ").append(id).append(" [label=").append(label(lines)).append(style(n)).append("];\n");
      List<Node> inputs = n.inputs();
      for (int i = 0; i < inputs.size(); i++) {
        out.append("  ").append(id(inputs.get(i), numbering)).append(" -> ").append(id);
        if (inputs.size() > 1) {
          out.append(" [label=\"").append(i).append("\"]");
        }
        out.append(";\n");
      }
      if (n.attrs() instanceof Attrs.Scan scan) {
        body(out, id, numbering.ref(n), scan.body());
      }
    }
    for (Map.Entry<String, Node> e : graph.outputs().entrySet()) {
      sink(out, "output " + e.getKey(), List.of(e.getKey()), "", e.getValue(), numbering);
    }
    if (graph.loss() != null) {
      sink(out, "loss", List.of("loss"), "", graph.loss(), numbering);
    }
    for (Map.Entry<String, Node> e : graph.stateUpdates().entrySet()) {
      sink(out, "state " + e.getKey(), List.of("state", e.getKey()), ", style=filled, fillcolor=lightgrey",
          e.getValue(), numbering);
    }
    for (Map.Entry<String, Node> e : graph.gradients().entrySet()) {
      sink(out, "grad " + e.getKey(), List.of("grad", e.getKey()), ", style=filled, fillcolor=palegreen",
          e.getValue(), numbering);
    }
    out.append("}\n");
    return out.toString();
  }

  /**
   * A loop's body as a cluster beside its node, ids prefixed by the node's ({@code n7_b3}),
   * its result joined to the node by a dashed edge; nested bodies in nested clusters.
   */
  private static void body(StringBuilder out, String owner, String ref, ScanBody body) {
    NodeNumbering numbering = NodeNumbering.of(body.nodes());
    out.append("  subgraph ").append(quote("cluster_" + owner)).append(" {\n");
    out.append("  label=").append(quote("body of " + ref)).append(";\n");
    for (Node n : body.nodes()) {
      String id = owner + "_b" + numbering.ref(n).substring(1);
      List<String> lines = new ArrayList<>();
      lines.add(numbering.ref(n) + " " + NodeNumbering.opWord(n) + (n.sourceName() == null ? "" : " " + n.sourceName()));
      if (!n.attrs().text().isEmpty() && n.op() != Op.INPUT) {
        lines.add(n.attrs().text());
      }
      lines.add(String.valueOf(n.type()));
      out.append("  ").append(id).append(" [label=").append(label(lines)).append(style(n)).append("];\n");
      for (Node in : n.inputs()) {
        out.append("  ").append(owner).append("_b").append(numbering.ref(in).substring(1)).append(" -> ").append(id)
            .append(";\n");
      }
      if (n.attrs() instanceof Attrs.Scan inner) {
        body(out, id, numbering.ref(n), inner.body());
      }
    }
    out.append("  }\n");
    out.append("  ").append(owner).append("_b").append(numbering.ref(body.result()).substring(1)).append(" -> ")
        .append(owner).append(" [style=dashed, label=\"next\"];\n");
  }

  /** A double circle for a root, and the edge into it from the node computing it. */
  private static void sink(StringBuilder out, String id, List<String> lines, String style, Node from,
      NodeNumbering numbering) {
    out.append("  ").append(quote(id)).append(" [label=").append(label(lines)).append(", shape=doublecircle")
        .append(style).append("];\n");
    out.append("  ").append(id(from, numbering)).append(" -> ").append(quote(id)).append(";\n");
  }

  /** {@code n7}; cannot clash with the quoted sinks {@code "loss"}, {@code "output p"}, {@code "state s"}. */
  private static String id(Node n, NodeNumbering numbering) {
    return "n" + numbering.ref(n).substring(1);
  }

  /** Attributes after the label: sources as boxes filled by kind, MATMUL bold, fused ops orange. */
  private static String style(Node n) {
    if (n.op() == Op.INPUT) {
      return ", shape=box, style=filled, fillcolor=lightblue";
    }
    if (n.op() == Op.PARAM) {
      return ", shape=box, style=filled, fillcolor=lightyellow";
    }
    if (n.op() == Op.STATE) {
      return ", shape=box, style=filled, fillcolor=lightgrey";
    }
    if (isFused(n.op())) {
      return ", style=filled, fillcolor=orange";
    }
    if (n.op().isSource()) {
      return ", shape=box";
    }
    if (n.op().group() == OpGroup.MATMUL) {
      return ", style=bold";
    }
    return "";
  }

  /** Whether an op is one that passes create by fusing primitives. */
  static boolean isFused(Primitive op) {
    return op.group() == OpGroup.FUSED;
  }

  /** Lines joined by DOT's {@code \n} line break, each escaped, in quotes. */
  private static String label(List<String> lines) {
    List<String> escaped = new ArrayList<>();
    for (String line : lines) {
      escaped.add(escape(line));
    }
    return '"' + String.join("\\n", escaped) + '"';
  }

  /** A DOT quoted string holding exactly {@code s}. */
  static String quote(String s) {
    return '"' + escape(s) + '"';
  }

  /**
   * Escapes for a DOT quoted string: backslashes first, since DOT reads {@code \n}, {@code \l},
   * {@code \N} and the like in labels as escapes, then quotes and line breaks.
   */
  static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "").replace("\n", "\\n");
  }
}
