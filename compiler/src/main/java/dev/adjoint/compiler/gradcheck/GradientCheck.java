package dev.adjoint.compiler.gradcheck;

import dev.adjoint.compiler.ModelFunction;
import dev.adjoint.compiler.autodiff.FunctionSpec;
import dev.adjoint.compiler.codegen.FunctionCompiler;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.ModelParams;
import dev.adjoint.compiler.interp.Mode;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.settings.CheckedModel;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * {@code adjoint gradcheck}: the gradient of a model's training objective with respect to
 * every parameter and every floating-point input, as training computes it (mode switches in
 * their training behaviour, dropout masks from the seed), on random data: the f64 symbolic
 * gradient (the reference interpreter on the differentiated graph) against central finite
 * differences in f64, and the compiled gradient against the f64 one. Parameters are drawn by
 * their initializers, so the check runs where training starts; the data as {@link RandomData}
 * draws it. The f64 side converts f64 values to f32 without rounding ({@link ExactCasts}).
 *
 * <p>Written over the graph, so whatever the graph holds (a gradient the language's
 * {@code grad} built inside the model, too) is differentiated and checked alike.
 *
 * <p>Tolerances: against finite differences, |g - fd| ≤ {@value #FD_ATOL}·max(1, |L|) +
 * {@value #FD_RTOL}·|fd|, far above the differences' own error and far below a wrong rule's;
 * compiled against f64, |g32 - g64| ≤ {@value #COMPILED_TOLERANCE}·max(1, max |g64|) per
 * tensor, as the code generator's own tests allow for f32 rounding.
 */
public final class GradientCheck {
  static final double FD_ATOL = 1e-5;
  static final double FD_RTOL = 1e-4;
  static final double COMPILED_TOLERANCE = 1e-3;
  private static final String GRAD = "grad.";

  /**
   * What to check on.
   *
   * @param batch samples of random data
   * @param seed the random data's, the initializers' and dropout's seed
   * @param samples elements per tensor compared with finite differences (all of a smaller tensor)
   */
  public record Settings(int batch, long seed, int samples) {
    public Settings {
      if (batch < 1 || samples < 1) {
        throw new IllegalArgumentException("batch and samples must be at least 1, got " + batch + " and " + samples);
      }
    }
  }

  /** The rows of one model, two per tensor. */
  public record Report(String model, List<CheckRow> rows) {
    public Report {
      rows = List.copyOf(rows);
    }

    public boolean passed() {
      return rows.stream().allMatch(CheckRow::passed);
    }

    /** {@code h.W (f64 vs finite differences)} for each failed row. */
    public List<String> failures() {
      return rows.stream().filter(r -> !r.passed()).map(r -> r.tensor() + " (" + r.comparison().text() + ")").toList();
    }
  }

  private GradientCheck() {}

  /** Checks {@code unit}'s gradients; throws {@link IllegalArgumentException} for a model without a loss. */
  public static Report run(CheckedModel unit, Settings settings) {
    if (unit.graph().loss() == null) {
      throw new IllegalArgumentException("model " + unit.name() + " has no loss, so no gradient to check");
    }
    FunctionSpec spec = FunctionSpec.lossGradient(FunctionSpec.Wrt.ALL).inTraining(true);
    Graph graph = FunctionCompiler.graph(ExactCasts.of(unit), spec);
    CompiledModel compiled = ModelFunction.standalone(unit, spec, settings.batch()).compiled();
    compiled.initialize(settings.seed());
    Map<String, F64Tensor> inputs = RandomData.inputs(unit.graph(), graph, settings.batch(),
        new Random(settings.seed()));
    Map<String, F64Tensor> params = new LinkedHashMap<>();
    for (Node p : graph.params()) {
      params.put(p.sourceName(), ModelParams.read(p, compiled));
    }
    inputs.forEach((name, value) -> write(value, compiled.input(name)));
    compiled.predict(settings.batch());
    Feed feed = new Feed(inputs, params, Map.of(), Mode.TRAINING, settings.seed(), 0);
    Interpreter interpreter = new Interpreter(graph);
    Evaluation exact = interpreter.evaluate(feed);
    Node value = graph.outputs().get(FunctionSpec.VALUE);
    double scale = Math.max(1, Math.abs(exact.output(FunctionSpec.VALUE).item()));
    Random sampling = new Random(settings.seed() + 1);
    List<CheckRow> rows = new ArrayList<>();
    graph.outputs().forEach((name, node) -> {
      if (!name.startsWith(GRAD)) {
        return;
      }
      String tensor = name.substring(GRAD.length());
      F64Tensor symbolic = exact.output(name);
      FiniteDifferences.Part part = params.containsKey(tensor) ? FiniteDifferences.Part.PARAMETER
          : FiniteDifferences.Part.INPUT;
      boolean read = part == FiniteDifferences.Part.PARAMETER || inputs.containsKey(tensor);
      rows.add(againstDifferences(tensor, symbolic, sample(symbolic, settings.samples(), sampling), scale,
          i -> read ? FiniteDifferences.at(interpreter, value, feed, part, tensor, i) : 0));
      rows.add(againstCompiled(tensor, symbolic, compiled.output(name)));
    });
    return new Report(unit.name(), rows);
  }

  private static CheckRow againstDifferences(String tensor, F64Tensor symbolic, int[] indices, double scale,
      java.util.function.IntToDoubleFunction difference) {
    Errors errors = new Errors(symbolic.shape());
    double[] g = symbolic.data();
    for (int i : indices) {
      double fd = difference.applyAsDouble(i);
      errors.add(i, g[i], fd, FD_ATOL * scale + FD_RTOL * Math.abs(fd));
    }
    return errors.row(tensor, CheckRow.Comparison.FINITE_DIFFERENCES, indices.length, g.length);
  }

  private static CheckRow againstCompiled(String tensor, F64Tensor symbolic, Tensor compiled) {
    double[] g = symbolic.data();
    double largest = 1;
    for (double x : g) {
      largest = Math.max(largest, Math.abs(x));
    }
    Errors errors = new Errors(symbolic.shape());
    for (int i = 0; i < g.length; i++) {
      errors.add(i, compiled.get(i), g[i], COMPILED_TOLERANCE * largest);
    }
    return errors.row(tensor, CheckRow.Comparison.COMPILED, g.length, g.length);
  }

  /** Every element of a small tensor; of a larger one, the largest gradient and random others. */
  private static int[] sample(F64Tensor gradient, int samples, Random random) {
    int size = gradient.size();
    if (size <= samples) {
      return java.util.stream.IntStream.range(0, size).toArray();
    }
    double[] g = gradient.data();
    int largest = 0;
    for (int i = 1; i < size; i++) {
      if (Math.abs(g[i]) > Math.abs(g[largest])) {
        largest = i;
      }
    }
    Set<Integer> chosen = new LinkedHashSet<>(List.of(largest));
    while (chosen.size() < samples) {
      chosen.add(random.nextInt(size));
    }
    return chosen.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The running maxima of one comparison. */
  private static final class Errors {
    private final int[] shape;
    private double maxAbs;
    private double maxRel;
    private double worstRatio = -1;
    private int worst;
    private boolean passed = true;

    Errors(int[] shape) {
      this.shape = shape;
    }

    void add(int index, double actual, double expected, double tolerance) {
      double abs = Math.abs(actual - expected);
      double magnitude = Math.max(Math.abs(actual), Math.abs(expected));
      maxAbs = Math.max(maxAbs, abs);
      maxRel = Math.max(maxRel, magnitude == 0 ? 0 : abs / magnitude);
      double ratio = abs / tolerance;
      if (ratio > worstRatio || Double.isNaN(abs)) {
        worstRatio = ratio;
        worst = index;
      }
      passed &= abs <= tolerance;
    }

    CheckRow row(String tensor, CheckRow.Comparison comparison, int checked, int size) {
      return new CheckRow(tensor, comparison, checked, size, maxAbs, maxRel, unflatten(worst), passed);
    }

    private int[] unflatten(int flat) {
      int[] index = new int[shape.length];
      for (int axis = shape.length - 1; axis >= 0; axis--) {
        index[axis] = shape[axis] == 0 ? 0 : flat % shape[axis];
        flat = shape[axis] == 0 ? 0 : flat / shape[axis];
      }
      return index;
    }
  }

  private static void write(F64Tensor value, Tensor into) {
    double[] x = value.data();
    for (int i = 0; i < x.length; i++) {
      into.set(i, x[i]);
    }
  }
}
