package dev.adjoint.compiler.frontend;

import static dev.adjoint.compiler.frontend.Programs.assertRejects;
import static dev.adjoint.compiler.frontend.Programs.assertValues;
import static dev.adjoint.compiler.frontend.Programs.compile;
import static dev.adjoint.compiler.frontend.Programs.graph;
import static dev.adjoint.compiler.frontend.Programs.mat;
import static dev.adjoint.compiler.frontend.Programs.row;
import static dev.adjoint.compiler.frontend.Programs.run;
import static dev.adjoint.compiler.frontend.Programs.shape;
import static dev.adjoint.compiler.frontend.Programs.vec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Init;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ParamRole;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.settings.Optimizer;
import dev.adjoint.compiler.settings.ParamSelection;
import dev.adjoint.compiler.settings.TrainConfig;
import dev.adjoint.compiler.source.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the front end makes of a program beyond single built-ins: how parameters are named
 * and found again, how hyperparameters resolve, which binding is the loss, the order of
 * outputs, default initializers and roles, and the defaults of a train block.
 */
class FrontendSemanticsTest {

  private static List<String> paramNames(Graph g) {
    return g.params().stream().map(Node::sourceName).toList();
  }

  private static Shape paramShape(Graph g, String name) {
    Node n = g.source(name);
    assertNotNull(n, () -> "no parameter " + name + " in " + paramNames(g));
    return n.shape();
  }

  private static Attrs.Param param(Graph g, String name) {
    Node n = g.source(name);
    assertNotNull(n, () -> "no parameter " + name + " in " + paramNames(g));
    assertEquals(Op.PARAM, n.op());
    return n.attrs(Attrs.Param.class);
  }

  @Nested
  class ParameterNames {

    @Test
    void aLayerIsNamedAfterTheStatementsBinding() {
      Graph g = graph("model t {\n  input x: f32[B, 3]\n  hidden = dense(x, 4)\n  output y = dense(hidden, 2)\n}\n");
      assertEquals(List.of("hidden.W", "hidden.b", "y.W", "y.b"), paramNames(g));
      assertEquals(Shape.of(3, 4), paramShape(g, "hidden.W"));
      assertEquals(Shape.of(4), paramShape(g, "hidden.b"));
      assertEquals(Shape.of(4, 2), paramShape(g, "y.W"));
    }

    @Test
    void aSecondLayerInOneStatementIsNumbered() {
      Graph g = graph("model t {\n  input x: f32[B, 3]\n  output y = dense(dense(x, 4), 2)\n}\n");
      // the inner layer runs first and takes the plain name
      assertEquals(List.of("y.W", "y.b", "y_2.W", "y_2.b"), paramNames(g));
      assertEquals(Shape.of(3, 4), paramShape(g, "y.W"));
      assertEquals(Shape.of(4, 2), paramShape(g, "y_2.W"));
      Graph three = graph("model t {\n  input x: f32[B, 3]\n"
          + "  output y = dense(x, 2) + dense(x, 2, bias = false) + layer_norm(dense(x, 2))\n}\n");
      assertEquals(List.of("y.W", "y.b", "y_2.W", "y_3.W", "y_3.b", "y_4.gamma", "y_4.beta"), paramNames(three));
    }

    @Test
    void repeatAppendsTheIterationNumber() {
      Graph g = graph("model t {\n  input x: f32[B, 3]\n  h = x\n  repeat 3 {\n    h = dense(h, 3, act = tanh)\n  }\n"
          + "  output y = h\n}\n");
      assertEquals(List.of("h.1.W", "h.1.b", "h.2.W", "h.2.b", "h.3.W", "h.3.b"), paramNames(g));
    }

    @Test
    void nestedRepeatsAppendEveryIndex() {
      Graph g = graph("model t {\n  input x: f32[B, 3]\n  u = x\n  repeat 2 {\n    repeat 3 {\n"
          + "      u = dense(u, 3, bias = false)\n    }\n  }\n  output y = u\n}\n");
      assertEquals(List.of("u.1.1.W", "u.1.2.W", "u.1.3.W", "u.2.1.W", "u.2.2.W", "u.2.3.W"), paramNames(g));
    }

