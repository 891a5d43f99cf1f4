package dev.adjoint.compiler.frontend;

import static dev.adjoint.compiler.frontend.Programs.assertRejects;
import static dev.adjoint.compiler.frontend.Programs.assertValues;
import static dev.adjoint.compiler.frontend.Programs.graph;
import static dev.adjoint.compiler.frontend.Programs.of;
import static dev.adjoint.compiler.frontend.Programs.run;
import static dev.adjoint.compiler.frontend.Programs.shape;
import static dev.adjoint.compiler.frontend.Programs.vec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Init;
import dev.adjoint.compiler.ir.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The convolution layers on small channels-last inputs worked out by hand, their parameters and their misuse. */
class ConvValuesTest {
  /** x[1, 3, 3, 1] = 1..9 row by row. */
  private static final double[] NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

  private static List<String> paramShapes(Graph g) {
    return g.params().stream().map(p -> p.sourceName() + " " + p.shape()).toList();
  }

  @Test
  @Covers("conv2d")
  void conv2dSamePaddingBiasAndRelu() {
    Graph g = graph("model t {\n  input x: f64[B, 3, 3, 1]\n"
        + "  output y = conv2d(x, 1, 3, padding = \"same\", act = relu)\n}\n");
    assertEquals(List.of("y.W " + Shape.of(3, 3, 1, 1), "y.b " + Shape.of(1)), paramShapes(g));
    double[] ones = new double[9];
    java.util.Arrays.fill(ones, 1);
    // the sums of each 3x3 neighbourhood (12, 21, 16, 27, 45, 33, 24, 39, 28) less 20, through relu
    assertValues(run(g).input("x", of(shape(1, 3, 3, 1), NINE)).param("y.W", of(shape(3, 3, 1, 1), ones))
        .param("y.b", vec(-20)).output("y"), shape(1, 3, 3, 1), 0, 1, 0, 7, 25, 13, 4, 19, 8);
  }

  @Test
  @Covers("conv2d")
  void conv2dPaddingStrideAndGroupsShapeTheOutputAndFilters() {
    Graph g = graph("model t {\n  input x: f64[B, 7, 5, 4]\n"
        + "  output a = conv2d(x, 6, (3, 2), stride = 2, padding = (1, 0))\n"
        + "  output v = conv2d(x, 2, 3, padding = \"valid\", dilation = (1, 2), groups = 2, bias = false)\n}\n");
    assertEquals(List.of("a.W " + Shape.of(3, 2, 4, 6), "a.b " + Shape.of(6), "v.W " + Shape.of(3, 3, 2, 2)),
        paramShapes(g));
    assertEquals(Shape.of(Shape.BATCH, 4, 2, 6), g.outputs().get("a").shape());
    assertEquals(Shape.of(Shape.BATCH, 5, 1, 2), g.outputs().get("v").shape());
  }

  @Test
  @Covers("conv1d")
  void conv1dStridedWithoutBias() {
    Graph g = graph("model t {\n  input x: f64[B, 5, 1]\n  output y = conv1d(x, 2, 2, stride = 2, bias = false)\n}\n");
    assertEquals(List.of("y.W " + Shape.of(2, 1, 2)), paramShapes(g));
    // filter 0 adds both taps, filter 1 takes the first less the second: windows (1, 2) and (3, 4)
    Evaluation e = run(g).input("x", of(shape(1, 5, 1), 1, 2, 3, 4, 5)).param("y.W", of(shape(2, 1, 2), 1, 1, 1, -1))
        .evaluate();
    assertValues(e.output("y"), shape(1, 2, 2), 3, -1, 7, -1);
  }

  @Test
  @Covers("conv1d")
  void defaultInitializerFollowsTheActivation() {
    Graph g = graph("model t {\n  input x: f64[B, 8, 3]\n  output r = conv1d(x, 4, 3, act = relu)\n"
        + "  output s = conv1d(x, 4, 3, act = tanh)\n}\n");
    assertEquals(Init.Kind.HE_UNIFORM, ((Attrs.Param) g.params().get(0).attrs()).init().kind());
    assertEquals(Init.Kind.GLOROT_UNIFORM, ((Attrs.Param) g.params().get(2).attrs()).init().kind());
  }

  @Test
  @Covers("conv2d")
  void misuseIsReportedAtTheArgument() {
    String image = "model t {\n  input x: f32[B, 6, 6, 4]\n  output y = ";
    assertRejects(image + "conv2d(x, 8, 3, groups = 3)\n}\n", "3:30", "4 input channels", "divisible by groups = 3");
    assertRejects(image + "conv2d(x, 8, 7)\n}\n", "3:27", "kernel [7, 7]", "padded input's 6");
    assertRejects(image + "conv2d(x, 8, 3, padding = \"full\")\n}\n", "3:30", "\"same\" or \"valid\"");
    assertRejects(image + "conv2d(x, 8, 3, stride = 2, padding = \"same\")\n}\n", "3:42", "needs stride 1");
    assertRejects(image + "conv2d(x, 8, (3, 0))\n}\n", "3:27", "kernel must be positive");
    assertRejects(image + "conv2d(x, 8, 3, padding = -1)\n}\n", "3:30", "padding must be 0 or more");
    assertRejects(image + "conv2d(x, 8, (1, 2, 3))\n}\n", "3:27", "one integer or 2");
    assertRejects("model t {\n  input x: f32[B, 6]\n  output y = conv2d(x, 8, 3)\n}\n", "3:14",
        "[B, H, W, C]", "f32[B,6]");
  }

