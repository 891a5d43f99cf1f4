package dev.adjoint.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.source.SourceSpan;
import java.util.List;
import org.junit.jupiter.api.Test;

class DotDumpTest {
  private static Graph small(String name, String outputName) {
    SourceSpan t = SampleGraphs.synthetic();
    NodeBuilder g = NodeBuilder.start(t, 0);
    Node x = SampleGraphs.input("x", Shape.BATCH, 2);
    Node w = SampleGraphs.param("w", 2, 3);
    Node s = SampleGraphs.state("s", 3);
    Node h = g.tanh(g.matmul(x, w, false, false));
    return Graph.builder(name, t).input(x).param(w).state(s)
        .output(outputName, h)
        .loss(g.sumAll(h))
        .stateUpdate("s", g.sum(h, List.of(0), false))
        .build();
  }

  @Test
  void dumpsSmallGraphExactly() {
    String expected = String.join("\n",
        "digraph \"m\" {",
        "  rankdir=TB;",
        "  n0 [label=\"%0 input\\nx\\nf32[B,2]\", shape=box, style=filled, fillcolor=lightblue];",
        "  n1 [label=\"%1 param\\nw init=zeros role=weight\\nf32[2,3]\", shape=box, style=filled,"
            + " fillcolor=lightyellow];",
        "  n2 [label=\"%2 state\\ns initial=0\\nf32[3]\", shape=box, style=filled, fillcolor=lightgrey];",
        "  n3 [label=\"%3 matmul\\nf32[B,3]\", style=bold];",
        "  n0 -> n3 [label=\"0\"];",
        "  n1 -> n3 [label=\"1\"];",
        "  n4 [label=\"%4 tanh\\nf32[B,3]\"];",
        "  n3 -> n4;",
        "  n5 [label=\"%5 reduce_sum\\naxes=(0,1)\\nf32[]\"];",
        "  n4 -> n5;",
        "  n6 [label=\"%6 reduce_sum\\naxes=(0)\\nf32[3]\"];",
        "  n4 -> n6;",
        "  \"output h\" [label=\"h\", shape=doublecircle];",
        "  n4 -> \"output h\";",
        "  \"loss\" [label=\"loss\", shape=doublecircle];",
        "  n5 -> \"loss\";",
        "  \"state s\" [label=\"state\\ns\", shape=doublecircle, style=filled, fillcolor=lightgrey];",
        "  n6 -> \"state s\";",
        "}",
        "");
    assertEquals(expected, DotDump.dump(small("m", "h")));
  }

  @Test
  void deterministic() {
    assertEquals(DotDump.dump(SampleGraphs.logreg()), DotDump.dump(SampleGraphs.logreg()));
    // compiled anew, with nodes of its own: no order may come from identity hashes
    Graph first = SampleGraphs.compiledTraining("iris/batchnorm.nn");
    Graph second = SampleGraphs.compiledTraining("iris/batchnorm.nn");
    assertFalse(SampleGraphs.shareANode(first, second));
    String dot = DotDump.dump(first);
    assertTrue(dot.contains("\"state n.running_mean\"") && dot.contains("\"grad n.gamma\""), dot);
    assertEquals(dot, DotDump.dump(second));
    assertEquals(dot, DotDump.dump(first.toBuilder().build()), "rebuilt from its parts");
  }

  @Test
  void escapesQuotesAndBackslashesInNames() {
    String dot = DotDump.dump(small("say \"hi\" \\o/", "p\"q"));
    assertTrue(dot.startsWith("digraph \"say \\\"hi\\\" \\\\o/\" {\n"), dot);
    assertTrue(dot.contains("  \"output p\\\"q\" [label=\"p\\\"q\", shape=doublecircle];\n"), dot);
    assertTrue(dot.contains("  n4 -> \"output p\\\"q\";\n"), dot);
  }

  @Test
  void escapesQuotedClassNamesInsideLabels() {
    Node y = Node.of(Op.INPUT, List.of(), new Attrs.Input("y", ScalarType.I32, Shape.of(Shape.BATCH), true, 2,
        List.of("a\"b", "c\\d")), SampleGraphs.synthetic());
    Graph g = Graph.builder("m", SampleGraphs.synthetic()).input(y).output("y", y).build();
    // Attrs prints classes=("a\"b","c\\d"); DOT needs each quote and backslash escaped once more
    assertTrue(DotDump.dump(g).contains(
        "  n0 [label=\"%0 target\\ny classes=(\\\"a\\\\\\\"b\\\",\\\"c\\\\\\\\d\\\")\\ni32[B]\","), DotDump.dump(g));
  }

  @Test
  void everyQuoteInTheOutputIsBalanced() {
    for (String line : DotDump.dump(small("a\"b\\", "o\\\"")).split("\n")) {
      int quotes = 0;
      for (int i = 0; i < line.length(); i++) {
        if (line.charAt(i) == '\\') {
          i++; // an escape: skip the escaped character
        } else if (line.charAt(i) == '"') {
          quotes++;
        }
      }
      assertEquals(0, quotes % 2, line);
    }
  }

  @Test
  void exactlyTheFusedGroupStandsOut() {
    for (Op op : Op.values()) {
      assertEquals(op.group() == OpGroup.FUSED, DotDump.isFused(op), op.name());
    }
    assertFalse(DotDump.dump(SampleGraphs.logreg()).contains("orange"));
  }
}