    @Test
    void aDefsLayersArePrefixedWithTheCallersBinding() {
      Graph g = graph("def block(x, n) {\n  h = dense(x, n, act = relu)\n  g = dense(h, n)\n  return g\n}\n"
          + "model t {\n  input x: f32[B, 3]\n  z = block(x, 4)\n  output y = block(z, 2)\n}\n");
      assertEquals(List.of("z.h.W", "z.h.b", "z.g.W", "z.g.b", "y.h.W", "y.h.b", "y.g.W", "y.g.b"), paramNames(g));
      assertEquals(Shape.of(4, 2), paramShape(g, "y.h.W"));
    }

    @Test
    void aLayerReturnedDirectlyIsNamedAfterTheCallersBinding() {
      Graph g = graph("def lin(x, n) {\n  return dense(x, n)\n}\n"
          + "def two(x) {\n  return dense(dense(x, 2), 2)\n}\n"
          + "model t {\n  input x: f32[B, 3]\n  z = lin(x, 4)\n  output y = two(z)\n}\n");
      // a second unbound layer in a def's return takes layer_2: y_2 belongs to a second call bound to y
      assertEquals(List.of("z.W", "z.b", "y.W", "y.b", "y.layer_2.W", "y.layer_2.b"), paramNames(g));
    }

    @Test
    void aParamDeclaredInADefIsPrefixed() {
      Graph g = graph("def scaled(x) {\n  param s: f32[] = 0.5\n  return x * s\n}\n"
          + "model t {\n  input x: f32[B, 3]\n  a = scaled(x)\n  repeat 2 {\n    b = scaled(a)\n  }\n"
          + "  output y = b\n}\n");
      assertEquals(List.of("a.s", "b.1.s", "b.2.s"), paramNames(g));
      assertEquals(new Init(Init.Kind.CONSTANT, Map.of("value", 0.5)), param(g, "a.s").init());
    }

    @Test
    void repeatsInsideADefCombineWithThePrefix() {
      Graph g = graph("def tower(x) {\n  h = x\n  repeat 2 {\n    h = dense(h, 3)\n  }\n  return h\n}\n"
          + "model t {\n  input x: f32[B, 3]\n  repeat 2 {\n    z = tower(x)\n  }\n  output y = z\n}\n");
      assertEquals(List.of("z.1.h.1.W", "z.1.h.1.b", "z.1.h.2.W", "z.1.h.2.b",
          "z.2.h.1.W", "z.2.h.1.b", "z.2.h.2.W", "z.2.h.2.b"), paramNames(g));
    }

    @Test
    void qualifiedNamesReferToTheParameterNodes() {
      Graph g = graph("def block(x) {\n  h = dense(x, 3)\n  return h + sum(h.W)\n}\n"
          + "model t {\n  input x: f32[B, 3]\n  h = dense(x, 3)\n  repeat 2 {\n    r = dense(x, 3)\n  }\n"
          + "  z = block(x)\n"
          + "  output w = h.W\n  output b = h.b\n  output r2 = r.2.W\n  output r1 = r.1.b\n"
          + "  output zw = z.h.W\n  output zz = z\n}\n");
      assertSame(g.source("h.W"), g.outputs().get("w"));
      assertSame(g.source("h.b"), g.outputs().get("b"));
      assertSame(g.source("r.2.W"), g.outputs().get("r2"));
      assertSame(g.source("r.1.b"), g.outputs().get("r1"));
      assertSame(g.source("z.h.W"), g.outputs().get("zw"));
      // inside the def, h.W is the def's own layer: z.h.W
      Node zOut = g.source("z.h.W");
      assertTrue(uses(g, zOut, "reduce_sum"), "the def's sum(h.W) reads z.h.W");
    }

