package dev.adjoint.compiler.frontend;

import static dev.adjoint.compiler.frontend.Programs.assertValues;
import static dev.adjoint.compiler.frontend.Programs.row1;
import static dev.adjoint.compiler.frontend.Programs.rows;
import static dev.adjoint.compiler.frontend.Programs.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.ScalarType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The values of the comparison and logical operators, where, masked_mean, argmax, argmin and take_along_axis. */
class SelectionValuesTest {

  @Test
  void comparisonsGiveMasks() {
    double[] x = {-1, 0, 2};
    assertValues(row1("x < 0", x), shape(1, 3), 1, 0, 0);
    assertValues(row1("x <= 0", x), shape(1, 3), 1, 1, 0);
    assertValues(row1("x > 0", x), shape(1, 3), 0, 0, 1);
    assertValues(row1("x >= 0", x), shape(1, 3), 0, 1, 1);
    assertValues(row1("x == 2", x), shape(1, 3), 0, 0, 1);
    assertValues(row1("x != 2", x), shape(1, 3), 1, 1, 0);
    assertValues(row1("0 < x", x), shape(1, 3), 0, 0, 1);
    // below + and -: x + 1 > 0 compares the sum
    assertValues(row1("x + 1 > 0", x), shape(1, 3), 0, 1, 1);
  }

  @Test
  void logicalOperatorsCombineMasks() {
    double[] x = {-1, 0, 2};
    assertValues(row1("x >= 0 and x < 1", x), shape(1, 3), 0, 1, 0);
    assertValues(row1("x < 0 or x > 1", x), shape(1, 3), 1, 0, 1);
    assertValues(row1("not x > 0", x), shape(1, 3), 1, 1, 0);
    // not binds looser than comparisons, and tighter than and, which binds tighter than or
    assertValues(row1("not x > 0 and x < 0 or x == 2", x), shape(1, 3), 1, 0, 1);
  }

  @Test
  void comparingIntegersGivesAFloatMask() {
    String text = "model t {\n  input k: i32[B, 3]\n  output y = k == 1\n}\n";
    assertEquals(ScalarType.F32, Programs.graph(text).outputs().get("y").dtype());
  }

  @Test
  void constantsFoldToBooleans() {
    assertValues(row1("sum(x, axis = 1, keepdims = 3 > 2 and not 1 == 2)", 1, 2), shape(1, 1), 3);
    assertValues(row1("sum(x, axis = 1, keepdims = 1 >= 2 or 2 != 2)", 1, 2), shape(1), 3);
  }

  @Test
  @Covers("where")
  void whereChoosesPerElement() {
    assertValues(row1("where(x > 0, x, -x)", -1, 0, 2), shape(1, 3), 1, 0, 2);
    assertValues(row1("where(x > 0, 1, 0)", -1, 3), shape(1, 2), 0, 1);
    assertValues(rows("where(x > 0, x, 0)", new double[] {4, -4}, new double[] {-2, 2}),
        shape(2, 2), 4, 0, 0, 2);
  }

  @Test
  @Covers("masked_mean")
  void maskedMeanAveragesTheKeptEntries() {
    assertValues(row1("masked_mean(x, x > 0)", -5, 2, 4), shape(), 3);
    assertValues(row1("masked_mean(x, x > 10)", -5, 2, 4), shape(), 0);
    assertValues(row1("masked_mean(x, x > 0 or x < -4)", -5, 2, 4), shape(), 1.0 / 3);
  }

  @Test
  @Covers({"argmax", "argmin"})
  void argmaxAndArgminTakeTheFirstOnATie() {
    assertValues(rows("f64(argmax(x, axis = 1))", new double[] {1, 3, 3}, new double[] {-1, -2, -3}), shape(2), 1, 0);
    assertValues(rows("f64(argmin(x, axis = -1))", new double[] {1, 3, 0}, new double[] {-1, -2, -2}), shape(2), 2, 1);
    assertValues(rows("f64(argmax(x, axis = 0, keepdims = true))", new double[] {1, 5}, new double[] {2, 5}),
        shape(1, 2), 1, 0);
  }

  @Test
  void argmaxGivesIndicesThatCompareWithClasses() {
    String text = "model t {\n  input x: f64[B, 3]\n  target y: class[B] of 3\n  output hit = argmax(x, 1) == y\n}\n";
    F64Tensor hit = Programs.run(Programs.graph(text)).input("x", F64Tensor.matrix(new double[] {0, 2, 1},
        new double[] {5, 1, 1})).input("y", F64Tensor.vector(1, 2)).output("hit");
    assertValues(hit, shape(2), 1, 0);
  }

  @Test
  @Covers({"take_along_axis", "gather"})
  void takeAlongAxisPicksByIndex() {
    String text = "model t {\n  input x: f64[B, 3]\n  input i: i32[B, 2]\n  output y = take_along_axis(x, i, 1)\n"
        + "  output z = gather(x, i, axis = -1)\n}\n";
    Programs.Run run = Programs.run(Programs.graph(text)).input("x", F64Tensor.matrix(new double[] {10, 20, 30},
        new double[] {-1, -2, -3})).input("i", F64Tensor.matrix(new double[] {2, 0}, new double[] {1, 7}));
    assertValues(run.output("y"), shape(2, 2), 30, 10, -2, 0);
    assertValues(run.output("z"), shape(2, 2), 30, 10, -2, 0);
    String middle = "model t {\n  input x: f64[B, 3, 2]\n  input i: i32[B, 1, 2]\n  output y = take_along_axis(x, i, 1)\n}\n";
    F64Tensor x = F64Tensor.of(new int[] {1, 3, 2}, new double[] {1, 2, 3, 4, 5, 6});
    F64Tensor i = F64Tensor.of(new int[] {1, 1, 2}, new double[] {2, 1});
    assertValues(Programs.run(Programs.graph(middle)).input("x", x).input("i", i).output("y"), shape(1, 1, 2), 5, 4);
  }

  @Test
  void misuseIsAnErrorAtItsPlace() {
    Programs.assertRejects("model t {\n  input x: f32[B, 2]\n  output y = where(x, x, 0)\n}\n", "3:20",
        "where(): 'cond' must be a mask");
    Programs.assertRejects("model t {\n  input x: f32[B, 2]\n  output y = x < x < x\n}\n", "3:20",
        "comparisons do not chain");
    Programs.assertRejects("model t {\n  input x: f32[B, 2]\n  output y = (x > 0) and x\n}\n", "3:22",
        "'and' combines masks, and its right operand");
    Compilation c = Programs.compile("model t {\n  input x: f32[B, 2]\n  output y = (x > 0) and (x < 1)\n}\n");
    assertEquals(List.of(), c.diagnostics().all());
  }
}
