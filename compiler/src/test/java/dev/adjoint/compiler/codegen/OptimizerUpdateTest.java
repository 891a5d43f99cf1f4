package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.autodiff.TrainingGraph;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.runtime.model.CompiledModel;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The compiled optimizer step against PyTorch's published update rules (the pseudo-code of
 * the torch.optim documentation), each written out below in f64 as a reference. A 3→2
 * regression model is trained for eight steps from known parameters (RAdam rectifies from its sixth), with the learning rate
 * changed before every step as a schedule would; after each step the parameters must equal
 * the reference's. The reference reads, in f32, the compiled model's own gradients (so
 * that it sees exactly what the update saw) and, in f64, the interpreter's gradients at the
 * reference's own parameters; the compiled gradients are checked against the interpreter's
 * at every step too.
 *
 * <p>Weight decay applies to {@code W} (a weight) and not to {@code b} (a bias) unless
 * {@code decay_on} says so. Tolerances: f32 parameters within {@value #F32_TOLERANCE}
 * relative (floored at 1), f64 within {@value #F64_TOLERANCE}.
 */
class OptimizerUpdateTest {
  private static final double F32_TOLERANCE = 1e-5;
  private static final double F64_TOLERANCE = 1e-10;
  private static final int STEPS = 8;

  /** One optimizer of a train block and the reference of its update rule. */
  private record Setting(String name, String optimizer, double lr, Supplier<Reference> reference) {}

  private static List<Setting> settings() {
    return List.of(
        new Setting("sgd", "sgd(lr = 0.1)", 0.1, () -> new Sgd(0, 0, false, 0, false)),
        new Setting("sgd momentum", "sgd(lr = 0.1, momentum = 0.9)", 0.1, () -> new Sgd(0.9, 0, false, 0, false)),
        new Setting("sgd momentum dampening", "sgd(lr = 0.1, momentum = 0.9, dampening = 0.3)", 0.1,
            () -> new Sgd(0.9, 0.3, false, 0, false)),
        new Setting("sgd nesterov", "sgd(lr = 0.1, momentum = 0.8, nesterov = true)", 0.1,
            () -> new Sgd(0.8, 0, true, 0, false)),
        new Setting("sgd weight decay", "sgd(lr = 0.1, momentum = 0.5, weight_decay = 0.2)", 0.1,
            () -> new Sgd(0.5, 0, false, 0.2, false)),
        new Setting("sgdw", "sgdw(lr = 0.1, momentum = 0.9)", 0.1, () -> new Sgd(0.9, 0, false, 0.01, true)),
        new Setting("sgdw nesterov", "sgdw(lr = 0.1, momentum = 0.9, nesterov = true, weight_decay = 0.3)", 0.1,
            () -> new Sgd(0.9, 0, true, 0.3, true)),
        new Setting("adagrad", "adagrad", 0.01, () -> new Adagrad(0, 0, 0, 1e-10)),
        new Setting("adagrad lr_decay", "adagrad(lr = 0.2, lr_decay = 0.1)", 0.2, () -> new Adagrad(0.1, 0, 0, 1e-10)),
        new Setting("adagrad initial accumulator and decay",
            "adagrad(lr = 0.2, lr_decay = 0.05, initial_accumulator_value = 0.3, weight_decay = 0.2, eps = 1e-6)",
            0.2, () -> new Adagrad(0.05, 0.2, 0.3, 1e-6)),
        new Setting("rmsprop", "rmsprop", 0.01, () -> new Rmsprop(0.99, 1e-8, 0, 0, false)),
        new Setting("rmsprop momentum", "rmsprop(lr = 0.02, momentum = 0.9, alpha = 0.9)", 0.02,
            () -> new Rmsprop(0.9, 1e-8, 0, 0.9, false)),
        new Setting("rmsprop centered", "rmsprop(lr = 0.02, centered = true, alpha = 0.8)", 0.02,
            () -> new Rmsprop(0.8, 1e-8, 0, 0, true)),
        new Setting("rmsprop weight decay", "rmsprop(lr = 0.02, weight_decay = 0.3, momentum = 0.5, centered = true)",
            0.02, () -> new Rmsprop(0.99, 1e-8, 0.3, 0.5, true)),
        new Setting("adam", "adam(lr = 0.05)", 0.05, () -> new Adam(0.9, 0.999, 1e-8, 0, false, false)),
        new Setting("adam amsgrad", "adam(lr = 0.2, betas = (0.5, 0.6), amsgrad = true)", 0.2,
            () -> new Adam(0.5, 0.6, 1e-8, 0, true, false)),
        new Setting("adam weight decay", "adam(lr = 0.05, weight_decay = 0.3, eps = 1e-6)", 0.05,
            () -> new Adam(0.9, 0.999, 1e-6, 0.3, false, false)),
        new Setting("adamw", "adamw(lr = 0.05)", 0.05, () -> new Adam(0.9, 0.999, 1e-8, 0.01, false, true)),
        new Setting("adamw amsgrad", "adamw(lr = 0.2, betas = (0.5, 0.6), weight_decay = 0.3, amsgrad = true)", 0.2,
            () -> new Adam(0.5, 0.6, 1e-8, 0.3, true, true)),
        new Setting("nadam", "nadam", 0.002, () -> new Nadam(0.9, 0.999, 1e-8, 0, 4e-3, false)),
        new Setting("nadam options", "nadam(lr = 0.05, betas = (0.8, 0.9), eps = 1e-6, momentum_decay = 0.5, "
            + "weight_decay = 0.2)", 0.05, () -> new Nadam(0.8, 0.9, 1e-6, 0.2, 0.5, false)),
        new Setting("nadam decoupled", "nadam(lr = 0.05, weight_decay = 0.3, decoupled_weight_decay = true)", 0.05,
            () -> new Nadam(0.9, 0.999, 1e-8, 0.3, 4e-3, true)),
        new Setting("radam", "radam", 0.001, () -> new Radam(0.9, 0.999, 1e-8, 0, false)),
        // beta2 = 0.5: rho_inf = 3, never rectified; beta2 = 0.9: rectified from step 6 (rho_6 = 5.39)
        new Setting("radam unrectified", "radam(lr = 0.05, betas = (0.7, 0.5), weight_decay = 0.2)", 0.05,
            () -> new Radam(0.7, 0.5, 1e-8, 0.2, false)),
        new Setting("radam decoupled", "radam(lr = 0.05, betas = (0.9, 0.9), weight_decay = 0.3, "
            + "decoupled_weight_decay = true)", 0.05, () -> new Radam(0.9, 0.9, 1e-8, 0.3, true)));
  }

  @TestFactory
  Stream<DynamicTest> everyOptimizerFollowsPyTorchsUpdateRule() {
    return settings().stream().flatMap(s -> Stream.of("f32", "f64").map(dtype ->
        DynamicTest.dynamicTest(s.name() + " " + dtype, () -> train(s, dtype))));
  }

  /** Eight steps with a changing learning rate, each compared with the reference. */
  private static void train(Setting setting, String dtype) {
    ModelUnit unit = TrainedModels.unit(dtype, "optimizer " + setting.optimizer());
    CompiledModel model = ModelCompiler.compile(unit).newModel(TrainedModels.MAX_BATCH);
    assertEquals(setting.lr(), model.learningRate(), "the train block's learning rate");
    Map<String, F64Tensor> inputs = TrainedModels.inputs(3);
    Map<String, F64Tensor> start = TrainedModels.params(3);
    TrainedModels.load(model, inputs, start);
    Map<String, double[]> expected = copy(start);
    Reference reference = setting.reference().get();
    Graph training = TrainingGraph.of(unit.graph());
    boolean f32 = dtype.equals("f32");
    for (int step = 1; step <= STEPS; step++) {
      String where = setting.name() + " " + dtype + " step " + step;
      double lr = setting.lr() * (1 - 0.1 * (step - 1));
      model.setLearningRate(lr);
      Map<String, double[]> atModel = gradients(training, inputs, params(model));
      Map<String, double[]> atReference = gradients(training, inputs, expected);
      model.trainStep(TrainedModels.BATCH);
      assertEquals(step, model.step(), where + ": step() counts steps");
      for (String name : List.of("W", "b")) {
        double[] compiledGradient = TrainedModels.get(model.gradients().get(name), expected.get(name).length);
        assertClose(atModel.get(name), compiledGradient, f32 ? 1e-5 : 1e-12, where + " gradient of " + name);
        reference.update(name, expected.get(name), f32 ? compiledGradient : atReference.get(name), name.equals("W"),
            step, lr);
        assertClose(expected.get(name), TrainedModels.get(model.param(name), expected.get(name).length),
            f32 ? F32_TOLERANCE : F64_TOLERANCE, where + " parameter " + name);
      }
    }
  }

  @Test
  void amsgradKeepsTheMaximumOfTheSecondMomentWhenItDiffers() {
    CompiledModel model = ModelCompiler.compile(TrainedModels.unit("f64",
        "optimizer adam(lr = 0.2, betas = (0.5, 0.6), amsgrad = true)")).newModel(TrainedModels.MAX_BATCH);
    TrainedModels.load(model, TrainedModels.inputs(3), TrainedModels.params(3));
    for (int step = 0; step < STEPS; step++) {
      model.trainStep(TrainedModels.BATCH);
    }
    double[] v = TrainedModels.get(model.optimizerState().get("W/exp_avg_sq"), 6);
    double[] max = TrainedModels.get(model.optimizerState().get("W/max_exp_avg_sq"), 6);
    boolean differs = false;
    for (int i = 0; i < v.length; i++) {
      assertTrue(max[i] >= v[i], "max_exp_avg_sq is at least exp_avg_sq");
      differs |= max[i] > v[i] * 1.01;
    }
    assertTrue(differs, "the amsgrad cases must exercise the maximum: " + java.util.Arrays.toString(v) + " vs "
        + java.util.Arrays.toString(max));
  }

  @Test
  void decoupledDecayUnderAdamwDiffersFromL2UnderAdamExactlyAsExpected() {
    double lr = 0.05;
    double wd = 0.3;
    Map<String, F64Tensor> inputs = TrainedModels.inputs(5);
    Map<String, F64Tensor> start = TrainedModels.params(5);
    Map<String, double[]> g = gradients(TrainingGraph.of(TrainedModels.unit("f64", "optimizer adam").graph()),
        inputs, copy(start));
    double[] w = start.get("W").data();
    double[] gw = g.get("W");
    Map<String, double[]> after = new HashMap<>();
    for (String optimizer : List.of("adam", "adamw")) {
      CompiledModel model = ModelCompiler.compile(TrainedModels.unit("f64",
          "optimizer " + optimizer + "(lr = " + lr + ", weight_decay = " + wd + ")")).newModel(TrainedModels.MAX_BATCH);
      TrainedModels.load(model, inputs, start);
      model.trainStep(TrainedModels.BATCH);
      after.put(optimizer, TrainedModels.get(model.param("W"), 6));
      after.put(optimizer + " b", TrainedModels.get(model.param("b"), 2));
    }
    double eps = 1e-8;
    for (int i = 0; i < w.length; i++) {
      // first step: m̂ = g, v̂ = g², so the step is lr·g/(|g| + eps)
      double coupled = gw[i] + wd * w[i];
      double l2 = w[i] - lr * coupled / (Math.abs(coupled) + eps);
      double decoupled = w[i] * (1 - lr * wd) - lr * gw[i] / (Math.abs(gw[i]) + eps);
      assertEquals(l2, after.get("adam")[i], 1e-12, "adam with L2 decay, W[" + i + "]");
      assertEquals(decoupled, after.get("adamw")[i], 1e-12, "adamw, W[" + i + "]");
      assertEquals(l2 - decoupled, after.get("adam")[i] - after.get("adamw")[i], 1e-12, "the difference, W[" + i + "]");
    }
    double largest = 0;
    for (int i = 0; i < w.length; i++) {
      largest = Math.max(largest, Math.abs(after.get("adam")[i] - after.get("adamw")[i]));
    }
    assertTrue(largest > 1e-3, "coupled and decoupled decay must differ visibly, got " + largest);
    assertClose(after.get("adam b"), after.get("adamw b"), 0, "biases are not decayed by either");
  }

  @Test
  void biasesAreDecayedOnlyWhenDecayOnSaysSo() {
    double lr = 0.1;
    double wd = 0.5;
    Map<String, F64Tensor> inputs = TrainedModels.inputs(7);
    Map<String, F64Tensor> start = TrainedModels.params(7);
    Map<String, double[]> g = gradients(TrainingGraph.of(TrainedModels.unit("f64", "optimizer sgd").graph()),
        inputs, copy(start));
    for (String decayOn : List.of("", ", decay_on = all", ", decay_on = (weights, \"b\")")) {
      for (String optimizer : List.of("sgd", "sgdw")) {
        CompiledModel model = ModelCompiler.compile(TrainedModels.unit("f64", "optimizer " + optimizer + "(lr = "
            + lr + ", weight_decay = " + wd + decayOn + ")")).newModel(TrainedModels.MAX_BATCH);
        TrainedModels.load(model, inputs, start);
        model.trainStep(TrainedModels.BATCH);
        boolean biasDecayed = !decayOn.isEmpty();
        double[] b = start.get("b").data();
        double[] w = start.get("W").data();
        for (int i = 0; i < b.length; i++) {
          double expected = b[i] - lr * g.get("b")[i] - (biasDecayed ? lr * wd * b[i] : 0);
          assertEquals(expected, model.param("b").get(i), 1e-12, optimizer + decayOn + ": b[" + i + "]");
        }
        for (int i = 0; i < w.length; i++) {
          assertEquals(w[i] - lr * g.get("W")[i] - lr * wd * w[i], model.param("W").get(i), 1e-12,
              optimizer + decayOn + ": W[" + i + "]");
        }
      }
    }
  }

  @Test
  void theLearningRateSetIsTheOneUsedAndZeroLeavesParametersAlone() {
    CompiledModel model = ModelCompiler.compile(TrainedModels.unit("f32", "optimizer sgd(lr = 0.1)"))
        .newModel(TrainedModels.MAX_BATCH);
    Map<String, F64Tensor> start = TrainedModels.params(9);
    TrainedModels.load(model, TrainedModels.inputs(9), start);
    model.setLearningRate(0);
    model.trainStep(TrainedModels.BATCH);
    assertClose(start.get("W").data(), TrainedModels.get(model.param("W"), 6), 0, "W after a step at lr 0");
    model.setLearningRate(0.25);
    double[] g = TrainedModels.get(model.gradients().get("W"), 6);
    model.trainStep(TrainedModels.BATCH);
    double[] expected = start.get("W").data().clone();
    for (int i = 0; i < expected.length; i++) {
      expected[i] -= 0.25 * g[i];
    }
    assertClose(expected, TrainedModels.get(model.param("W"), 6), 1e-6, "W after a step at lr 0.25");
  }

  /**
   * NAdam's momentum product lives in a field, not in a checkpointed buffer: a model given
   * another's parameters, optimizer state and step (as a checkpoint does) takes the same
   * next steps bit for bit, and so does the same model after a reset and a replay.
   */
  @Test
  void nadamResumedFromItsStateStepsAsIfNeverStopped(@org.junit.jupiter.api.io.TempDir java.nio.file.Path temp) {
    ModelUnit unit = TrainedModels.unit("f32", "optimizer nadam(lr = 0.05)");
    ModelFactory factory = ModelCompiler.compile(unit);
    CompiledModel first = factory.newModel(TrainedModels.MAX_BATCH);
    Map<String, F64Tensor> inputs = TrainedModels.inputs(13);
    TrainedModels.load(first, inputs, TrainedModels.params(13));
    for (int step = 0; step < 4; step++) {
      first.trainStep(TrainedModels.BATCH);
    }
    java.nio.file.Path checkpoint = temp.resolve("nadam.safetensors");
    dev.adjoint.runtime.checkpoint.Checkpoint.save(checkpoint, first, Map.of());
    CompiledModel second = factory.newModel(TrainedModels.MAX_BATCH);
    TrainedModels.load(second, inputs, TrainedModels.params(99));
    for (int step = 0; step < 2; step++) {
      second.trainStep(TrainedModels.BATCH);
    }
    dev.adjoint.runtime.checkpoint.Checkpoint.load(checkpoint, second);
    assertEquals(4, second.step());
    for (int step = 0; step < 3; step++) {
      first.trainStep(TrainedModels.BATCH);
      second.trainStep(TrainedModels.BATCH);
      for (String name : List.of("W", "b")) {
        int n = name.equals("W") ? 6 : 2;
        assertTrue(java.util.Arrays.equals(TrainedModels.get(first.param(name), n),
            TrainedModels.get(second.param(name), n)), "step " + (5 + step) + ": " + name + " differs");
      }
    }
  }

  @Test
  void initializeResetsTheStepAndEveryOptimizerBuffer() {
    List<Setting> settings = settings().stream()
        .filter(s -> Set.of("sgd momentum", "adagrad initial accumulator and decay", "rmsprop weight decay",
            "adamw amsgrad").contains(s.name())).toList();
    assertEquals(4, settings.size());
    Map<String, Map<String, Double>> initial = Map.of(
        "sgd momentum", Map.of("momentum_buffer", 0.0),
        "adagrad initial accumulator and decay", Map.of("sum", 0.3),
        "rmsprop weight decay", Map.of("square_avg", 0.0, "grad_avg", 0.0, "momentum_buffer", 0.0),
        "adamw amsgrad", Map.of("exp_avg", 0.0, "exp_avg_sq", 0.0, "max_exp_avg_sq", 0.0));
    for (Setting setting : settings) {
      ModelUnit unit = TrainedModels.unit("f64", "optimizer " + setting.optimizer());
      CompiledModel model = ModelCompiler.compile(unit).newModel(TrainedModels.MAX_BATCH);
      Map<String, F64Tensor> inputs = TrainedModels.inputs(11);
      Map<String, F64Tensor> start = TrainedModels.params(11);
      TrainedModels.load(model, inputs, start);
      for (int step = 0; step < 3; step++) {
        model.trainStep(TrainedModels.BATCH);
      }
      assertEquals(3, model.step());
      Map<String, Double> slots = initial.get(setting.name());
      Set<String> names = new java.util.TreeSet<>();
      for (String param : List.of("W", "b")) {
        slots.keySet().forEach(slot -> names.add(param + "/" + slot));
      }
      assertEquals(names, new java.util.TreeSet<>(model.optimizerState().keySet()), setting.name() + " state names");
      model.initialize(5);
      assertEquals(0, model.step(), setting.name() + ": initialize resets the step");
      model.optimizerState().forEach((name, buffer) -> {
        double value = slots.get(name.substring(name.indexOf('/') + 1));
        for (int i = 0; i < buffer.capacity(); i++) {
          assertEquals(value, buffer.get(i), 0, setting.name() + ": " + name + " after initialize");
        }
      });
      // the first step after initialize is a first step again: momentum taken as g, bias correction at t = 1
      TrainedModels.load(model, inputs, start);
      model.setLearningRate(setting.lr());
      model.trainStep(TrainedModels.BATCH);
      Map<String, double[]> expected = copy(start);
      Map<String, double[]> g = gradients(TrainingGraph.of(unit.graph()), inputs, copy(start));
      Reference reference = setting.reference().get();
      for (String name : List.of("W", "b")) {
        reference.update(name, expected.get(name), g.get(name), name.equals("W"), 1, setting.lr());
        assertClose(expected.get(name), TrainedModels.get(model.param(name), expected.get(name).length),
            F64_TOLERANCE, setting.name() + ": " + name + " after initialize and one step");
      }
    }
  }

  @Test
  void aGradientThatIsAnotherParameterIsTakenBeforeThatParameterChanges() {
    // d/da Σ a·b = b and d/db = a: each gradient is the other parameter itself
    dev.adjoint.compiler.frontend.Compilation c = dev.adjoint.compiler.frontend.Frontend.compile(
        dev.adjoint.compiler.source.SourceFile.of("alias.nn", """
            model alias {
              input  x: f32[B, 3]
              param  a: f32[3] = constant(2)
              param  b: f32[3] = constant(3)
              output p = x
              loss = sum(a * b)
            }
            """));
    assertTrue(c.ok(), c.diagnostics().format());
    CompiledModel model = ModelCompiler.compile(c.models().get(0)).newModel(2);
    model.setLearningRate(0.1);
    model.trainStep(1);
    assertClose(new double[] {3, 3, 3}, TrainedModels.get(model.gradients().get("a"), 3), 0, "gradient of a");
    assertClose(new double[] {2, 2, 2}, TrainedModels.get(model.gradients().get("b"), 3), 0, "gradient of b");
    assertClose(new double[] {2 - 0.3, 2 - 0.3, 2 - 0.3}, TrainedModels.get(model.param("a"), 3), 1e-6, "a");
    assertClose(new double[] {3 - 0.2, 3 - 0.2, 3 - 0.2}, TrainedModels.get(model.param("b"), 3), 1e-6,
        "b, updated with the gradient a had before its update");
  }

  // ---- references: torch.optim's update rules, in f64 ---------------------------------

  /** The update of one parameter tensor at step t (from 1), with its own state. */
  abstract static class Reference {
    private final Map<String, double[]> state = new HashMap<>();

    abstract void update(String name, double[] p, double[] g, boolean decayed, long t, double lr);

    /**
     * Weight decay of element i: decoupled, the weight shrinks by lr·wd and the gradient is
     * left alone; coupled, wd·p is added to the gradient. Returns the gradient to use.
     */
    static double decay(double[] p, int i, double g, boolean decoupled, double lr, double wd) {
      if (decoupled) {
        p[i] *= 1 - lr * wd;
        return g;
      }
      return g + wd * p[i];
    }

    /** A state buffer of a parameter, starting at {@code initial}. */
    double[] state(String name, String slot, int size, double initial) {
      return state.computeIfAbsent(name + "/" + slot, k -> {
        double[] buffer = new double[size];
        java.util.Arrays.fill(buffer, initial);
        return buffer;
      });
    }
  }

  /**
   * torch.optim.SGD: g += wd·p; with momentum, b = g at the first step, else
   * b = μ·b + (1 - dampening)·g, and g = g + μ·b (Nesterov) or b; p -= lr·g. Decoupled (sgdw,
   * as AdamW does it): p *= 1 - lr·wd first, and g is left alone.
   */
  static final class Sgd extends Reference {
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final double weightDecay;
    private final boolean decoupled;

    Sgd(double momentum, double dampening, boolean nesterov, double weightDecay, boolean decoupled) {
      this.momentum = momentum;
      this.dampening = dampening;
      this.nesterov = nesterov;
      this.weightDecay = weightDecay;
      this.decoupled = decoupled;
    }

    @Override
    void update(String name, double[] p, double[] g, boolean decayed, long t, double lr) {
      double wd = decayed ? weightDecay : 0;
      double[] buffer = state(name, "momentum_buffer", p.length, 0);
      for (int i = 0; i < p.length; i++) {
        double d = decay(p, i, g[i], decoupled, lr, wd);
        if (momentum != 0) {
          buffer[i] = t == 1 ? d : momentum * buffer[i] + (1 - dampening) * d;
          d = nesterov ? d + momentum * buffer[i] : buffer[i];
        }
        p[i] -= lr * d;
      }
    }
  }

  /** torch.optim.Adagrad: clr = lr / (1 + (t - 1)·lr_decay); g += wd·p; sum += g²; p -= clr·g / (√sum + eps). */
  static final class Adagrad extends Reference {
    private final double lrDecay;
    private final double weightDecay;
    private final double initialAccumulator;
    private final double eps;

    Adagrad(double lrDecay, double weightDecay, double initialAccumulator, double eps) {
      this.lrDecay = lrDecay;
      this.weightDecay = weightDecay;
      this.initialAccumulator = initialAccumulator;
      this.eps = eps;
    }

    @Override
    void update(String name, double[] p, double[] g, boolean decayed, long t, double lr) {
      double clr = lr / (1 + (t - 1) * lrDecay);
      double[] sum = state(name, "sum", p.length, initialAccumulator);
      for (int i = 0; i < p.length; i++) {
        double d = g[i] + (decayed ? weightDecay * p[i] : 0);
        sum[i] += d * d;
        p[i] -= clr * d / (Math.sqrt(sum[i]) + eps);
      }
    }
  }

  /**
   * torch.optim.RMSprop: g += wd·p; v = α·v + (1 - α)·g²; centered: ḡ = α·ḡ + (1 - α)·g and
   * avg = √(v - ḡ²) + eps, else avg = √v + eps; with momentum b = μ·b + g/avg and p -= lr·b,
   * else p -= lr·g/avg.
   */
  static final class Rmsprop extends Reference {
    private final double alpha;
    private final double eps;
    private final double weightDecay;
    private final double momentum;
    private final boolean centered;

    Rmsprop(double alpha, double eps, double weightDecay, double momentum, boolean centered) {
      this.alpha = alpha;
      this.eps = eps;
      this.weightDecay = weightDecay;
      this.momentum = momentum;
      this.centered = centered;
    }

    @Override
    void update(String name, double[] p, double[] g, boolean decayed, long t, double lr) {
      double[] v = state(name, "square_avg", p.length, 0);
      double[] mean = state(name, "grad_avg", p.length, 0);
      double[] buffer = state(name, "momentum_buffer", p.length, 0);
      for (int i = 0; i < p.length; i++) {
        double d = g[i] + (decayed ? weightDecay * p[i] : 0);
        v[i] = alpha * v[i] + (1 - alpha) * d * d;
        double avg;
        if (centered) {
          mean[i] = alpha * mean[i] + (1 - alpha) * d;
          avg = Math.sqrt(v[i] - mean[i] * mean[i]) + eps;
        } else {
          avg = Math.sqrt(v[i]) + eps;
        }
        if (momentum > 0) {
          buffer[i] = momentum * buffer[i] + d / avg;
          p[i] -= lr * buffer[i];
        } else {
          p[i] -= lr * d / avg;
        }
      }
    }
  }

  /**
   * torch.optim.Adam and AdamW: decoupled (AdamW) p *= 1 - lr·wd, else g += wd·p;
   * m = β1·m + (1 - β1)·g; v = β2·v + (1 - β2)·g²; with AMSGrad v̂ = max(v̂, v), else v̂ = v;
   * p -= (lr / (1 - β1^t))·m / (√v̂ / √(1 - β2^t) + eps).
   */
  static final class Adam extends Reference {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean amsgrad;
    private final boolean decoupled;

    Adam(double beta1, double beta2, double eps, double weightDecay, boolean amsgrad, boolean decoupled) {
      this.beta1 = beta1;
      this.beta2 = beta2;
      this.eps = eps;
      this.weightDecay = weightDecay;
      this.amsgrad = amsgrad;
      this.decoupled = decoupled;
    }

    @Override
    void update(String name, double[] p, double[] g, boolean decayed, long t, double lr) {
      double wd = decayed ? weightDecay : 0;
      double[] m = state(name, "exp_avg", p.length, 0);
      double[] v = state(name, "exp_avg_sq", p.length, 0);
      double[] max = state(name, "max_exp_avg_sq", p.length, 0);
      double bc1 = 1 - Math.pow(beta1, t);
      double bc2 = 1 - Math.pow(beta2, t);
      for (int i = 0; i < p.length; i++) {
        double d = decay(p, i, g[i], decoupled, lr, wd);
        m[i] = beta1 * m[i] + (1 - beta1) * d;
        v[i] = beta2 * v[i] + (1 - beta2) * d * d;
        double second = v[i];
        if (amsgrad) {
          max[i] = Math.max(max[i], v[i]);
          second = max[i];
        }
        p[i] -= lr / bc1 * m[i] / (Math.sqrt(second) / Math.sqrt(bc2) + eps);
      }
    }
  }

  /**
   * torch.optim.NAdam: decoupled p *= 1 - lr·wd, else g += wd·p; μ_t = β1·(1 - ½·0.96^(t·ψ)),
   * Π_t = Π_{t-1}·μ_t; m = β1·m + (1 - β1)·g; v = β2·v + (1 - β2)·g²; d = √(v / (1 - β2^t)) + eps;
   * p -= lr·(1 - μ_t) / (1 - Π_t)·g / d, then p -= lr·μ_{t+1} / (1 - Π_t·μ_{t+1})·m / d.
   */
  static final class Nadam extends Reference {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final double momentumDecay;
    private final boolean decoupled;
    private final Map<String, Double> products = new HashMap<>();

    Nadam(double beta1, double beta2, double eps, double weightDecay, double momentumDecay, boolean decoupled) {
      this.beta1 = beta1;
      this.beta2 = beta2;
      this.eps = eps;
      this.weightDecay = weightDecay;
      this.momentumDecay = momentumDecay;
      this.decoupled = decoupled;
    }

    @Override
    void update(String name, double[] p, double[] g, boolean decayed, long t, double lr) {
      double wd = decayed ? weightDecay : 0;
      double[] m = state(name, "exp_avg", p.length, 0);
      double[] v = state(name, "exp_avg_sq", p.length, 0);
      double mu = beta1 * (1 - 0.5 * Math.pow(0.96, t * momentumDecay));
      double muNext = beta1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * momentumDecay));
      double product = products.getOrDefault(name, 1.0) * mu;
      products.put(name, product);
      double bc2 = 1 - Math.pow(beta2, t);
      for (int i = 0; i < p.length; i++) {
        double d = decay(p, i, g[i], decoupled, lr, wd);
        m[i] = beta1 * m[i] + (1 - beta1) * d;
        v[i] = beta2 * v[i] + (1 - beta2) * d * d;
        double denom = Math.sqrt(v[i] / bc2) + eps;
        p[i] -= lr * (1 - mu) / (1 - product) * d / denom;
        p[i] -= lr * muNext / (1 - product * muNext) * m[i] / denom;
      }
    }
  }

  /**
   * torch.optim.RAdam: decoupled p *= 1 - lr·wd, else g += wd·p; m and v as Adam's;
   * ρ∞ = 2 / (1 - β2) - 1, ρ_t = ρ∞ - 2t·β2^t / (1 - β2^t); when ρ_t > 5,
   * r = √((ρ_t - 4)(ρ_t - 2)ρ∞ / ((ρ∞ - 4)(ρ∞ - 2)ρ_t)) and
   * p -= lr·m / (1 - β1^t)·√(1 - β2^t) / (√v + eps)·r, else p -= lr·m / (1 - β1^t).
   */
  static final class Radam extends Reference {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;

    Radam(double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
      this.beta1 = beta1;
      this.beta2 = beta2;
      this.eps = eps;
      this.weightDecay = weightDecay;
      this.decoupled = decoupled;
    }

    @Override
    void update(String name, double[] p, double[] g, boolean decayed, long t, double lr) {
      double wd = decayed ? weightDecay : 0;
      double[] m = state(name, "exp_avg", p.length, 0);
      double[] v = state(name, "exp_avg_sq", p.length, 0);
      double bc1 = 1 - Math.pow(beta1, t);
      double bc2 = 1 - Math.pow(beta2, t);
      double rhoInf = 2 / (1 - beta2) - 1;
      double rho = rhoInf - 2 * t * Math.pow(beta2, t) / bc2;
      for (int i = 0; i < p.length; i++) {
        double d = decay(p, i, g[i], decoupled, lr, wd);
        m[i] = beta1 * m[i] + (1 - beta1) * d;
        v[i] = beta2 * v[i] + (1 - beta2) * d * d;
        if (rho > 5) {
          double rect = Math.sqrt((rho - 4) * (rho - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rho));
          p[i] -= m[i] / bc1 * lr * (Math.sqrt(bc2) / (Math.sqrt(v[i]) + eps)) * rect;
        } else {
          p[i] -= m[i] / bc1 * lr;
        }
      }
    }
  }

  // ---- helpers ------------------------------------------------------------------------

  /** The interpreter's gradient of the loss for every parameter, at these parameter values. */
  static Map<String, double[]> gradients(Graph training, Map<String, F64Tensor> inputs, Map<String, double[]> params) {
    Map<String, F64Tensor> values = new LinkedHashMap<>();
    params.forEach((name, v) -> values.put(name, F64Tensor.of(name.equals("W") ? new int[] {3, 2} : new int[] {2},
        v.clone())));
    Evaluation e = new Interpreter(training).evaluate(Feed.of(inputs, values));
    Map<String, double[]> out = new LinkedHashMap<>();
    training.gradients().forEach((name, node) -> out.put(name, e.value(node).data()));
    return out;
  }

  private static Map<String, double[]> params(CompiledModel model) {
    Map<String, double[]> out = new LinkedHashMap<>();
    out.put("W", TrainedModels.get(model.param("W"), 6));
    out.put("b", TrainedModels.get(model.param("b"), 2));
    return out;
  }

  private static Map<String, double[]> copy(Map<String, F64Tensor> tensors) {
    Map<String, double[]> out = new LinkedHashMap<>();
    tensors.forEach((name, t) -> out.put(name, t.data().clone()));
    return out;
  }

  /** Equal within {@code tolerance}·max(1, |expected|) element by element. */
  static void assertClose(double[] expected, double[] actual, double tolerance, String where) {
    assertEquals(expected.length, actual.length, where + ": length");
    for (int i = 0; i < expected.length; i++) {
      assertTrue(Math.abs(actual[i] - expected[i]) <= tolerance * Math.max(1, Math.abs(expected[i])),
          where + "[" + i + "]: compiled " + actual[i] + ", expected " + expected[i]);
    }
  }
}
