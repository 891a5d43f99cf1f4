package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.ModelFunction;
import dev.adjoint.compiler.autodiff.FunctionSpec;
import dev.adjoint.compiler.autodiff.FunctionSpec.Wrt;
import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.Mode;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The derivatives users compile ({@link ModelFunction}): in f64, each against central finite
 * differences of the compiled value, and against the reference interpreter on the same
 * function graph; Hessian-vector products against finite differences of the compiled
 * gradient, and symmetric (vᵀHw = wᵀHv); no allocation per call.
 */
class ModelFunctionTest {
  private static final String MLP = """
      model mlp {
        input  x: f64[B, 3]
        target y: f64[B, 2]
        h = dense(x, 5, act = tanh)
        g = dense(h, 4, act = gelu)
        output p = softmax(dense(g, 2))
        loss = mse(p, y) + 0.01 * sum(h.W * h.W)
      }
      """;
  private static final int BATCH = 3;
  private static final double EPS = 1e-6;

  private final ModelUnit unit = unit(MLP);
  private final CompiledModel model = ModelCompiler.compile(unit).newModel(4);
  private final Random random = new Random(5);

  ModelFunctionTest() {
    model.initialize(3);
  }

  @Test
  void gradientOfAnOutputWithRespectToInputsAndParametersAgreesWithFiniteDifferences() {
    ModelFunction f = ModelFunction.bind(unit, FunctionSpec.vjp("p", Wrt.ALL), model);
    fill(f, "x", "cotangent");
    f.compute(BATCH);
    for (String source : List.of("x", "h.W", "g.b")) {
      double[] grad = f.output("grad." + source).f64();
      double[] at = buffer(f, source);
      for (int i = 0; i < Math.min(at.length, 12); i++) {
        double fd = centralDifference(f, at, i, () -> dot(f.output(FunctionSpec.VALUE).f64(),
            f.input("cotangent").f64(), BATCH * 2));
        assertEquals(fd, grad[i], 1e-7 * (1 + Math.abs(fd)), "grad." + source + "[" + i + "]");
      }
    }
    agreesWithTheInterpreter(f, FunctionSpec.vjp("p", Wrt.ALL));
  }

  @Test
  void gradientOfTheLossWithRespectToInputsAgreesWithFiniteDifferences() {
    ModelFunction f = ModelFunction.bind(unit, FunctionSpec.lossGradient(Wrt.INPUTS), model);
    assertFalse(f.outputs().containsKey("grad.h.W"), "inputs only");
    fill(f, "x", "y");
    f.compute(BATCH);
    double[] grad = f.output("grad.x").f64();
    double[] x = f.input("x").f64();
    for (int i = 0; i < BATCH * 3; i++) {
      double fd = centralDifference(f, x, i, () -> f.output(FunctionSpec.VALUE).f64()[0]);
      assertEquals(fd, grad[i], 1e-7 * (1 + Math.abs(fd)), "grad.x[" + i + "]");
    }
    agreesWithTheInterpreter(f, FunctionSpec.lossGradient(Wrt.INPUTS));
  }

  @Test
  void jacobianVectorProductAgreesWithFiniteDifferencesAlongTheTangent() {
    FunctionSpec spec = FunctionSpec.jvp("p", Wrt.ALL);
    ModelFunction f = ModelFunction.bind(unit, spec, model);
    fill(f, f.inputs().keySet().toArray(String[]::new));
    f.compute(BATCH);
    double[] jvp = f.output(FunctionSpec.TANGENT).f64().clone();
    double[] base = f.output(FunctionSpec.VALUE).f64().clone();
    double[][] plus = shiftedValue(f, EPS);
    double[][] minus = shiftedValue(f, -EPS);
    for (int i = 0; i < BATCH * 2; i++) {
      double fd = (plus[0][i] - minus[0][i]) / (2 * EPS);
      assertEquals(fd, jvp[i], 1e-7 * (1 + Math.abs(fd)), "tangent[" + i + "]");
    }
    assertEquals(base.length, jvp.length);
    agreesWithTheInterpreter(f, spec);
  }

