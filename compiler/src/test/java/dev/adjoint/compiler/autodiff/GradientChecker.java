package dev.adjoint.compiler.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.gradcheck.FiniteDifferences;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Init;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ParamRole;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.Verifier;
import dev.adjoint.compiler.source.SourceSpan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Checks derivatives against central finite differences in f64 along a random direction v:
 * reverse mode's ⟨∇L, v⟩ and forward mode's tangent of L must both equal
 * (L(θ + εv) - L(θ - εv)) / 2ε. With ε = 1e-5 the difference's truncation error is about
 * ε²·L''' and its rounding error about 1e-16/ε, so agreement within
 * {@value #TOLERANCE}·(1 + |fd|) leaves a wide margin while any wrong rule fails by far.
 * The same differences on whole models are {@code adjoint gradcheck}'s ({@link FiniteDifferences}).
 */
final class GradientChecker {
  static final double EPSILON = 1e-5;
  static final double TOLERANCE = 1e-6;

  /** How to draw the value of each parameter element. */
  @FunctionalInterface
  interface Domain {
    double draw(Random random);
  }

  static final Domain ANY = r -> r.nextGaussian();
  static final Domain POSITIVE = r -> 0.5 + r.nextDouble() * 2;
  static final Domain AWAY_FROM_ZERO = r -> (r.nextBoolean() ? 1 : -1) * (0.3 + r.nextDouble());

  private GradientChecker() {}

  /**
   * Builds {@code f} over f64 parameters of the given shapes, reduces its output to
   * L = Σ f(θ)·r for a random r, and checks both modes against finite differences.
   */
  static void check(String name, List<Shape> shapes, Domain domain, Function<GraphContext, Node> f, long seed) {
    List<Domain> domains = new ArrayList<>();
    shapes.forEach(s -> domains.add(domain));
    check(name, shapes, domains, f, seed);
  }

  /** As above with one domain per parameter. */
  static void check(String name, List<Shape> shapes, List<Domain> domains, Function<GraphContext, Node> f,
      long seed) {
    check(name, shapes, domains, f, seed, true);
  }

  /** Reverse mode only, for ops whose forward-mode rule is not built (SCAN). */
  static void checkReverse(String name, List<Shape> shapes, Function<GraphContext, Node> f, long seed) {
    List<Domain> domains = new ArrayList<>();
    shapes.forEach(s -> domains.add(ANY));
    check(name, shapes, domains, f, seed, false);
  }

  private static void check(String name, List<Shape> shapes, List<Domain> domains, Function<GraphContext, Node> f,
      long seed, boolean forwardMode) {
    NodeBuilder b = NodeBuilder.start(SourceSpan.synthetic(name), 0);
    List<Node> params = new ArrayList<>();
    for (int i = 0; i < shapes.size(); i++) {
      params.add(b.node(Op.PARAM, List.of(), new Attrs.Param("p" + i, ScalarType.F64, shapes.get(i),
          Init.of(Init.Kind.ZEROS), ParamRole.WEIGHT)));
    }
    GraphContext context = new GraphContext(b, params, new LinkedHashMap<>());
    Node out = f.apply(context);
    Node weights = b.node(Op.INPUT, List.of(), new Attrs.Input("r", ScalarType.F64, out.shape(), false, 0, List.of()));
    Node loss = b.sumAll(b.mul(out, weights));
    List<Node> directions = new ArrayList<>();
    for (Node p : params) {
      directions.add(b.node(Op.INPUT, List.of(), new Attrs.Input("v_" + p.sourceName(), ScalarType.F64, p.shape(), false,
          0, List.of())));
    }
    Map<Node, Node> seeds = new LinkedHashMap<>();
    for (int i = 0; i < params.size(); i++) {
      seeds.put(params.get(i), directions.get(i));
    }
    Map<Node, Node> gradients = ReverseMode.gradients(b, loss, params);
    Node tangent = forwardMode ? ForwardMode.tangents(b, List.of(loss), seeds).get(loss) : loss;

    Graph.Builder gb = Graph.builder(name, b.span()).input(weights).loss(loss).output("tangent", tangent);
    context.fixed().keySet().forEach(gb::input);
    directions.forEach(gb::input);
    params.forEach(gb::param);
    gradients.forEach((p, g) -> gb.gradient(p.sourceName(), g));
    Graph graph = gb.build();
    Verifier.check(graph, "gradient check " + name);

    Random random = new Random(seed);
    Map<String, F64Tensor> theta = new LinkedHashMap<>();
    Map<String, F64Tensor> v = new LinkedHashMap<>();
    for (int i = 0; i < params.size(); i++) {
      Node p = params.get(i);
      theta.put(p.sourceName(), draw(p.shape(), domains.get(i), random));
      v.put(p.sourceName(), draw(p.shape(), ANY, random));
    }
    Map<String, F64Tensor> inputs = new LinkedHashMap<>();
    context.fixed().forEach((node, value) -> inputs.put(node.sourceName(), value));
    inputs.put("r", draw(out.shape(), ANY, random));
    v.forEach((k, t) -> inputs.put("v_" + k, t));
    Interpreter interpreter = new Interpreter(graph);
    Evaluation at = interpreter.evaluate(Feed.of(inputs, theta));
    double reverse = 0;
    for (Node p : params) {
      reverse += dot(at.value(gradients.get(p)), v.get(p.sourceName()));
    }
    double forward = at.output("tangent").item();
    double plus = interpreter.evaluate(Feed.of(inputs, shifted(theta, v, EPSILON))).loss().item();
    double minus = interpreter.evaluate(Feed.of(inputs, shifted(theta, v, -EPSILON))).loss().item();
    double fd = (plus - minus) / (2 * EPSILON);
    double bound = TOLERANCE * (1 + Math.abs(fd));
    assertTrue(Math.abs(reverse - fd) <= bound,
        name + ": reverse mode gives " + reverse + ", finite differences " + fd);
    assertTrue(!forwardMode || Math.abs(forward - fd) <= bound,
        name + ": forward mode gives " + forward + ", finite differences " + fd);
  }

  /** The parameters and builder a function under test builds with, and fixed inputs it adds (ids). */
  record GraphContext(NodeBuilder b, List<Node> params, Map<Node, F64Tensor> fixed) {
    Node p(int i) {
      return params.get(i);
    }

    /** An input with a fixed value, e.g. class indices or ids (i32). */
    Node fixed(String name, ScalarType dtype, F64Tensor value) {
      Node n = b.node(Op.INPUT, List.of(), new Attrs.Input(name, dtype, Shape.of(value.shape()), false, 0,
          List.of()));
      fixed.put(n, value);
      return n;
    }
  }

  static F64Tensor draw(Shape shape, Domain domain, Random random) {
    int[] dims = shape.concrete(1);
    int size = 1;
    for (int d : dims) {
      size *= d;
    }
    double[] values = new double[size];
    for (int i = 0; i < size; i++) {
      values[i] = domain.draw(random);
    }
    return F64Tensor.of(dims, values);
  }

  static double dot(F64Tensor a, F64Tensor b) {
    double[] x = a.data();
    double[] y = b.data();
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      sum += x[i] * y[i];
    }
    return sum;
  }

  /** The parameters moved by step·v: the main code's {@link FiniteDifferences#shifted}, the one place it is done. */
  static Map<String, F64Tensor> shifted(Map<String, F64Tensor> theta, Map<String, F64Tensor> v, double step) {
    return FiniteDifferences.shifted(theta, v, step);
  }

}
