package dev.adjoint.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.source.SourceSpan;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextDumpTest {
  private static final String LOGREG = String.join("\n",
      "model logreg",
      "  %0 = input x : f32[B,2]                               # logreg.nn:2:3",
      "  %1 = target y : f32[B,1]                              # logreg.nn:3:3",
      "  %2 = param w init=glorot_uniform role=weight : f32[2,1]  # logreg.nn:4:3",
      "  %3 = param b init=zeros role=bias : f32[1]            # logreg.nn:5:3",
      "  %4 = matmul %0, %2 : f32[B,1]                         # logreg.nn:6:22",
      "  %5 = broadcast %3 to=[B,1] : f32[B,1]                 # logreg.nn:6:22",
      "  %6 = add %4, %5 : f32[B,1]                            # logreg.nn:6:22",
      "  %7 = sigmoid %6 : f32[B,1]                            # logreg.nn:6:14",
      "  %8 = log %7 : f32[B,1]                                # logreg.nn:7:12",
      "  %9 = mul %1, %8 : f32[B,1]                            # logreg.nn:7:12",
      "  %10 = const 1 : f32[]                                 # logreg.nn:7:12",
      "  %11 = broadcast %10 to=[B,1] : f32[B,1]               # logreg.nn:7:12",
      "  %12 = sub %11, %1 : f32[B,1]                          # logreg.nn:7:12",
      "  %13 = broadcast %10 to=[B,1] : f32[B,1]               # logreg.nn:7:12",
      "  %14 = sub %13, %7 : f32[B,1]                          # logreg.nn:7:12",
      "  %15 = log %14 : f32[B,1]                              # logreg.nn:7:12",
      "  %16 = mul %12, %15 : f32[B,1]                         # logreg.nn:7:12",
      "  %17 = add %9, %16 : f32[B,1]                          # logreg.nn:7:12",
      "  %18 = reduce_sum %17 axes=(0,1) : f32[]               # logreg.nn:7:12",
      "  %19 = count %17 axes=(0,1) : f32[]                    # logreg.nn:7:12",
      "  %20 = div %18, %19 : f32[]                            # logreg.nn:7:12",
      "  %21 = neg %20 : f32[]                                 # logreg.nn:7:12",
      "  output p = %7",
      "  loss = %21",
      "");

  @Test
  void dumpsLogisticRegressionExactly() {
    assertEquals(LOGREG, TextDump.dump(SampleGraphs.logreg()));
  }

  @Test
  void equallyBuiltGraphsDumpAlike() {
    assertEquals(TextDump.dump(SampleGraphs.logreg()), TextDump.dump(SampleGraphs.logreg()));
  }

  @Test
  void independentCompilationsOfOneSourceDumpAlike() {
    // new nodes each time, so new identity hashes: a dump, or a pass before it, that
    // followed the order of a hash set or map of nodes would differ between the two
    Graph first = SampleGraphs.compiledTraining("mnist/mnist.nn");
    Graph second = SampleGraphs.compiledTraining("mnist/mnist.nn");
    assertFalse(SampleGraphs.shareANode(first, second));
    String dump = TextDump.dump(first);
    assertTrue(dump.contains("\n  grad h.W = %") && dump.contains(" dropout_mask "), dump);
    assertEquals(dump, TextDump.dump(second));
    assertEquals(dump, TextDump.dump(first.toBuilder().build()), "rebuilt from its parts");
  }

  @Test
  void numberingFollowsGraphOrderAndMatchesTheDump() {
    Graph g = SampleGraphs.logreg();
    Map<Node, Integer> numbers = TextDump.numbering(g);
    List<Node> nodes = g.nodes();
    assertEquals(nodes.size(), numbers.size());
    for (int i = 0; i < nodes.size(); i++) {
      assertEquals(i, numbers.get(nodes.get(i)));
    }
    assertEquals(7, numbers.get(g.outputs().get("p")));
    assertEquals(21, numbers.get(g.loss()));
  }

  @Test
  void hyperparametersLineQuotesStringsAndIsOmittedWhenEmpty() {
    Graph plain = SampleGraphs.logreg();
    assertFalse(TextDump.dump(plain).contains("hyperparameters"));
    Graph withHyper = plain.toBuilder()
        .hyperparameter("hidden", 256L).hyperparameter("p", 0.2).hyperparameter("act", "re\"lu")
        .hyperparameter("bias", true)
        .build();
    String[] lines = TextDump.dump(withHyper).split("\n");
    assertEquals("model logreg", lines[0]);
    assertEquals("  hyperparameters: hidden=256, p=0.2, act=\"re\\\"lu\", bias=true", lines[1]);
    assertTrue(lines[2].startsWith("  %0 = input x : f32[B,2] "), lines[2]);
  }

  @Test
  void classTargetsPrintTheirClassesAndStateUpdatesTheirOwnLines() {
    SourceSpan t = SampleGraphs.synthetic();
    NodeBuilder g = NodeBuilder.start(t, 0);
    Node ids = g.node(Op.INPUT, List.of(),
        new Attrs.Input("y", ScalarType.I32, Shape.of(Shape.BATCH), true, 3, List.of("cat", "dog", "a \"b\"")));
    Node mean = SampleGraphs.state("bn.running_mean", 4);
    Node next = g.scale(mean, 0.9);
    Graph graph = Graph.builder("m", t).input(ids).state(mean)
        .output("ids", ids)
        .stateUpdate("bn.running_mean", next)
        .build();
    String expected = String.join("\n",
        "model m",
        "  %0 = target y classes=(\"cat\",\"dog\",\"a \\\"b\\\"\") : i32[B]  # <t>",
        "  %1 = state bn.running_mean initial=0 : f32[4]         # <t>",
        "  %2 = const 0.9 : f32[]                                # <t>",
        "  %3 = broadcast %2 to=[4] : f32[4]                     # <t>",
        "  %4 = mul %1, %3 : f32[4]                              # <t>",
        "  output ids = %0",
        "  state bn.running_mean <- %4",
        "");
    assertEquals(expected, TextDump.dump(graph));
  }

  @Test
  void longStatementsKeepTwoSpacesBeforeTheLocation() {
    Node w = Node.of(Op.PARAM, List.of(),
        new Attrs.Param("encoder.layer1.weight", ScalarType.F32, Shape.of(784, 256),
            new Init(Init.Kind.NORMAL, Map.of("mean", 0.0, "std", 0.01)), ParamRole.WEIGHT),
        SampleGraphs.synthetic());
    Graph graph = Graph.builder("m", SampleGraphs.synthetic()).param(w).output("w", w).build();
    assertEquals("  %0 = param encoder.layer1.weight init=normal(mean=0, std=0.01) role=weight : f32[784,256]"
        + "  # <t>", TextDump.dump(graph).split("\n")[1]);
  }

  /** Numbers print in the precision of what holds them: an f32 attribute as the shortest float that round-trips. */
  @Test
  void numbersPrintInTheirOwnPrecision() {
    assertEquals("0.2", new Attrs.Fill((float) 0.2, ScalarType.F32, Shape.SCALAR).text());
    assertEquals("0.70710677", new Attrs.Fill(Math.sqrt(0.5), ScalarType.F32, Shape.SCALAR).text());
    assertEquals("0.7071067811865476", new Attrs.Fill(Math.sqrt(0.5), ScalarType.F64, Shape.SCALAR).text());
    assertEquals("0.30000000000000004", new Attrs.Fill(0.1 + 0.2, ScalarType.F64, Shape.SCALAR).text());
    assertEquals("1.0E-4", new Attrs.Fill(1e-4, ScalarType.F32, Shape.SCALAR).text());
    assertEquals("3", new Attrs.Fill(3, ScalarType.F32, Shape.SCALAR).text());
    assertEquals("-Infinity", new Attrs.Fill(Double.NEGATIVE_INFINITY, ScalarType.F32, Shape.SCALAR).text());
    assertEquals("stream=0 p=0.2 scale=1.25",
        new Attrs.DropoutMask(0, (float) 0.2, 1.25, ScalarType.F32, Shape.of(Shape.BATCH, 4)).text());
    assertEquals("h.mean initial=0.1", new Attrs.State("h.mean", ScalarType.F32, Shape.of(4), (float) 0.1).text());
  }
}