  @Test
  void hessianVectorProductAgreesWithFiniteDifferencesOfTheGradientAndIsSymmetric() {
    ModelFunction f = ModelFunction.bind(unit, FunctionSpec.hvp(), model);
    fill(f, "x", "y");
    Map<String, double[]> v = direction(f);
    Map<String, double[]> w = direction(f);
    Map<String, double[]> hv = hvp(f, v);
    Map<String, double[]> hw = hvp(f, w);
    double vHw = 0;
    double wHv = 0;
    for (String p : model.params().keySet()) {
      vHw += dot(v.get(p), hw.get(p), v.get(p).length);
      wHv += dot(w.get(p), hv.get(p), w.get(p).length);
    }
    assertEquals(vHw, wHv, 1e-10 * (1 + Math.abs(vHw)), "vᵀHw against wᵀHv");
    setDirection(f, v);
    Map<String, double[]> up = gradientsAt(f, v, EPS);
    Map<String, double[]> down = gradientsAt(f, v, -EPS);
    for (String p : model.params().keySet()) {
      for (int i = 0; i < hv.get(p).length; i++) {
        double fd = (up.get(p)[i] - down.get(p)[i]) / (2 * EPS);
        assertEquals(fd, hv.get(p)[i], 1e-6 * (1 + Math.abs(fd)), "hvp." + p + "[" + i + "]");
      }
    }
    setDirection(f, v);
    agreesWithTheInterpreter(f, FunctionSpec.hvp());
  }

  @Test
  void functionsReadTheModelsParametersAsTheyAreAtEachCall() {
    ModelFunction f = ModelFunction.bind(unit, FunctionSpec.lossGradient(Wrt.PARAMETERS), model);
    fill(f, "x", "y");
    f.compute(BATCH);
    double before = f.output(FunctionSpec.VALUE).f64()[0];
    model.param("h.W").f64()[0] += 0.5;
    f.compute(BATCH);
    assertTrue(before != f.output(FunctionSpec.VALUE).f64()[0], "the function saw the change");
    assertEquals(model.param("h.W").f64()[0], f.params().get("h.W").f64()[0]);
  }

  @Test
  void callsAllocateNothing() {
    for (FunctionSpec spec : List.of(FunctionSpec.vjp("p", Wrt.INPUTS), FunctionSpec.jvp(null, Wrt.PARAMETERS),
        FunctionSpec.hvp())) {
      ModelFunction f = ModelFunction.bind(unit, spec, model);
      SteadyState.assertAllocatesNothing(3000, () -> f.compute(BATCH), "calls of " + spec.label());
    }
  }

