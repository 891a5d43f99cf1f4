package dev.adjoint.compiler.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.CodeBlock;
import dev.adjoint.compiler.autodiff.ReverseMode;
import dev.adjoint.compiler.autodiff.TrainingGraph;
import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.frontend.BuiltinTable;
import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.frontend.lib.MathFunctions;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.Mode;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Derivative;
import dev.adjoint.compiler.ir.ElementwiseOp;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Init;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ParamRole;
import dev.adjoint.compiler.ir.ElementKernel;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeRules;
import dev.adjoint.compiler.ir.Verifier;
import dev.adjoint.compiler.passes.Pipeline;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.source.SourceSpan;
import dev.adjoint.compiler.testing.RandomFeeds;
import dev.adjoint.runtime.model.CompiledModel;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The proof that one table entry is enough for an elementwise primitive: {@code softsign}
 * (x / (1 + |x|)), defined here in test code as one {@link ElementwiseOp} and bound to the
 * language by one call, parses, differentiates, passes an f64 central-difference gradient
 * check, interprets, and compiles through the pipeline (where it is fused into a kernel),
 * code generation and Janino, the compiled model agreeing with the interpreter.
 */
class NewPrimitiveTest {
  /** d softsign(x) = 1 / (1 + |x|)². */
  static final ElementwiseOp SOFTSIGN = new ElementwiseOp("softsign", 1, ShapeRules.FLOAT,
      ElementKernel.of((a, dtype, attrs) -> a[0] / (1 + Math.abs(a[0])),
          o -> CodeBlock.of("$L / ($L + $T.abs($L))", o.get(0), o.literal(1, o.dtype(0)), Math.class, o.get(0))),
      Derivative.elementwise((b, n) -> {
        Node d = b.shift(b.abs(n.input(0)), 1);
        return b.recip(b.mul(d, d));
      }));

  private static final BuiltinTable BUILTINS =
      BuiltinTable.standardWith(table -> MathFunctions.elementwise(table, "x / (1 + |x|)", SOFTSIGN));

  private static final String PROGRAM = """
      model soft {
        input x: f32[B, 4]
        target y: f32[B, 3]
        h = dense(x, 3)
        output o = softsign(h) * 2 + 1
        loss = mse(o, y)
      }
      """;

  private static ModelUnit unit() {
    Compilation c = Frontend.compile(SourceFile.of("soft.nn", PROGRAM), List.of(), BUILTINS);
    assertTrue(c.ok(), c.diagnostics().format());
    return c.models().get(0);
  }

  @Test
  void parsesIntoTheGraph() {
    Graph forward = unit().graph();
    assertTrue(forward.nodes().stream().anyMatch(n -> n.op() == SOFTSIGN), forward.nodes().toString());
    Compilation standard = Frontend.compile(SourceFile.of("soft.nn", PROGRAM));
    assertFalse(standard.ok(), "the standard table does not know softsign");
  }

  @Test
  void differentiatesAndPassesAnF64GradientCheck() {
    Graph training = TrainingGraph.of(unit().graph());
    Verifier.check(training, "training graph");
    assertEquals(2, training.gradients().size());

    NodeBuilder b = NodeBuilder.start(SourceSpan.synthetic("softsign"), 0);
    Node p = b.node(Op.PARAM, List.of(), new Attrs.Param("p", ScalarType.F64, Shape.of(7),
        Init.of(Init.Kind.ZEROS), ParamRole.WEIGHT));
    Node loss = b.sumAll(b.mul(b.node(SOFTSIGN, p), b.node(SOFTSIGN, p)));
    Node gradient = ReverseMode.gradients(b, loss, List.of(p)).get(p);
    Graph graph = Graph.builder("check", SourceSpan.synthetic("softsign")).param(p).output("loss", loss)
        .output("gradient", gradient).build();
    Verifier.check(graph, "gradient graph");
    double[] theta = {-2.5, -1, -0.3, 0.2, 0.7, 1.5, 3};
    Evaluation at = evaluate(graph, theta);
    double epsilon = 1e-5;
    for (int i = 0; i < theta.length; i++) {
      double[] up = theta.clone();
      double[] down = theta.clone();
      up[i] += epsilon;
      down[i] -= epsilon;
      double fd = (evaluate(graph, up).output("loss").item() - evaluate(graph, down).output("loss").item())
          / (2 * epsilon);
      double reverse = at.output("gradient").flat(i);
      assertEquals(fd, reverse, 1e-8 * (1 + Math.abs(fd)), "d loss / d p[" + i + "]");
    }
  }