    @Test
    void anUnknownQualifiedNameIsAnError() {
      assertRejects("model t {\n  input x: f32[B, 3]\n  h = dense(x, 3)\n  output w = h.V\n}\n",
          "4:14", "unknown parameter 'h.V'");
      assertRejects("model t {\n  input x: f32[B, 3]\n  repeat 2 {\n    h = dense(x, 3)\n  }\n  output w = h.3.W\n}\n",
          "6:14", "unknown parameter 'h.3.W'");
    }

    @Test
    void rebindingAnExistingLayerNameIsAnError() {
      // outside a repeat, a second h = dense(...) would create h.W again
      assertRejects("model t {\n  input x: f32[B, 3]\n  h = dense(x, 3)\n  h = dense(h, 3)\n  output y = h\n}\n",
          "4:7", "parameter 'h.W' already exists (created at 3:7)");
    }
  }

  /** True if some node of {@code op} reads {@code input} directly. */
  private static boolean uses(Graph g, Node input, String op) {
    return g.nodes().stream().anyMatch(n -> n.op().text().equals(op) && n.inputs().contains(input));
  }

  // ---- hyperparameters ---------------------------------------------------------------------

  private static final String HYPER = "model m(hidden = 256 / 2, half = hidden / 2, scale = 0.5, act = relu) {\n"
      + "  input x: f64[B, 2]\n  target y: f64[B, 1]\n  h = dense(x, hidden, act = act)\n  g = dense(h, half)\n"
      + "  output p = dense(g, 1) * scale\n  loss = mse(p, y)\n}\n";

  @Nested
  class Hyperparameters {

    @Test
    void defaultsMayUseEarlierOnesAndIntegerDivisionThatIsExactIsAnInteger() {
      Graph g = graph(HYPER);
      assertEquals(128L, g.hyperparameters().get("hidden"));
      assertEquals(64L, g.hyperparameters().get("half"));
      assertEquals(0.5, g.hyperparameters().get("scale"));
      assertEquals("relu", g.hyperparameters().get("act"));
      assertEquals(List.of("hidden", "half", "scale", "act"), List.copyOf(g.hyperparameters().keySet()));
      assertEquals(Shape.of(2, 128), paramShape(g, "h.W"));
      assertEquals(Shape.of(128, 64), paramShape(g, "g.W"));
    }

    @Test
    void aDefaultUsingAnOverriddenHyperparameterFollowsTheOverride() {
      String text = "model m(hidden = 256, half = hidden / 2) {\n  input x: f64[B, 2]\n"
          + "  output y = dense(x, half)\n}\n";
      Graph g = compile(text, List.of("hidden=128")).models().get(0).graph();
      assertEquals(64L, g.hyperparameters().get("half"));
    }

    @Test
    void anInexactDivisionIsARealAndNotASize() {
      Graph g = graph("model m(n = 255 / 2) {\n  input x: f64[B, 2]\n  output y = x * n\n}\n");
      assertEquals(127.5, g.hyperparameters().get("n"));
      assertRejects("model m(n = 255 / 2) {\n  input x: f64[B, 2]\n  output y = dense(x, n)\n}\n",
          "3:23", "'units' must be an integer, got the number 127.5");
      assertRejects("model m(n = 255 / 2) {\n  input x: f64[B, n]\n  output y = x\n}\n",
          "2:19", "a dimension must be a positive integer, got the number 127.5");
    }

    @Test
    void commandLineSetsOverrideDefaults() {
      Compilation c = compile(HYPER, List.of("hidden=64", "scale=2", "act=tanh"));
      Graph g = c.models().get(0).graph();
      assertEquals(64L, g.hyperparameters().get("hidden"));
      assertEquals(2.0, g.hyperparameters().get("scale"), "a Real hyperparameter takes the integer 2 as 2.0");
      assertEquals("tanh", g.hyperparameters().get("act"));
      assertEquals(Shape.of(2, 64), paramShape(g, "h.W"));
      assertEquals(Init.Kind.GLOROT_UNIFORM, param(g, "h.W").init().kind(), "tanh layers start from Glorot");
    }