  @Test
  void badRequestsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelFunction.bind(unit, FunctionSpec.vjp("q", Wrt.INPUTS), model));
    assertTrue(e.getMessage().contains("no output 'q'; it has: p"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new FunctionSpec(FunctionSpec.Kind.HVP, "p", Wrt.PARAMETERS,
        false));
    ModelUnit other = unit(MLP.replace("model mlp", "model other"));
    assertThrows(IllegalArgumentException.class, () -> ModelFunction.bind(other, FunctionSpec.hvp(), model));
  }

  // ---- helpers -------------------------------------------------------------------------

  private void agreesWithTheInterpreter(ModelFunction f, FunctionSpec spec) {
    Graph graph = FunctionCompiler.graph(unit, spec);
    f.compute(BATCH);
    Map<String, F64Tensor> inputs = new LinkedHashMap<>();
    f.inputs().forEach((name, t) -> inputs.put(name, tensor(t, BATCH)));
    Map<String, F64Tensor> params = new LinkedHashMap<>();
    f.params().forEach((name, t) -> params.put(name, tensor(t, 0)));
    Evaluation reference = new Interpreter(graph).evaluate(Feed.of(inputs, params).withMode(Mode.INFERENCE));
    reference.outputs().forEach((name, expected) -> {
      double[] actual = f.output(name).f64();
      double[] want = expected.data();
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], actual[i], 1e-12 * (1 + Math.abs(want[i])), name + "[" + i + "] against the interpreter");
      }
    });
  }

  private static F64Tensor tensor(Tensor t, int batch) {
    int[] shape = new int[t.spec().shape().length];
    int size = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = t.spec().shape()[i] < 0 ? batch : t.spec().shape()[i];
      size *= shape[i];
    }
    double[] values = new double[size];
    System.arraycopy(t.f64(), 0, values, 0, size);
    return F64Tensor.of(shape, values);
  }

  private void fill(ModelFunction f, String... names) {
    for (String name : names) {
      double[] data = f.input(name).f64();
      for (int i = 0; i < data.length; i++) {
        data[i] = random.nextGaussian();
      }
    }
  }

  /** An input's or a parameter's buffer: a parameter is perturbed in the model, which the function copies. */
  private double[] buffer(ModelFunction f, String source) {
    return f.inputs().containsKey(source) ? f.input(source).f64() : model.param(source).f64();
  }

  private static double centralDifference(ModelFunction f, double[] at, int i, java.util.function.DoubleSupplier value) {
    double saved = at[i];
    at[i] = saved + EPS;
    f.compute(BATCH);
    double up = value.getAsDouble();
    at[i] = saved - EPS;
    f.compute(BATCH);
    double down = value.getAsDouble();
    at[i] = saved;
    f.compute(BATCH);
    return (up - down) / (2 * EPS);
  }

  /** The value with every source moved by step · its tangent. */
  private double[][] shiftedValue(ModelFunction f, double step) {
    Map<String, double[]> saved = new LinkedHashMap<>();
    for (String name : f.inputs().keySet()) {
      if (name.startsWith("tangent.")) {
        double[] target = buffer(f, name.substring("tangent.".length()));
        saved.put(name, target.clone());
        double[] t = f.input(name).f64();
        for (int i = 0; i < target.length; i++) {
          target[i] += step * t[i];
        }
      }
    }
    f.compute(BATCH);
    double[][] out = {f.output(FunctionSpec.VALUE).f64().clone()};
    saved.forEach((name, values) -> System.arraycopy(values, 0, buffer(f, name.substring("tangent.".length())), 0,
        values.length));
    return out;
  }

  private Map<String, double[]> direction(ModelFunction f) {
    Map<String, double[]> v = new LinkedHashMap<>();
    model.params().forEach((name, t) -> {
      double[] d = new double[t.capacity()];
      for (int i = 0; i < d.length; i++) {
        d[i] = random.nextGaussian();
      }
      v.put(name, d);
    });
    return v;
  }

  private static void setDirection(ModelFunction f, Map<String, double[]> v) {
    v.forEach((name, d) -> System.arraycopy(d, 0, f.input("v." + name).f64(), 0, d.length));
  }

  private static Map<String, double[]> hvp(ModelFunction f, Map<String, double[]> v) {
    setDirection(f, v);
    f.compute(BATCH);
    Map<String, double[]> out = new LinkedHashMap<>();
    v.keySet().forEach(name -> out.put(name, f.output("hvp." + name).f64().clone()));
    return out;
  }

  /** The compiled gradient with the model's parameters moved by step·v. */
  private Map<String, double[]> gradientsAt(ModelFunction f, Map<String, double[]> v, double step) {
    Map<String, double[]> saved = new LinkedHashMap<>();
    v.forEach((name, d) -> {
      double[] p = model.param(name).f64();
      saved.put(name, p.clone());
      for (int i = 0; i < p.length; i++) {
        p[i] += step * d[i];
      }
    });
    f.compute(BATCH);
    Map<String, double[]> out = new LinkedHashMap<>();
    v.keySet().forEach(name -> out.put(name, f.output("grad." + name).f64().clone()));
    saved.forEach((name, p) -> System.arraycopy(p, 0, model.param(name).f64(), 0, p.length));
    return out;
  }

  private static double dot(double[] a, double[] b, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static ModelUnit unit(String source) {
    Compilation c = Frontend.compile(SourceFile.of("mlp.nn", source));
    assertTrue(c.ok(), c.diagnostics().format());
    return c.models().get(0);
  }
}
