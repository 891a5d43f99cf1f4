package dev.adjoint.compiler.autodiff;

import static dev.adjoint.compiler.autodiff.GradientChecker.ANY;
import static dev.adjoint.compiler.autodiff.GradientChecker.POSITIVE;

import dev.adjoint.compiler.autodiff.GradientChecker.Domain;
import dev.adjoint.compiler.autodiff.GradientChecker.GraphContext;
import dev.adjoint.compiler.composite.Activations;
import dev.adjoint.compiler.composite.Analysis;
import dev.adjoint.compiler.composite.Joins;
import dev.adjoint.compiler.composite.Layers;
import dev.adjoint.compiler.composite.Losses;
import dev.adjoint.compiler.composite.Losses.Reduction;
import dev.adjoint.compiler.composite.Selections;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every composite function (activations, losses, layers, logsumexp, norm, cumsum, joins, where,
 * masked_mean, take_along_axis) against central finite
 * differences, at [4, 6], [1, 6], [2, 17] and [3, 1] where the composite allows (swiglu
 * needs an even width).
 */
class CompositeGradientTest {
  private record Case(String name, List<Shape> shapes, List<Domain> domains, Function<GraphContext, Node> f) {}

  private static final Domain PROBABILITY = r -> 0.05 + 0.9 * r.nextDouble();
  private static final List<Case> CASES = new ArrayList<>();

  private static void add(String name, List<Shape> shapes, List<Domain> domains, Function<GraphContext, Node> f) {
    CASES.add(new Case(name, shapes, domains, f));
  }

  private static Node classes(GraphContext c, int batch, int classes) {
    double[] values = new double[batch];
    for (int i = 0; i < batch; i++) {
      values[i] = (i * 7 + 1) % classes;
    }
    return c.fixed("classes", ScalarType.I32, F64Tensor.of(new int[] {batch}, values));
  }