    @Test
    void aSymbolHyperparameterChoosesTheActivation() {
      String text = "model m(act = relu) {\n  input x: f64[B, 2]\n  output y = dense(x, 2, act = act)\n}\n";
      F64Tensor w = mat(row(1, -1), row(0.5, 2));
      F64Tensor b = vec(0.1, -0.2);
      F64Tensor x = mat(row(1, 1), row(-2, 0.5));
      // x @ W + b = [[1.6, 0.8], [-1.65, 2.8]]
      double[] z = {1.6, 0.8, -1.65, 2.8};
      Graph relu = compile(text).models().get(0).graph();
      assertValues(run(relu).input("x", x).param("y.W", w).param("y.b", b).output("y"), shape(2, 2),
          1.6, 0.8, 0, 2.8);
      Graph tanh = compile(text, List.of("act=tanh")).models().get(0).graph();
      double[] expected = new double[4];
      for (int i = 0; i < 4; i++) {
        expected[i] = (Math.exp(2 * z[i]) - 1) / (Math.exp(2 * z[i]) + 1);
      }
      assertValues(run(tanh).input("x", x).param("y.W", w).param("y.b", b).output("y"), shape(2, 2), expected);
      assertRejects(text, List.of("act=cube"), "3:32", "unknown activation 'cube'");
    }

    @Test
    void anIntegerHyperparameterRejectsAFraction() {
      assertRejects(HYPER, List.of("hidden=0.5"), "--set:1:8",
          "hyperparameter 'hidden' takes an integer", "got the number 0.5");
      assertRejects(HYPER, List.of("hidden=true"), "--set:1:8",
          "hyperparameter 'hidden' takes an integer", "got the boolean true");
      assertRejects(HYPER, List.of("scale=fast"), "--set:1:7",
          "hyperparameter 'scale' takes a number", "got the name 'fast'");
      assertRejects(HYPER, List.of("width=3"), "--set:1:1", "has a hyperparameter 'width'");
    }

    @Test
    void aRealHyperparameterAcceptsAnInteger() {
      Graph g = compile(HYPER, List.of("scale=2")).models().get(0).graph();
      assertEquals(2.0, g.hyperparameters().get("scale"));
      Graph dropout = compile("model m(p = 0.2) {\n  input x: f64[B, 2]\n  output y = dropout(x, p)\n}\n",
          List.of("p=0")).models().get(0).graph();
      assertEquals(0.0, dropout.hyperparameters().get("p"));
    }

    @Test
    void aHyperparameterCannotBeRebound() {
      // the output reads x, not n: `output y = n` would add an error of its own (n is still the integer 2)
      assertRejects("model m(n = 2) {\n  input x: f64[B, 2]\n  n = x\n  output y = x\n}\n",
          "3:3", "'n' is a hyperparameter of the model and cannot be rebound");
    }
  }

  // ---- train blocks ----------------------------------------------------------------------

  @Nested
  class TrainBlocks {
    @TempDir
    Path dir;

    private Compilation compileFile(String text, List<String> sets) throws IOException {
      Files.writeString(dir.resolve("d.csv"), "x1,x2,y\n1,2,3\n");
      Path nn = dir.resolve("t.nn");
      Files.writeString(nn, text);
      Compilation c = Frontend.compile(SourceFile.read(nn, "t.nn"), sets);
      assertTrue(c.ok(), () -> c.diagnostics().format());
      return c;
    }

    private TrainConfig config(String optimizer) throws IOException {
      Compilation c = compileFile("model m {\n  input x: f64[B, 2]\n  target y: f64[B, 1]\n"
          + "  output p = dense(x, 1)\n  loss = mse(p, y)\n}\n"
          + "train m {\n  data csv(\"d.csv\")\n  optimizer " + optimizer + "\n}\n", List.of());
      TrainConfig config = c.models().get(0).train();
      assertNotNull(config);
      return config;
    }

