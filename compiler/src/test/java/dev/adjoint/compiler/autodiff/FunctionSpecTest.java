package dev.adjoint.compiler.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.autodiff.FunctionSpec.Kind;
import dev.adjoint.compiler.autodiff.FunctionSpec.Wrt;
import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.Mode;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Verifier;
import dev.adjoint.compiler.passes.Pipeline;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.testing.RandomFeeds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The graphs of the derivatives users compile ({@link FunctionSpec}), in the reference
 * interpreter: their interface (seeds as inputs, results as outputs, nothing else), each
 * product against central differences in f64, the mode switches' behaviour, and the
 * requests refused.
 */
class FunctionSpecTest {
  private static final String MLP = """
      model mlp {
        input  x: f64[B, 3]
        target y: f64[B, 2]
        h = dense(x, 4, act = tanh)
        output p = softmax(dense(h, 2))
        output c = argmax(p, axis = 1)
        loss = mse(p, y) + 0.01 * sum(h.W * h.W)
      }
      """;
  private static final String DROPOUT = """
      model drop {
        input  x: f64[B, 3]
        target y: f64[B, 2]
        h = batch_norm(dense(x, 4, act = tanh))
        output p = dense(dropout(h, 0.5), 2)
        loss = mse(p, y)
      }
      """;
  private static final double EPS = 1e-6;

  private final Graph mlp = graph(MLP);
  private final Random random = new Random(9);

  @Test
  void eachFunctionHasItsSeedsAsInputsAndItsResultsAsOutputs() {
    assertInterface(FunctionSpec.lossGradient(Wrt.INPUTS), Set.of("x", "y"), Set.of("value", "grad.x", "grad.y"));
    assertInterface(FunctionSpec.lossGradient(Wrt.PARAMETERS), Set.of("x", "y"),
        Set.of("value", "grad.h.W", "grad.h.b", "grad.p.W", "grad.p.b"));
    assertInterface(FunctionSpec.vjp("p", Wrt.INPUTS), Set.of("x", "y", "cotangent"), Set.of("value", "grad.x",
        "grad.y"));
    assertInterface(FunctionSpec.jvp("p", Wrt.ALL), Set.of("x", "y", "tangent.x", "tangent.y", "tangent.h.W",
        "tangent.h.b", "tangent.p.W", "tangent.p.b"), Set.of("value", "tangent"));
    assertInterface(FunctionSpec.hvp(), Set.of("x", "y", "v.h.W", "v.h.b", "v.p.W", "v.p.b"),
        Set.of("value", "grad.h.W", "grad.h.b", "grad.p.W", "grad.p.b", "hvp.h.W", "hvp.h.b", "hvp.p.W", "hvp.p.b"));
    Graph classes = graph(MLP.replace("target y: f64[B, 2]", "target y: class[B] of 2").replace("mse(p, y)",
        "cross_entropy(p, y)"));
    assertEquals(Set.of("value", "grad.x"), FunctionSpec.lossGradient(Wrt.INPUTS).build(classes).outputs().keySet(),
        "class indices have no gradient");
    Graph g = FunctionSpec.hvp().build(mlp);
    assertNull(g.loss());
    assertTrue(g.gradients().isEmpty());
    assertEquals(mlp.params(), g.params());
    assertEquals(mlp.outputs().get("p").shape(), FunctionSpec.vjp("p", Wrt.ALL).build(mlp).outputs().get("value")
        .shape());
  }

  @Test
  void vectorJacobianProductsAgreeWithFiniteDifferences() {
    Graph g = FunctionSpec.vjp("p", Wrt.ALL).build(mlp);
    Feed feed = feed(g);
    Evaluation at = new Interpreter(g).evaluate(feed);
    double[] cotangent = feed.inputs().get("cotangent").data();
    for (String source : List.of("x", "h.W", "p.b")) {
      boolean param = feed.params().containsKey(source);
      double[] d = direction(param ? feed.params().get(source) : feed.inputs().get(source));
      double exact = dot(at.output("grad." + source).data(), d);
      double fd = (weighted(g, moved(feed, source, d, EPS), cotangent) - weighted(g, moved(feed, source, d, -EPS),
          cotangent)) / (2 * EPS);
      assertEquals(fd, exact, 1e-7 * (1 + Math.abs(fd)), "grad." + source);
    }
    Graph loss = FunctionSpec.lossGradient(Wrt.INPUTS).build(mlp);
    Feed lossFeed = feed(loss);
    Evaluation lossAt = new Interpreter(loss).evaluate(lossFeed);
    double[] d = direction(lossFeed.inputs().get("x"));
    double fd = (new Interpreter(loss).evaluate(moved(lossFeed, "x", d, EPS)).output("value").item()
        - new Interpreter(loss).evaluate(moved(lossFeed, "x", d, -EPS)).output("value").item()) / (2 * EPS);
    assertEquals(fd, dot(lossAt.output("grad.x").data(), d), 1e-7 * (1 + Math.abs(fd)), "grad.x of the loss");
  }