  static {
    // a batch of several, a batch of one, a wider odd row (17: no power of two, no multiple
    // of a vector width, more classes than rows), and rows of one element (a softmax of one
    // class is 1 and a layer norm of one element its bias, whatever the input)
    for (int[] size : new int[][] {{4, 6}, {1, 6}, {2, 17}, {3, 1}}) {
      int batch = size[0];
      int width = size[1];
      Shape x = Shape.of(batch, width);
      String at = width == 6 ? " (batch " + batch + ")" : " (batch " + batch + ", width " + width + ")";
      add("relu" + at, List.of(x), List.of(ANY), c -> Activations.relu(c.b(), c.p(0)));
      add("leaky_relu" + at, List.of(x), List.of(ANY), c -> Activations.leakyRelu(c.b(), c.p(0), 0.1));
      add("silu" + at, List.of(x), List.of(ANY), c -> Activations.silu(c.b(), c.p(0)));
      add("gelu" + at, List.of(x), List.of(ANY), c -> Activations.gelu(c.b(), c.p(0)));
      add("gelu tanh" + at, List.of(x), List.of(ANY), c -> Activations.geluTanh(c.b(), c.p(0)));
      add("softplus" + at, List.of(x), List.of(ANY), c -> Activations.softplus(c.b(), c.p(0), 2));
      if (width % 2 == 0) { // swiglu halves the last axis
        add("swiglu" + at, List.of(x), List.of(ANY), c -> Activations.swiglu(c.b(), c.p(0)));
      }
      add("softmax" + at, List.of(x), List.of(ANY), c -> Activations.softmax(c.b(), c.p(0), 1));
      add("softmax axis 0" + at, List.of(x), List.of(ANY), c -> Activations.softmax(c.b(), c.p(0), 0));
      add("log_softmax" + at, List.of(x), List.of(ANY), c -> Activations.logSoftmax(c.b(), c.p(0), 1));
      for (Reduction r : Reduction.values()) {
        String red = " " + r.name().toLowerCase() + at;
        add("mse" + red, List.of(x, x), List.of(ANY, ANY), c -> Losses.mse(c.b(), c.p(0), c.p(1), r));
        add("l1" + red, List.of(x, x), List.of(ANY, ANY), c -> Losses.l1(c.b(), c.p(0), c.p(1), r));
        add("huber" + red, List.of(x, x), List.of(ANY, ANY), c -> Losses.huber(c.b(), c.p(0), c.p(1), 0.7, r));
        add("hinge" + red, List.of(x, x), List.of(ANY, ANY), c -> Losses.hinge(c.b(), c.p(0), c.p(1), r));
        add("bce" + red, List.of(x, x), List.of(PROBABILITY, PROBABILITY),
            c -> Losses.bce(c.b(), c.p(0), c.p(1), r));
        add("bce_with_logits" + red, List.of(x, x), List.of(ANY, PROBABILITY),
            c -> Losses.bceWithLogits(c.b(), c.p(0), c.p(1), r));
        add("cross_entropy classes" + red, List.of(x), List.of(ANY), c -> Losses.crossEntropyClasses(c.b(),
            Activations.softmax(c.b(), c.p(0), 1), classes(c, batch, width), 0.1, null, r));
        add("cross_entropy ignore_index" + red, List.of(x), List.of(ANY), c -> Losses.crossEntropyClasses(c.b(),
            Activations.softmax(c.b(), c.p(0), 1), classes(c, batch, width), 0, 1, r));
        add("cross_entropy distribution" + red, List.of(x, x), List.of(ANY, ANY),
            c -> Losses.crossEntropyDistribution(c.b(), Activations.softmax(c.b(), c.p(0), 1),
                Activations.softmax(c.b(), c.p(1), 1), 0.05, r));
        add("nll" + red, List.of(x), List.of(ANY), c -> Losses.nll(c.b(), Activations.logSoftmax(c.b(), c.p(0), 1),
            classes(c, batch, width), null, r));
        add("kl_div" + red, List.of(x, x), List.of(ANY, ANY), c -> Losses.klDivergence(c.b(),
            Activations.softmax(c.b(), c.p(0), 1), Activations.softmax(c.b(), c.p(1), 1), r));
      }
      add("logsumexp" + at, List.of(x), List.of(ANY), c -> Analysis.logSumExp(c.b(), c.p(0), List.of(1), false));
      add("logsumexp axis 0 keepdims" + at, List.of(x), List.of(ANY),
          c -> Analysis.logSumExp(c.b(), c.p(0), List.of(0), true));
      add("logsumexp all axes" + at, List.of(x), List.of(ANY), c -> Analysis.logSumExp(c.b(), c.p(0), List.of(0, 1), false));
      add("norm" + at, List.of(x), List.of(ANY), c -> Analysis.norm(c.b(), c.p(0), List.of(1), false));
      add("norm all axes keepdims" + at, List.of(x), List.of(ANY), c -> Analysis.norm(c.b(), c.p(0), List.of(0, 1), true));
      add("cumsum" + at, List.of(x), List.of(ANY), c -> Analysis.cumsum(c.b(), c.p(0), 1));
      add("cumsum axis 0" + at, List.of(x), List.of(ANY), c -> Analysis.cumsum(c.b(), c.p(0), 0));
      add("rsqrt" + at, List.of(x), List.of(POSITIVE), c -> c.b().recip(c.b().sqrt(c.p(0))));
      add("stack" + at, List.of(x, x), List.of(ANY, ANY), c -> Joins.stack(c.b(), List.of(c.p(0), c.p(1)), 1));
      add("stack new last axis" + at, List.of(x, x), List.of(ANY, ANY),
          c -> Joins.stack(c.b(), List.of(c.p(0), c.b().tanh(c.p(1)), c.p(0)), 2));
      if (width > 1) { // split into two pieces, joined back the other way round and scaled apart
        add("split" + at, List.of(x), List.of(ANY), c -> {
          List<Node> p = Joins.pieces(c.b(), c.p(0), 1, List.of(1, width - 1));
          return c.b().concat(List.of(c.b().exp(p.get(1)), c.b().scale(p.get(0), 3)), 1);
        });
      }
      add("pad with a value" + at, List.of(x), List.of(ANY),
          c -> Joins.pad(c.b(), c.p(0), List.of(new int[] {0, 0}, new int[] {2, 1}), -1.5));
      add("pad with zeros" + at, List.of(x), List.of(ANY),
          c -> Joins.pad(c.b(), c.p(0), List.of(new int[] {1, 0}, new int[] {0, 2}), 0));
      add("tile" + at, List.of(x), List.of(ANY), c -> Joins.tile(c.b(), c.p(0), List.of(2, 3)));
      add("repeat_interleave" + at, List.of(x), List.of(ANY), c -> Joins.repeatInterleave(c.b(), c.p(0), 1, 3));
      add("repeat_interleave axis 0" + at, List.of(x), List.of(ANY),
          c -> Joins.repeatInterleave(c.b(), c.p(0), 0, 2));
      add("where" + at, List.of(x, x), List.of(ANY, ANY), c -> c.b().where(
          c.b().greater(mask(c, batch, width, 3), c.b().constant(0.5, ScalarType.F64)), c.b().sin(c.p(0)), c.p(1)));
      add("masked_mean" + at, List.of(x, x), List.of(ANY, ANY), c -> Selections.maskedMean(c.b(),
          c.b().mul(c.b().sub(c.p(0), c.p(1)), c.b().sub(c.p(0), c.p(1))),
          c.b().greater(mask(c, batch, width, 3), c.b().constant(0.5, ScalarType.F64))));
      add("masked_mean all false" + at, List.of(x), List.of(ANY), c -> Selections.maskedMean(c.b(), c.p(0),
          c.b().greater(mask(c, batch, width, 1), c.b().constant(0.5, ScalarType.F64))));
      add("take_along_axis" + at, List.of(x), List.of(ANY), c -> Selections.takeAlongAxis(c.b(), c.p(0),
          c.fixed("idx", ScalarType.I32, F64Tensor.of(new int[] {batch, 3}, indices(batch * 3, width))), 1));
      add("take_along_axis axis 0" + at, List.of(x), List.of(ANY), c -> Selections.takeAlongAxis(c.b(), c.p(0),
          c.fixed("idx", ScalarType.I32, F64Tensor.of(new int[] {2, width}, indices(2 * width, batch))), 0));
      add("dense" + at, List.of(x, Shape.of(width, 3), Shape.of(3)), List.of(ANY, ANY, ANY),
          c -> Layers.dense(c.b(), c.p(0), c.p(1), c.p(2)));
      add("layer_norm" + at, List.of(x, Shape.of(width), Shape.of(width)), List.of(ANY, ANY, ANY),
          c -> Layers.layerNorm(c.b(), c.p(0), c.p(1), c.p(2), 1e-5));
      add("embedding_bag mean" + at, List.of(Shape.of(7, 3)), List.of(ANY), c -> Layers.embeddingBag(c.b(), c.p(0),
          c.fixed("bags", ScalarType.I32, F64Tensor.of(new int[] {batch, 3}, bagIds(batch))), true, null));
      add("embedding_bag weighted" + at, List.of(Shape.of(7, 3), Shape.of(batch, 3)), List.of(ANY, ANY),
          c -> Layers.embeddingBag(c.b(), c.p(0),
              c.fixed("bags", ScalarType.I32, F64Tensor.of(new int[] {batch, 3}, bagIds(batch))), false, c.p(1)));
    }
    Shape x = Shape.of(5, 4);
    add("batch_norm training", List.of(x, Shape.of(4), Shape.of(4), Shape.of(4), Shape.of(4)),
        List.of(ANY, ANY, ANY, ANY, POSITIVE), c -> {
          Layers.BatchNormResult r = Layers.batchNorm(c.b(), c.p(0), c.p(1), c.p(2), c.p(3), c.p(4), 0.1, 1e-5);
          return r.output();
        });
    add("batch_norm running statistics", List.of(x, Shape.of(4), Shape.of(4), Shape.of(4), Shape.of(4)),
        List.of(ANY, ANY, ANY, ANY, POSITIVE), c -> {
          Layers.BatchNormResult r = Layers.batchNorm(c.b(), c.p(0), c.p(1), c.p(2), c.p(3), c.p(4), 0.1, 1e-5);
          return c.b().add(c.b().sumAll(r.runningMean()), c.b().sumAll(r.runningVar()));
        });
    add("dropout (training)", List.of(Shape.of(6, 8)), List.of(ANY), c -> Layers.dropout(c.b(), c.p(0), 0.3));
  }

  /** 1 at every {@code every}-th element (i % every == 2, so every = 1 gives none), else 0. */
  private static Node mask(GraphContext c, int batch, int width, int every) {
    double[] values = new double[batch * width];
    for (int i = 0; i < values.length; i++) {
      values[i] = i % every == 2 ? 1 : 0;
    }
    return c.fixed("mask", ScalarType.F64, F64Tensor.of(new int[] {batch, width}, values));
  }

  /** Indices into an axis of size n, with one out of range (which picks 0) when there are several. */
  private static double[] indices(int count, int n) {
    double[] ids = new double[count];
    for (int i = 0; i < count; i++) {
      ids[i] = count > 2 && i == count - 1 ? n : (i * 5 + 1) % n;
    }
    return ids;
  }

  private static double[] bagIds(int batch) {
    double[] ids = new double[batch * 3];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i % 4 == 3 ? -1 : (i * 5) % 7;
    }
    return ids;
  }

  @TestFactory
  Stream<DynamicTest> everyCompositeAgreesWithFiniteDifferences() {
    return CASES.stream().map(k -> DynamicTest.dynamicTest(k.name(),
        () -> GradientChecker.check(k.name(), k.shapes(), k.domains(), k.f(), k.name().hashCode())));
  }
}