    @Test
    void trainOverridesAndCommandLineSets() throws IOException {
      String text = HYPER + "train m(hidden = 32, act = tanh) {\n  data csv(\"d.csv\")\n  optimizer sgd\n}\n";
      Graph trained = compileFile(text, List.of()).models().get(0).graph();
      assertEquals(32L, trained.hyperparameters().get("hidden"));
      assertEquals("tanh", trained.hyperparameters().get("act"));
      assertEquals(Shape.of(2, 32), paramShape(trained, "h.W"));
      Graph set = compileFile(text, List.of("hidden=64")).models().get(0).graph();
      assertEquals(64L, set.hyperparameters().get("hidden"), "--set wins over the train block");
      assertEquals("tanh", set.hyperparameters().get("act"), "the train block's other overrides stay");
      assertEquals(Shape.of(2, 64), paramShape(set, "h.W"));
    }

    @Test
    void trainBlockDefaults() throws IOException {
      TrainConfig c = config("sgd");
      assertEquals(32, c.batch());
      assertEquals(10, c.epochs());
      assertEquals(0L, c.seed());
      assertTrue(c.shuffle());
      assertEquals(0, c.threads(), "all cores");
      assertEquals(1.0, c.split().train());
      assertEquals(0.0, c.split().val());
      assertEquals(0.0, c.split().test());
      assertTrue(c.schedules().isEmpty());
      assertTrue(c.regularizers().isEmpty());
      assertTrue(c.clips().isEmpty());
      assertNull(c.earlyStopping());
      assertTrue(c.standardize().isEmpty());
    }

    @Test
    void optimizerDefaultsMatchTorchOptim() throws IOException {
      Optimizer.Adam adam = (Optimizer.Adam) config("adam").optimizer();
      assertEquals("adam", adam.name());
      assertEquals(1e-3, adam.lr());
      assertEquals(List.of(0.9, 0.999), List.of(adam.beta1(), adam.beta2()));
      assertEquals(1e-8, adam.eps());
      assertEquals(0.0, adam.weightDecay());
      assertEquals(false, adam.amsgrad());
      Optimizer.AdamW adamw = (Optimizer.AdamW) config("adamw(lr = 0.01)").optimizer();
      assertEquals(0.01, adamw.lr());
      assertEquals(1e-2, adamw.weightDecay());
      assertEquals(List.of(0.9, 0.999), List.of(adamw.beta1(), adamw.beta2()));
      Optimizer.RmsProp rmsprop = (Optimizer.RmsProp) config("rmsprop").optimizer();
      assertEquals(1e-2, rmsprop.lr());
      assertEquals(0.99, rmsprop.alpha());
      assertEquals(1e-8, rmsprop.eps());
      assertEquals(0.0, rmsprop.momentum());
      assertEquals(false, rmsprop.centered());
      Optimizer.Adagrad adagrad = (Optimizer.Adagrad) config("adagrad()").optimizer();
      assertEquals(1e-2, adagrad.lr());
      assertEquals(1e-10, adagrad.eps());
      assertEquals(0.0, adagrad.lrDecay());
      Optimizer.Sgd sgd = (Optimizer.Sgd) config("sgd").optimizer();
      assertEquals(1e-3, sgd.lr());
      assertEquals(0.0, sgd.momentum());
      assertEquals(false, sgd.nesterov());
      // decay applies to weights and embeddings only, unless asked
      assertEquals(ParamSelection.DEFAULT, adamw.decayOn());
      assertEquals("(\"weights\", \"embeddings\")", adamw.decayOn().toString());
    }
  }

  // ---- the model's results ------------------------------------------------------------------

  @Test
  void theLossIsTheLastBindingOfLoss() {
    Graph g = graph("model t {\n  input p: f64[B]\n  target y: f64[B]\n  loss = mse(p, y)\n"
        + "  loss = loss + 1\n  output q = p\n  loss = loss * 2\n}\n");
    Evaluation e = run(g).input("p", vec(1, 3)).input("y", vec(0, 0)).evaluate();
    assertEquals((5.0 + 1) * 2, e.loss().item(), 1e-12);
  }

