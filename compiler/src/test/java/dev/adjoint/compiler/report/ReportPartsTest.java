package dev.adjoint.compiler.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.golden.Golden;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.source.SourceFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's parts: the layout's layers and rows, the SVG's links, the code's anchors, escaping. */
class ReportPartsTest {

  private static Graph example(String path) throws Exception {
    Path nn = Golden.repo().resolve("examples").resolve(path);
    Compilation c = Frontend.compile(SourceFile.read(nn, nn.getFileName().toString()));
    assertTrue(c.ok(), c.diagnostics().format());
    return c.models().get(0).graph();
  }

  @Test
  void everyNodeSitsBelowItsInputsAndNoBoxesOverlap() throws Exception {
    for (String file : List.of("mnist/cnn.nn", "iris/batchnorm.nn", "charlm/charlm.nn")) {
      Graph graph = example(file);
      Map<Node, LayeredLayout.Box> boxes = LayeredLayout.of(graph, n -> 40 + n.op().text().length());
      assertEquals(graph.nodes().size(), boxes.size(), file);
      List<LayeredLayout.Box> all = new ArrayList<>(boxes.values());
      for (LayeredLayout.Box b : all) {
        for (Node in : b.node().inputs()) {
          assertTrue(boxes.get(in).layer() < b.layer(), file + ": " + b.node() + " is not below " + in);
        }
        for (LayeredLayout.Box other : all) {
          if (other != b && other.layer() == b.layer()) {
            assertTrue(other.x() >= b.x() + b.width() || b.x() >= other.x() + other.width(),
                file + ": " + b.node() + " overlaps " + other.node());
          }
        }
      }
    }
  }

  @Test
  void nodesWithCodeAreLinksAndOthersAreNot() throws Exception {
    Graph graph = example("salammbo/softmax.nn");
    String svg = SvgGraph.render(graph, "g", n -> n.op().isSource() ? null : "code-m" + n.op().text());
    long links = svg.lines().filter(l -> l.contains("<a href=\"#code-m")).count();
    long sources = graph.nodes().stream().filter(n -> n.op().isSource()).count();
    assertEquals(graph.nodes().size() - sources, links);
    assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" id=\"g\""), svg);
    assertTrue(svg.contains("<g class=\"node input\" id=\"g-n0\">"), svg);
  }

  @Test
  void methodsAreAnchoredAndNodesFoundByNumberAndPlace() {
    CodeListing code = CodeListing.of("""
        public final class M {
          private void predict3_matmul(int B) {
            // softmax.nn:7:12  logits = dense(x, 2)
            // %3 = matmul %0, %1 : f32[B,2]
            // %5 = add %3, %4 : f32[B,2]  (the bias add)
            int x = a < b ? 1 : 2;
          }

          static void predict6_reduce_max(M m, int B) {
            // softmax.nn:8:18  output probs = softmax(logits)
            // %6 = reduce_max %5 axes=(1) keepdims : f32[B,1]
          }
        }
        """);
    assertEquals("code-predict3_matmul", code.methodOfNode(3));
    assertEquals("code-predict3_matmul", code.methodOfNode(5));
    assertEquals("code-predict6_reduce_max", code.methodOfNode(6));
    assertNull(code.methodOfNode(4));
    assertEquals("code-predict3_matmul", code.methodOfPlace("softmax.nn:7:12"));
    assertEquals("code-predict6_reduce_max", code.methodOfPlace("softmax.nn:8:18"));
    assertNull(code.methodOfPlace("softmax.nn:9:1"));
    assertTrue(code.html().contains("<span class=\"method\" id=\"code-predict3_matmul\">  private void "
        + "predict3_matmul(int B) {</span>"), code.html());
    assertTrue(code.html().contains("int x = a &lt; b ? 1 : 2;"), code.html());
  }

  @Test
  void aNodeComputedByASharedKernelIsFoundAtTheKernel() {
    CodeListing code = CodeListing.of("""
        public final class M {
          private void predictPart0(int B) {
            // softmax.nn:7:12  logits = dense(x, 2)
            // %3 = matmul %0, %1 : f32[B,2]
            // %5 = add %3, %4 : f32[B,2]  (the bias add, computed by the product)
            matmul0(this.x, this.W, this.b, this.t0, B);
            // softmax.nn:8:18  output probs = softmax(logits)
            // %6 = reduce_max %5 axes=(1) keepdims : f32[B,1]
            Part0.reduce_max1(this, this.t0, this.t1, B);
          }

          private void matmul0(float[] arg0, float[] arg1, float[] arg2, float[] arg3, int B) {
            Gemm.multiplyBias(arg0, arg1, arg2, arg3);
          }

          static final class Part0 {
            static void reduce_max1(M m, float[] arg0, float[] arg1, int B) {
              System.arraycopy(arg0, 0, arg1, 0, B);
            }
          }
        }
        """);
    assertEquals("code-matmul0", code.methodOfNode(3));
    assertEquals("code-matmul0", code.methodOfNode(5));
    assertEquals("code-reduce_max1", code.methodOfNode(6));
    assertEquals("code-matmul0", code.methodOfPlace("softmax.nn:7:12"));
    assertEquals("code-reduce_max1", code.methodOfPlace("softmax.nn:8:18"));
  }

  @Test
  void escapesWhatHtmlGivesMeaningTo() {
    assertEquals("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; →", Html.escape("a <b> & \"c\" 'd' →"));
  }
}
