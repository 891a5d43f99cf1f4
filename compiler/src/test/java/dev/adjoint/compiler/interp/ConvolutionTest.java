package dev.adjoint.compiler.interp;

import static dev.adjoint.compiler.interp.Fixtures.assertValues;
import static dev.adjoint.compiler.interp.Fixtures.dims;
import static dev.adjoint.compiler.interp.Fixtures.eval;
import static dev.adjoint.compiler.interp.Fixtures.input;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ScalarType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CONV and its two cotangent ops against results worked out by hand (channels last). */
class ConvolutionTest {
  private final NodeBuilder gb = Fixtures.builder();
  /** x[1, 3, 3, 1] = 1..9 row by row. */
  private final F64Tensor nine = F64Tensor.of(dims(1, 3, 3, 1), 1, 2, 3, 4, 5, 6, 7, 8, 9);

  private static Attrs.Conv attrs(List<Integer> in, List<Integer> kernel, int stride, int pad, int dilation,
      int groups) {
    List<Integer> s = in.size() == 1 ? List.of(stride) : List.of(stride, stride);
    List<Integer> p = in.size() == 1 ? List.of(pad) : List.of(pad, pad);
    List<Integer> d = in.size() == 1 ? List.of(dilation) : List.of(dilation, dilation);
    return new Attrs.Conv(kernel, s, p, p, d, groups, in);
  }

  private F64Tensor apply(Op op, F64Tensor a, F64Tensor b, Attrs.Conv attrs) {
    Node na = input("a", ScalarType.F64, a.shape());
    Node nb = input("b", ScalarType.F64, b.shape());
    return eval(gb.node(op, List.of(na, nb), attrs), Map.of("a", a, "b", b));
  }

  @Test
  void differenceKernelWithoutPadding() {
    // w[0,0] = 1, w[1,1] = -1: y[h, w] = x[h, w] - x[h + 1, w + 1] = -4 everywhere
    F64Tensor w = F64Tensor.of(dims(2, 2, 1, 1), 1, 0, 0, -1);
    assertValues(apply(Op.CONV, nine, w, attrs(List.of(3, 3), List.of(2, 2), 1, 0, 1, 1)), dims(1, 2, 2, 1),
        -4, -4, -4, -4);
  }

  @Test
  void paddingAndStrideTakeTheTapsInsideTheImage() {
    // 2x2 ones, padding 1, stride 2: windows {1}, {2,3}, {4,7}, {5,6,8,9}
    F64Tensor ones = F64Tensor.of(dims(2, 2, 1, 1), 1, 1, 1, 1);
    assertValues(apply(Op.CONV, nine, ones, attrs(List.of(3, 3), List.of(2, 2), 2, 1, 1, 1)), dims(1, 2, 2, 1),
        1, 5, 11, 28);
  }

  @Test
  void dilationSpreadsTheTaps() {
    // 1-D, kernel 2 dilated by 2 over 1..5: y[l] = x[l] + 10·x[l + 2]
    F64Tensor x = F64Tensor.of(dims(1, 5, 1), 1, 2, 3, 4, 5);
    F64Tensor w = F64Tensor.of(dims(2, 1, 1), 1, 10);
    assertValues(apply(Op.CONV, x, w, attrs(List.of(5), List.of(2), 1, 0, 2, 1)), dims(1, 3, 1), 31, 42, 53);
  }

  @Test
  void groupsConvolveTheirOwnChannels() {
    // two channels, two groups, 1x1 filters [1, 1, 1, 2] = (2, 3): each channel scaled by its own filter
    F64Tensor x = F64Tensor.of(dims(1, 1, 2, 2), 1, 10, 2, 20);
    F64Tensor w = F64Tensor.of(dims(1, 1, 1, 2), 2, 3);
    assertValues(apply(Op.CONV, x, w, attrs(List.of(1, 2), List.of(1, 1), 1, 0, 1, 2)), dims(1, 1, 2, 2),
        2, 30, 4, 60);
  }

  @Test
  void inputGradientIsTheTransposedConvolution() {
    // dy = 1 on the 2x2 output of a 2x2 ones kernel over 3x3: each input counts the windows that cover it
    F64Tensor dy = F64Tensor.of(dims(1, 2, 2, 1), 1, 1, 1, 1);
    F64Tensor ones = F64Tensor.of(dims(2, 2, 1, 1), 1, 1, 1, 1);
    assertValues(apply(Op.CONV_INPUT_GRAD, dy, ones, attrs(List.of(3, 3), List.of(2, 2), 1, 0, 1, 1)),
        dims(1, 3, 3, 1), 1, 2, 1, 2, 4, 2, 1, 2, 1);
  }

  @Test
  void filterGradientSumsTheWindows() {
    // dy = 1 everywhere: dw[i, j] = the sum of the 2x2 block of x starting at (i, j)
    F64Tensor dy = F64Tensor.of(dims(1, 2, 2, 1), 1, 1, 1, 1);
    assertValues(apply(Op.CONV_FILTER_GRAD, nine, dy, attrs(List.of(3, 3), List.of(2, 2), 1, 0, 1, 1)),
        dims(2, 2, 1, 1), 12, 16, 24, 28);
  }
}