  @Test
  void filterCountMustBePositive() {
    assertRejects("model t {\n  input x: f32[B, 6, 2]\n  output y = conv1d(x, 0, 3)\n}\n", "3:24", "positive");
  }

  /** x = (1, 2) by taps (1, 10, 100) at stride 2: each input lays a scaled copy of the filter, 2 apart. */
  @Test
  @Covers("conv_transpose1d")
  void convTranspose1dLaysOneCopyOfTheFilterPerInput() {
    String head = "model t {\n  input x: f64[B, 2, 1]\n  output y = ";
    double[] taps = {1, 10, 100};
    Graph full = graph(head + "conv_transpose1d(x, 1, 3, stride = 2, bias = false)\n}\n");
    assertEquals(List.of("y.W " + Shape.of(3, 1, 1)), paramShapes(full));
    assertValues(run(full).input("x", of(shape(1, 2, 1), 1, 2)).param("y.W", of(shape(3, 1, 1), taps)).output("y"),
        shape(1, 5, 1), 1, 10, 102, 20, 200);
    // padding crops both ends; output_padding gives back one element at the end
    Graph cropped = graph(head + "conv_transpose1d(x, 1, 3, stride = 2, padding = 1, bias = false)\n}\n");
    assertValues(run(cropped).input("x", of(shape(1, 2, 1), 1, 2)).param("y.W", of(shape(3, 1, 1), taps))
        .output("y"), shape(1, 3, 1), 10, 102, 20);
    Graph extra = graph(head + "conv_transpose1d(x, 1, 3, stride = 2, padding = 1, output_padding = 1, "
        + "bias = false)\n}\n");
    assertValues(run(extra).input("x", of(shape(1, 2, 1), 1, 2)).param("y.W", of(shape(3, 1, 1), taps))
        .output("y"), shape(1, 4, 1), 10, 102, 20, 200);
  }

  /** The output size of PyTorch's ConvTranspose2d, the filters [kh, kw, filters / groups, C] and the bias. */
  @Test
  @Covers("conv_transpose2d")
  void convTranspose2dShapesFollowPyTorch() {
    Graph g = graph("model t {\n  input x: f32[B, 7, 5, 4]\n"
        + "  output a = conv_transpose2d(x, 6, (3, 2), stride = 2, padding = (1, 0), output_padding = (1, 0))\n"
        + "  output d = conv_transpose2d(x, 2, 3, dilation = 2, groups = 2, act = relu)\n}\n");
    assertEquals(List.of("a.W " + Shape.of(3, 2, 6, 4), "a.b " + Shape.of(6), "d.W " + Shape.of(3, 3, 1, 4),
        "d.b " + Shape.of(2)), paramShapes(g));
    // (7 - 1)·2 - 2 + 2 + 1 + 1 = 14 and (5 - 1)·2 + 1 + 1 = 10; with dilation 2: 7 + 4 = 11, 5 + 4 = 9
    assertEquals(Shape.of(Shape.BATCH, 14, 10, 6), g.outputs().get("a").shape());
    assertEquals(Shape.of(Shape.BATCH, 11, 9, 2), g.outputs().get("d").shape());
    assertEquals(Init.Kind.HE_UNIFORM, ((Attrs.Param) g.params().get(2).attrs()).init().kind());
  }

  @Test
  @Covers("conv_transpose2d")
  void convTransposeMisuseIsReportedAtTheArgument() {
    String image = "model t {\n  input x: f32[B, 3, 3, 4]\n  output y = ";
    assertRejects(image + "conv_transpose2d(x, 6, 3, groups = 4)\n}\n", "3:40", "6 filters", "groups = 4");
    assertRejects(image + "conv_transpose2d(x, 6, 3, stride = 2, output_padding = 2)\n}\n", "3:52",
        "output_padding [2, 2] must be smaller than the stride [2, 2]");
    assertRejects(image + "conv_transpose2d(x, 6, 3, padding = 3)\n}\n", "3:40", "padding [3, 3] leaves an output "
        + "of -1 elements along H");
    assertRejects(image + "conv_transpose2d(x, 6, 3, padding = \"same\")\n}\n", "3:50", "padding", "integer or a tuple");
    assertRejects("model t {\n  input x: f32[B, 6, 2]\n  output y = conv_transpose2d(x, 8, 3)\n}\n", "3:14",
        "[B, H, W, C]");
  }
}