  @Test
  void jacobianVectorProductsAgreeWithFiniteDifferences() {
    Graph g = FunctionSpec.jvp("p", Wrt.ALL).build(mlp);
    Feed feed = feed(g);
    Interpreter interpreter = new Interpreter(g);
    double[] tangent = interpreter.evaluate(feed).output("tangent").data();
    Feed up = feed;
    Feed down = feed;
    for (String name : feed.inputs().keySet()) {
      if (name.startsWith("tangent.")) {
        String source = name.substring("tangent.".length());
        double[] t = feed.inputs().get(name).data();
        up = moved(up, source, t, EPS);
        down = moved(down, source, t, -EPS);
      }
    }
    double[] plus = interpreter.evaluate(up).output("value").data();
    double[] minus = interpreter.evaluate(down).output("value").data();
    for (int i = 0; i < tangent.length; i++) {
      double fd = (plus[i] - minus[i]) / (2 * EPS);
      assertEquals(fd, tangent[i], 1e-7 * (1 + Math.abs(fd)), "tangent[" + i + "]");
    }
  }

  @Test
  void hessianVectorProductsAgreeWithFiniteDifferencesOfTheGradient() {
    Graph g = FunctionSpec.hvp().build(mlp);
    Verifier.check(g, "hvp");
    Feed feed = feed(g);
    Interpreter interpreter = new Interpreter(g);
    Evaluation at = interpreter.evaluate(feed);
    Map<String, F64Tensor> v = new LinkedHashMap<>();
    feed.params().keySet().forEach(name -> v.put(name, feed.inputs().get("v." + name)));
    Feed up = new Feed(feed.inputs(), GradientChecker.shifted(feed.params(), v, EPS), Map.of(), feed.mode(), 0, 0);
    Feed down = new Feed(feed.inputs(), GradientChecker.shifted(feed.params(), v, -EPS), Map.of(), feed.mode(), 0, 0);
    Evaluation plus = interpreter.evaluate(up);
    Evaluation minus = interpreter.evaluate(down);
    for (String name : feed.params().keySet()) {
      double[] hv = at.output("hvp." + name).data();
      for (int i = 0; i < hv.length; i++) {
        double fd = (plus.output("grad." + name).data()[i] - minus.output("grad." + name).data()[i]) / (2 * EPS);
        assertEquals(fd, hv[i], 1e-6 * (1 + Math.abs(fd)), "hvp." + name + "[" + i + "]");
      }
    }
    assertEquals(new Interpreter(mlp).evaluate(Feed.of(feed.inputs(), feed.params())).loss().item(),
        at.output("value").item(), 1e-12, "the value is the loss");
  }

  @Test
  void modeSwitchesBehaveAsAskedAndStateIsLeftAlone() {
    Graph drop = graph(DROPOUT);
    FunctionSpec inference = FunctionSpec.lossGradient(Wrt.PARAMETERS);
    Graph quiet = inference.build(drop);
    Graph training = inference.inTraining(true).build(drop);
    assertFalse(uses(quiet, Op.MODE_SWITCH) || uses(quiet, Op.RANDOM_UNIFORM), "inference: no dropout");
    assertTrue(uses(training, Op.RANDOM_UNIFORM), "training: dropout masks drawn");
    assertTrue(training.stateUpdates().isEmpty() && quiet.stateUpdates().isEmpty(), "a function changes no state");
    assertFalse(drop.stateUpdates().isEmpty(), "batch norm updates its statistics when training");
    Feed feed = feed(quiet).withMode(Mode.TRAINING);
    assertEquals(new Interpreter(drop).evaluate(feed.withMode(Mode.INFERENCE)).loss().item(),
        new Interpreter(quiet).evaluate(feed).output("value").item(), 1e-12, "as evaluate behaves");
    assertTrue(inference.inTraining(true).training() && !inference.training());
  }