  @Test
  void aModelWithoutLossHasNoneAndALossMustBeAScalar() {
    assertNull(graph("model t {\n  input x: f64[B, 2]\n  output y = x\n}\n").loss());
    assertRejects("model t {\n  input p: f64[B]\n  target y: f64[B]\n  loss = mse(p, y, reduction = none)\n}\n",
        "4:3", "the loss must be a scalar, got f64[B]");
  }

  @Test
  void outputsKeepTheirDeclarationOrder() {
    Graph g = graph("model t {\n  input x: f64[B, 2]\n  output zeta = x * 2\n  output alpha = x + 1\n"
        + "  output mid = x\n}\n");
    assertEquals(List.of("zeta", "alpha", "mid"), List.copyOf(g.outputs().keySet()));
    Evaluation e = run(g).input("x", mat(row(1, 2))).evaluate();
    assertEquals(List.of("zeta", "alpha", "mid"), List.copyOf(e.outputs().keySet()));
    assertValues(e.output("zeta"), shape(1, 2), 2, 4);
    assertRejects("model t {\n  input x: f64[B, 2]\n  output y = x\n  output y = x + 1\n}\n",
        "4:10", "output 'y' is declared twice (first at 3:10)");
  }

  @Test
  void inputsAndTargetsKeepTheBatchDimension() {
    Graph g = graph("model t {\n  input x: f32[B, 3]\n  input ids: i32[B, 5]\n  input d: f64[B]\n"
        + "  target y: class[B] of (\"a\", \"b\")\n  target v: f32[B, 2, 2]\n  output o = x\n}\n");
    assertEquals(List.of("x", "ids", "d", "y", "v"), g.inputs().stream().map(Node::sourceName).toList());
    assertEquals(Shape.of(Shape.BATCH, 3), g.source("x").shape());
    assertEquals(ScalarType.F32, g.source("x").dtype());
    assertEquals(ScalarType.I32, g.source("ids").dtype());
    assertEquals(ScalarType.F64, g.source("d").dtype());
    Attrs.Input y = g.source("y").attrs(Attrs.Input.class);
    assertTrue(y.target());
    assertEquals(2, y.classes());
    assertEquals(List.of("a", "b"), y.classNames());
    assertEquals(ScalarType.I32, g.source("y").dtype());
    assertEquals(Shape.of(Shape.BATCH), g.source("y").shape());
    assertEquals(Shape.of(Shape.BATCH, 2, 2), g.source("v").shape());
    assertEquals(Shape.of(Shape.BATCH, 3), g.outputs().get("o").shape());
    assertRejects("model t {\n  input x: f32[3]\n  output o = x\n}\n",
        "2:12", "the first dimension of an input must be the batch dimension B");
    assertRejects("model t {\n  input x: f32[3, B]\n  output o = x\n}\n",
        "2:19", "the batch dimension B must come first");
  }

  @Test
  void defaultInitializersFollowTheActivation() {
    Graph g = graph("model t {\n  input x: f32[B, 3]\n  r = dense(x, 3, act = relu)\n"
        + "  l = dense(x, 3, act = leaky_relu)\n"
        + "  g = dense(x, 3, act = gelu)\n  s = dense(x, 3, act = silu)\n  t = dense(x, 3, act = tanh)\n"
        + "  sg = dense(x, 3, act = sigmoid)\n  n = dense(x, 3)\n  sm = dense(x, 3, act = softmax)\n"
        + "  c = dense(x, 3, act = relu, init = normal(std = 0.01))\n"
        + "  output o = r + l + g + s + t + sg + n + sm + c\n}\n");
    assertEquals(Init.Kind.HE_UNIFORM, param(g, "r.W").init().kind());
    assertEquals(Init.Kind.HE_UNIFORM, param(g, "l.W").init().kind());
    assertEquals(Init.Kind.HE_UNIFORM, param(g, "g.W").init().kind());
    assertEquals(Init.Kind.HE_UNIFORM, param(g, "s.W").init().kind());
    assertEquals(Init.Kind.GLOROT_UNIFORM, param(g, "t.W").init().kind());
    assertEquals(Init.Kind.GLOROT_UNIFORM, param(g, "sg.W").init().kind());
    assertEquals(Init.Kind.UNIFORM_FAN_IN, param(g, "n.W").init().kind());
    assertEquals(Init.Kind.UNIFORM_FAN_IN, param(g, "sm.W").init().kind());
    assertEquals(new Init(Init.Kind.NORMAL, Map.of("mean", 0.0, "std", 0.01)), param(g, "c.W").init());
    for (String bias : List.of("r.b", "t.b", "n.b", "c.b")) {
      assertEquals(Init.of(Init.Kind.ZEROS), param(g, bias).init(), bias);
    }
  }

