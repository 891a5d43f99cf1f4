package dev.adjoint.compiler.report;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.OpGroup;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A graph as inline SVG from {@link LayeredLayout}: a box per node ({@code %N op} over its
 * type, the full node and its .nn place as a tooltip), sources filled by kind, outputs
 * outlined, edges as curves from a node's bottom to its consumer's top. A node whose code is
 * known is a link to that code's anchor.
 */
final class SvgGraph {
  private SvgGraph() {}

  /**
   * The {@code <svg>} element; element ids start with {@code prefix}, and {@code anchor}
   * gives the code anchor a node links to (null for none).
   */
  static String render(Graph graph, String prefix, Function<Node, String> anchor) {
    List<Node> nodes = graph.nodes();
    Map<Node, Integer> numbers = new IdentityHashMap<>();
    nodes.forEach(n -> numbers.putIfAbsent(n, numbers.size()));
    Map<Node, String> outputs = new IdentityHashMap<>();
    graph.outputs().forEach((name, n) -> outputs.merge(n, name, (a, b) -> a + ", " + b));
    Map<Node, LayeredLayout.Box> boxes = LayeredLayout.of(graph,
        n -> Math.max(title(n, numbers, outputs).length(), n.type().toString().length()) * LayeredLayout.CHAR_WIDTH + 16);
    double width = 0;
    double height = 0;
    for (LayeredLayout.Box b : boxes.values()) {
      width = Math.max(width, b.x() + b.width() + LayeredLayout.GAP);
      height = Math.max(height, b.y() + LayeredLayout.BOX_HEIGHT + LayeredLayout.GAP);
    }
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" id=\"%s\" "
        + "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">%n", prefix, width, height, width, height));
    svg.append("<g class=\"edges\">\n");
    for (Node n : nodes) {
      LayeredLayout.Box to = boxes.get(n);
      for (Node in : n.inputs()) {
        edge(svg, boxes.get(in), to);
      }
    }
    svg.append("</g>\n");
    for (Node n : nodes) {
      node(svg, boxes.get(n), prefix + "-n" + numbers.get(n), title(n, numbers, outputs), anchor.apply(n),
          outputs.containsKey(n));
    }
    return svg.append("</svg>\n").toString();
  }

  private static void edge(StringBuilder svg, LayeredLayout.Box from, LayeredLayout.Box to) {
    double x1 = from.centerX();
    double y1 = from.y() + LayeredLayout.BOX_HEIGHT;
    double x2 = to.centerX();
    double y2 = to.y();
    double bend = (y2 - y1) / 2;
    svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f\"/>%n",
        x1, y1, x1, y1 + bend, x2, y2 - bend, x2, y2));
  }

  private static void node(StringBuilder svg, LayeredLayout.Box b, String id, String title, String anchor,
      boolean output) {
    Node n = b.node();
    String kind = kind(n) + (output ? " output" : "");
    svg.append("<g class=\"node ").append(kind).append(anchor == null ? "" : " linked").append("\" id=\"")
        .append(id).append("\"").append(anchor == null ? "" : " data-code=\"" + anchor + "\"").append(">");
    if (anchor != null) {
      svg.append("<a href=\"#").append(anchor).append("\">");
    }
    svg.append("<title>").append(Html.escape(n + "\n" + n.span().shortLocation())).append("</title>");
    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"5\"/>",
        b.x(), b.y(), b.width(), LayeredLayout.BOX_HEIGHT));
    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", b.centerX(), b.y() + 15,
        Html.escape(title)));
    svg.append(String.format(Locale.ROOT, "<text class=\"type\" x=\"%.1f\" y=\"%.1f\">%s</text>", b.centerX(),
        b.y() + 31, Html.escape(n.type().toString())));
    if (anchor != null) {
      svg.append("</a>");
    }
    svg.append("</g>\n");
  }

  /** {@code %3 matmul}, a source's name, and the outputs it gives. */
  private static String title(Node n, Map<Node, Integer> numbers, Map<Node, String> outputs) {
    String word = n.op() == Op.INPUT && n.attrs() instanceof Attrs.Input a && a.target() ? "target" : n.op().text();
    String name = n.sourceName();
    String out = outputs.get(n);
    return "%" + numbers.get(n) + " " + word + (name == null ? "" : " " + name) + (out == null ? "" : " → " + out);
  }

  /** The CSS class that colours a node. */
  private static String kind(Node n) {
    if (n.op() == Op.INPUT) {
      return "input";
    }
    if (n.op() == Op.PARAM) {
      return "param";
    }
    if (n.op() == Op.STATE) {
      return "state";
    }
    if (n.op().group() == OpGroup.FUSED) {
      return "fused";
    }
    return n.op().group() == OpGroup.MATMUL ? "product" : "op";
  }
}