  @Test
  void interpretsAsItsDefinitionSays() {
    Graph forward = unit().graph();
    Random random = new Random(3);
    Map<String, F64Tensor> inputs = RandomFeeds.inputs(forward, 5, random);
    Map<String, F64Tensor> params = RandomFeeds.params(forward, random, 0.5);
    Evaluation e = new Interpreter(forward).evaluate(Feed.of(inputs, params).withMode(Mode.INFERENCE));
    Node softsign = forward.nodes().stream().filter(n -> n.op() == SOFTSIGN).findFirst().orElseThrow();
    F64Tensor h = e.value(softsign.input(0));
    F64Tensor s = e.value(softsign);
    for (int i = 0; i < h.size(); i++) {
      double x = h.flat(i);
      assertEquals(x / (1 + Math.abs(x)), s.flat(i), 1e-15);
    }
  }

  @Test
  void compilesThroughCodeGenerationAndAgreesWithTheInterpreter() {
    ModelUnit unit = unit();
    List<Pipeline.StageResult> stages = Pipeline.training().run(unit.graph(), true);
    Graph optimized = stages.get(stages.size() - 1).graph();
    assertTrue(optimized.nodes().stream().anyMatch(n -> n.op() == Op.ELEMENTWISE_KERNEL && n.attrs(
        Attrs.Kernel.class).program().stream().anyMatch(i -> i.op() == SOFTSIGN)), "fused into a kernel");
    String source = ModelCompiler.generate(unit, "dev.adjoint.generated", "Soft").source();
    assertTrue(source.contains(" / (1.0f + Math.abs("), "softsign's template is in the loop:\n" + source);

    CompiledModel model = ModelCompiler.compile(unit).newModel(8);
    Graph forward = unit.graph();
    Random random = new Random(11);
    Map<String, F64Tensor> inputs = rounded(RandomFeeds.inputs(forward, 6, random));
    Map<String, F64Tensor> params = rounded(RandomFeeds.params(forward, random, 0.5));
    inputs.forEach((name, t) -> copy(t, model.input(name)));
    params.forEach((name, t) -> copy(t, model.param(name)));
    Feed feed = Feed.of(inputs, params);

    model.predict(6);
    Evaluation inference = new Interpreter(forward).evaluate(feed.withMode(Mode.INFERENCE));
    close(inference.output("o"), model.output("o"), "output o");

    model.setLearningRate(0);
    double loss = model.trainStep(6);
    Graph training = TrainingGraph.of(forward);
    Evaluation reference = new Interpreter(training).evaluate(feed.withMode(Mode.TRAINING));
    assertEquals(reference.loss().item(), loss, 2e-4 * Math.max(1, Math.abs(loss)), "training loss");
    training.gradients().forEach((name, node) -> close(reference.value(node), model.gradients().get(name),
        "gradient of " + name));
  }

  private static Evaluation evaluate(Graph graph, double[] theta) {
    return new Interpreter(graph).evaluate(Feed.of(Map.of(), Map.of("p", F64Tensor.vector(theta))));
  }

  private static Map<String, F64Tensor> rounded(Map<String, F64Tensor> values) {
    Map<String, F64Tensor> out = new java.util.LinkedHashMap<>();
    values.forEach((name, t) -> {
      double[] data = t.data();
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) data[i];
      }
      out.put(name, F64Tensor.of(t.shape(), data));
    });
    return out;
  }

  private static void copy(F64Tensor from, dev.adjoint.runtime.model.Tensor into) {
    double[] values = from.data();
    for (int i = 0; i < values.length; i++) {
      into.set(i, values[i]);
    }
  }

  private static void close(F64Tensor expected, dev.adjoint.runtime.model.Tensor actual, String what) {
    for (int i = 0; i < expected.size(); i++) {
      double e = expected.flat(i);
      assertEquals(e, actual.get(i), 2e-4 * Math.max(1, Math.abs(e)), what + "[" + i + "]");
    }
  }
}