  @Test
  void labelsNameTheFunction() {
    assertEquals("vjp_p_inputs", FunctionSpec.vjp("p", Wrt.INPUTS).label());
    assertEquals("hvp_loss_parameters", FunctionSpec.hvp().label());
    assertEquals("jvp_loss_all_training", FunctionSpec.jvp(null, Wrt.ALL).inTraining(true).label());
    assertEquals(new FunctionSpec(Kind.VJP, null, Wrt.ALL, false), FunctionSpec.lossGradient(Wrt.ALL));
  }

  @Test
  void requestsThatHaveNoDerivativeAreRefused() {
    assertTrue(refused(() -> FunctionSpec.vjp("q", Wrt.ALL).build(mlp)).contains("no output 'q'; it has: p, c"));
    assertTrue(refused(() -> FunctionSpec.vjp("c", Wrt.ALL).build(mlp)).contains("holds integers"));
    Graph noLoss = mlp.toBuilder().clearLoss().build();
    assertTrue(refused(() -> FunctionSpec.hvp().build(noLoss)).contains("model mlp has no loss"));
    assertTrue(refused(() -> new FunctionSpec(Kind.HVP, "p", Wrt.PARAMETERS, false)).contains("Hessian"));
    assertTrue(refused(() -> new FunctionSpec(Kind.HVP, null, Wrt.ALL, false)).contains("Hessian"));
    new FunctionSpec(Kind.JVP, "p", Wrt.ALL, false); // any other product of an output is fine
    assertThrows(NullPointerException.class, () -> FunctionSpec.vjp(null, Wrt.ALL));
  }

  @Test
  void thePipelineStabilizesThenExtractsTheFunction() {
    Pipeline pipeline = Pipeline.function(FunctionSpec.hvp());
    assertEquals("function", pipeline.name());
    List<String> stages = pipeline.stageNames();
    assertTrue(stages.indexOf("differentiate/function") > stages.indexOf("stabilize/softmax-cross-entropy"), stages
        .toString());
    Pipeline.StageResult extracted = pipeline.run(mlp, true).stream()
        .filter(r -> r.stage().name().equals("differentiate/function")).findFirst().orElseThrow();
    assertEquals(9, extracted.fired(), "one per output: value, four gradients, four products");
    Graph optimized = pipeline.apply(mlp);
    assertEquals(extracted.graph().outputs().keySet(), optimized.outputs().keySet());
  }

  // ---- helpers -------------------------------------------------------------------------

  private void assertInterface(FunctionSpec spec, Set<String> inputs, Set<String> outputs) {
    Graph g = spec.build(mlp);
    Verifier.check(g, spec.label());
    assertEquals(inputs, Set.copyOf(g.inputs().stream().map(Node::sourceName).toList()), spec.label() + " inputs");
    assertEquals(outputs, g.outputs().keySet(), spec.label() + " outputs");
  }

  private Feed feed(Graph g) {
    Map<String, F64Tensor> inputs = RandomFeeds.inputs(g, 3, random);
    return new Feed(inputs, RandomFeeds.params(g, random, 0.7), Map.of(), Mode.INFERENCE, 0, 0);
  }

  private static double weighted(Graph g, Feed feed, double[] cotangent) {
    return dot(new Interpreter(g).evaluate(feed).output("value").data(), cotangent);
  }

  private static Feed moved(Feed feed, String name, double[] d, double step) {
    boolean param = feed.params().containsKey(name);
    Map<String, F64Tensor> group = param ? feed.params() : feed.inputs();
    Map<String, F64Tensor> shifted = GradientChecker.shifted(Map.of(name, group.get(name)),
        Map.of(name, F64Tensor.of(group.get(name).shape(), d)), step);
    Map<String, F64Tensor> out = new LinkedHashMap<>(group);
    out.putAll(shifted);
    return param ? new Feed(feed.inputs(), out, feed.states(), feed.mode(), 0, 0)
        : new Feed(out, feed.params(), feed.states(), feed.mode(), 0, 0);
  }

  private double[] direction(F64Tensor like) {
    double[] d = new double[like.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = random.nextGaussian();
    }
    return d;
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static boolean uses(Graph g, Op op) {
    return g.nodes().stream().anyMatch(n -> n.op() == op);
  }

  private static String refused(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  private static Graph graph(String source) {
    Compilation c = Frontend.compile(SourceFile.of("f.nn", source));
    assertTrue(c.ok(), c.diagnostics().format());
    return c.models().get(0).graph();
  }
}
