package dev.adjoint.compiler.autodiff;

import static dev.adjoint.compiler.autodiff.GradientChecker.ANY;
import static dev.adjoint.compiler.autodiff.GradientChecker.POSITIVE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.adjoint.compiler.autodiff.GradientChecker.Domain;
import dev.adjoint.compiler.autodiff.GradientChecker.GraphContext;
import dev.adjoint.compiler.composite.Layers;
import dev.adjoint.compiler.composite.Pooling;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Init;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ParamRole;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.source.SourceSpan;
import java.util.Map;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Pooling and batch norm over channels-last images against central finite differences in
 * f64: odd sizes (7x5), a kernel of 3x2, strides 1 to 3, padding, remainders cut off,
 * one and two spatial axes, a batch of two and a batch of one.
 */
class ImageGradientTest {
  private record Case(String name, List<Shape> shapes, List<Domain> domains, Function<GraphContext, Node> f) {}

  private static final List<Case> CASES = new ArrayList<>();

  private static void add(String name, List<Shape> shapes, List<Domain> domains, Function<GraphContext, Node> f) {
    CASES.add(new Case(name, shapes, domains, f));
  }

  private static Attrs.Pool window(List<Integer> kernel, List<Integer> stride, List<Integer> padding) {
    return new Attrs.Pool(kernel, stride, padding);
  }

  static {
    List<Attrs.Pool> windows = List.of(
        window(List.of(3, 2), List.of(2, 2), List.of(0, 0)),
        window(List.of(3, 2), List.of(2, 1), List.of(1, 1)),
        window(List.of(3, 2), List.of(3, 2), List.of(0, 0)),
        window(List.of(2, 2), List.of(1, 3), List.of(1, 0)),
        new Attrs.Pool(List.of(2, 2), List.of(2, 2), List.of(0, 0), true),
        new Attrs.Pool(List.of(3, 2), List.of(2, 2), List.of(1, 0), true));
    for (int batch : new int[] {2, 1}) {
      Shape image = Shape.of(batch, 7, 5, 3);
      for (Attrs.Pool w : windows) {
        String at = " " + w.text() + " (batch " + batch + ")";
        add("max_pool2d" + at, List.of(image), List.of(ANY), c -> Pooling.maxPool(c.b(), c.p(0), w));
        add("avg_pool2d" + at, List.of(image), List.of(ANY), c -> Pooling.avgPool(c.b(), c.p(0), w));
      }
      Shape signal = Shape.of(batch, 7, 2);
      Attrs.Pool w1 = window(List.of(3), List.of(2), List.of(1));
      add("max_pool1d (batch " + batch + ")", List.of(signal), List.of(ANY), c -> Pooling.maxPool(c.b(), c.p(0), w1));
      add("avg_pool1d (batch " + batch + ")", List.of(signal), List.of(ANY), c -> Pooling.avgPool(c.b(), c.p(0), w1));
      Attrs.Pool ceil = new Attrs.Pool(List.of(2), List.of(3), List.of(0), true);
      add("max_pool1d ceil_mode (batch " + batch + ")", List.of(signal), List.of(ANY),
          c -> Pooling.maxPool(c.b(), c.p(0), ceil));
      add("avg_pool1d ceil_mode (batch " + batch + ")", List.of(signal), List.of(ANY),
          c -> Pooling.avgPool(c.b(), c.p(0), ceil));
      add("global_max_pool (batch " + batch + ")", List.of(image), List.of(ANY),
          c -> Pooling.globalPool(c.b(), c.p(0), true));
      add("global_avg_pool (batch " + batch + ")", List.of(image), List.of(ANY),
          c -> Pooling.globalPool(c.b(), c.p(0), false));
      Shape channels = Shape.of(3);
      List<Shape> norm = List.of(image, channels, channels, channels, channels);
      List<Domain> domains = List.of(ANY, ANY, ANY, ANY, POSITIVE);
      add("batch_norm of images training (batch " + batch + ")", norm, domains, c -> Layers.batchNorm(c.b(), c.p(0),
          c.p(1), c.p(2), c.p(3), c.p(4), 0.1, 1e-5).output());
      add("batch_norm of images running statistics (batch " + batch + ")", norm, domains, c -> {
        Layers.BatchNormResult r = Layers.batchNorm(c.b(), c.p(0), c.p(1), c.p(2), c.p(3), c.p(4), 0.1, 1e-5);
        return c.b().add(c.b().sumAll(r.runningMean()), c.b().sumAll(r.runningVar()));
      });
      add("batch_norm of signals training (batch " + batch + ")", List.of(signal, Shape.of(2), Shape.of(2),
          Shape.of(2), Shape.of(2)), domains, c -> Layers.batchNorm(c.b(), c.p(0), c.p(1), c.p(2), c.p(3), c.p(4),
          0.1, 1e-5).output());
    }
  }

  /** At a tie, max pooling's gradient goes to the first maximum only (PyTorch's choice), and nothing to padding. */
  @Test
  void theGradientOfATieGoesToTheFirstMaximum() {
    NodeBuilder b = NodeBuilder.start(SourceSpan.synthetic("tie"), 0);
    Node x = b.node(Op.PARAM, List.of(), new Attrs.Param("x", ScalarType.F64, Shape.of(1, 2, 3, 1),
        Init.of(Init.Kind.ZEROS), ParamRole.WEIGHT));
    Node pooled = Pooling.maxPool(b, x, window(List.of(2, 2), List.of(2, 2), List.of(1, 1)));
    Node loss = b.sumAll(pooled);
    Node gradient = ReverseMode.gradients(b, loss, List.of(x)).get(x);
    Graph g = Graph.builder("tie", b.span()).param(x).loss(loss).gradient("x", gradient).build();
    Evaluation e = new Interpreter(g).evaluate(Feed.of(Map.of(),
        Map.of("x", F64Tensor.of(new int[] {1, 2, 3, 1}, 3, 3, 3, 3, 2, -2))));
    // windows (padding 1): {x00}, {x01, x02} (a tie of 3s), {x10}, {x11, x12}
    assertArrayEquals(new double[] {1, 1, 0, 1, 1, 0}, e.value(gradient).data(), 0);
  }

  @TestFactory
  Stream<DynamicTest> everyImageOpAgreesWithFiniteDifferences() {
    return CASES.stream().map(k -> DynamicTest.dynamicTest(k.name(),
        () -> GradientChecker.check(k.name(), k.shapes(), k.domains(), k.f(), k.name().hashCode())));
  }
}
