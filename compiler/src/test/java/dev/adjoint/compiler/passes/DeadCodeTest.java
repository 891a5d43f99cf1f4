package dev.adjoint.compiler.passes;

import static dev.adjoint.compiler.passes.PassTesting.assertIdenticalOnExtremes;
import static dev.adjoint.compiler.passes.PassTesting.assertLeftAlone;
import static dev.adjoint.compiler.passes.PassTesting.assertSameValues;
import static dev.adjoint.compiler.passes.PassTesting.compile;
import static dev.adjoint.compiler.passes.PassTesting.randomFeed;
import static dev.adjoint.compiler.passes.PassTesting.run;
import static dev.adjoint.compiler.passes.PassTesting.training;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.source.SourceSpan;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Inputs and state that nothing computes from leave the graph's interface (an inference
 * graph's targets); parameters stay, as they are the model's identity.
 */
class DeadCodeTest {

  private static final String PROGRAM = """
      model t {
        input  x: f64[B, 3]
        input  unused: f64[B, 2]
        target y: f64[B, 2]
        param  lonely: f64[5]
        output o = dense(x, 2, act = tanh)
        loss = mse(o, y)
      }
      """;

  private static List<String> names(List<Node> sources) {
    return sources.stream().map(Node::sourceName).toList();
  }

  @Test
  void unusedInputsLeaveAndParametersStay() {
    Graph forward = compile(PROGRAM);
    assertEquals(List.of("x", "unused", "y"), names(forward.inputs()));
    Pass.Result r = run(new DeadCode(), forward);
    assertEquals(1, r.fired());
    assertEquals(List.of("x", "y"), names(r.graph().inputs()));
    assertEquals(names(forward.params()), names(r.graph().params()));
    assertEquals("lonely", forward.params().get(0).sourceName());
  }

  @Test
  void targetsOfAnInferenceGraphLeave() {
    Graph inference = run(new InferenceExtraction(false), compile(PROGRAM)).graph();
    Pass.Result r = run(new DeadCode(), inference);
    assertEquals(2, r.fired());
    assertEquals(List.of("x"), names(r.graph().inputs()));
  }

  @Test
  void unusedStateLeaves() {
    SourceSpan span = SourceSpan.synthetic("t");
    NodeBuilder b = NodeBuilder.start(span, 0);
    Node x = b.node(Op.INPUT, List.of(), new Attrs.Input("x", ScalarType.F64, Shape.of(Shape.BATCH, 2), false, 0,
        List.of()));
    Node kept = b.node(Op.STATE, List.of(), new Attrs.State("kept", ScalarType.F64, Shape.of(2), 1));
    Node dropped = b.node(Op.STATE, List.of(), new Attrs.State("dropped", ScalarType.F64, Shape.of(2), 0));
    Graph g = Graph.builder("t", span).input(x).state(kept).state(dropped).output("o", b.add(x, kept)).build();
    Pass.Result r = run(new DeadCode(), g);
    assertEquals(1, r.fired());
    assertEquals(List.of("kept"), names(r.graph().states()));
  }

  @Test
  void aGraphThatReadsEverySourceIsLeftAlone() {
    Graph training = training(compile(PROGRAM.replace("  input  unused: f64[B, 2]\n", "")));
    assertLeftAlone(new DeadCode(), training);
  }

  @Test
  void valuesAreUnchanged() {
    Graph forward = compile(PROGRAM);
    Graph training = training(forward);
    Graph inference = run(new InferenceExtraction(false), forward).graph();
    for (int batch : new int[] {3, 0}) {
      Feed feed = randomFeed(forward, batch, batch);
      assertSameValues(training, run(new DeadCode(), training).graph(), feed);
      assertSameValues(inference, run(new DeadCode(), inference).graph(), feed);
    }
  }

  /** Removing sources nothing reads cannot change a value: bit for bit on extreme inputs, B = 5, 1, 0. */
  @Test
  void extremeInputsGiveIdenticalValues() {
    Graph forward = compile(PROGRAM);
    Graph training = training(forward);
    Graph inference = run(new InferenceExtraction(false), forward).graph();
    assertIdenticalOnExtremes(training, run(new DeadCode(), training).graph(), 10);
    assertIdenticalOnExtremes(inference, run(new DeadCode(), inference).graph(), 20);
  }
}