  @Test
  void parameterRoles() {
    Graph g = graph("model t {\n  input x: f32[B, 3]\n  input ids: i32[B]\n  input bag: i32[B, 4]\n"
        + "  h = dense(x, 3)\n  n = layer_norm(h)\n  bn = batch_norm(n)\n  e = embedding(ids, 10, 3)\n"
        + "  eb = embedding_bag(bag, 10, 3)\n  param m: f32[3, 3]\n  param v: f32[3]\n  param s: f32[]\n"
        + "  output o = (bn + e + eb) @ m + v * s\n}\n");
    assertEquals(ParamRole.WEIGHT, param(g, "h.W").role());
    assertEquals(ParamRole.BIAS, param(g, "h.b").role());
    assertEquals(ParamRole.NORM, param(g, "n.gamma").role());
    assertEquals(ParamRole.NORM, param(g, "n.beta").role());
    assertEquals(ParamRole.NORM, param(g, "bn.gamma").role());
    assertEquals(ParamRole.NORM, param(g, "bn.beta").role());
    assertEquals(ParamRole.EMBEDDING, param(g, "e.table").role());
    assertEquals(ParamRole.EMBEDDING, param(g, "eb.table").role());
    assertEquals(ParamRole.WEIGHT, param(g, "m").role());
    assertEquals(ParamRole.BIAS, param(g, "v").role());
    assertEquals(ParamRole.BIAS, param(g, "s").role());
    // a declared param without an initializer: Glorot for matrices, zeros otherwise
    assertEquals(Init.of(Init.Kind.GLOROT_UNIFORM).kind(), param(g, "m").init().kind());
    assertEquals(Init.of(Init.Kind.ZEROS), param(g, "v").init());
    assertEquals(Init.of(Init.Kind.ONES), param(g, "n.gamma").init());
    assertEquals(Init.of(Init.Kind.ZEROS), param(g, "bn.beta").init());
    assertEquals(new Init(Init.Kind.NORMAL, Map.of("mean", 0.0, "std", 1.0)), param(g, "e.table").init());
    assertEquals(List.of("bn.running_mean", "bn.running_var"), g.states().stream().map(Node::sourceName).toList());
    assertEquals(0.0, g.source("bn.running_mean").attrs(Attrs.State.class).initial());
    assertEquals(1.0, g.source("bn.running_var").attrs(Attrs.State.class).initial());
  }

  @Test
  void numbersTakeTheDtypeOfTheTensorTheyCombineWith() {
    Graph g = graph("model t {\n  input x: f64[B, 2]\n  input h: f32[B, 2]\n  output a = x * 0.1 + 1\n"
        + "  output b = h * 0.1\n  output c = maximum(x, 0.5)\n}\n");
    assertEquals(ScalarType.F64, g.outputs().get("a").dtype());
    assertEquals(ScalarType.F32, g.outputs().get("b").dtype());
    assertEquals(ScalarType.F64, g.outputs().get("c").dtype());
    Evaluation e = run(g).input("x", mat(row(1, 2))).input("h", mat(row(1, 2))).evaluate();
    assertValues(e.output("a"), shape(1, 2), 1.1, 1.2);
    assertValues(e.output("c"), shape(1, 2), 1, 2);
    assertRejects("model t {\n  input x: f64[B, 2]\n  input h: f32[B, 2]\n  output a = x + h\n}\n",
        "4:16", "cannot add f64[B,2] and f32[B,2]", "the dtypes differ");
  }
}
