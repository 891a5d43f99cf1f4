package dev.adjoint.compiler.frontend;

import static dev.adjoint.compiler.frontend.Programs.assertValues;
import static dev.adjoint.compiler.frontend.Programs.graph;
import static dev.adjoint.compiler.frontend.Programs.of;
import static dev.adjoint.compiler.frontend.Programs.row;
import static dev.adjoint.compiler.frontend.Programs.row1;
import static dev.adjoint.compiler.frontend.Programs.rows;
import static dev.adjoint.compiler.frontend.Programs.run;
import static dev.adjoint.compiler.frontend.Programs.shape;
import static dev.adjoint.compiler.frontend.Programs.vec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Shape;
import org.junit.jupiter.api.Test;

/** The values of the elementwise math, reduction and shape built-ins. */
class MathValuesTest {

  @Test
  @Covers({"exp", "log", "sqrt", "abs", "square"})
  void unaryMath() {
    assertValues(row1("exp(x)", -1, 0, 1, 2), shape(1, 4), 1 / Math.E, 1, Math.E, Math.E * Math.E);
    assertValues(row1("log(x)", Math.E, 1, 0.5, 0), shape(1, 4), 1, 0, -Math.log(2), Double.NEGATIVE_INFINITY);
    assertValues(row1("sqrt(x)", 4, 2, 0, 0.25), shape(1, 4), 2, Math.sqrt(2), 0, 0.5);
    assertValues(row1("abs(x)", -3, 0, 2.5), shape(1, 3), 3, 0, 2.5);
    assertValues(row1("square(x)", -3, 0, 1.5), shape(1, 3), 9, 0, 2.25);
  }

  @Test
  @Covers("pow")
  void powWithANumberExponentOnF32() {
    Graph g = graph("model t {\n  input x: f32[B, 3]\n  output a = pow(x, 2)\n  output b = pow(x, 0.5)\n}\n");
    Evaluation e = run(g).input("x", F64Tensor.matrix(row(4, 0.25, 3))).evaluate();
    assertValues(e.output("a"), shape(1, 3), 16, 0.0625, 9);
    assertValues(e.output("b"), shape(1, 3), 2, 0.5, Math.sqrt(3));
  }

  @Test
  @Covers("pow")
  void powWithANumberExponentOnF64() {
    assertValues(row1("pow(x, 3)", 2, -1.5), shape(1, 2), 8, -3.375);
  }

  @Test
  @Covers("pow")
  void powBroadcastsATensorExponent() {
    Graph g = graph("model t {\n  input x: f64[B, 3]\n  param e: f64[3]\n  output y = pow(x, e)\n}\n");
    F64Tensor y = run(g).input("x", F64Tensor.matrix(row(2, 9, 5), row(3, 16, 7))).param("e", vec(3, 0.5, 0)).output("y");
    assertValues(y, shape(2, 3), 8, 3, 1, 27, 4, 1);
  }

  @Test
  @Covers({"maximum", "minimum"})
  void maximumAndMinimumBroadcast() {
    Graph g = graph("model t {\n  input x: f64[B, 3]\n  param v: f64[3]\n"
        + "  output hi = maximum(x, v)\n  output lo = minimum(v, x)\n"
        + "  output hi0 = maximum(x, 0)\n  output lo0 = minimum(x, 0)\n}\n");
    Evaluation e = run(g).input("x", F64Tensor.matrix(row(-1, 2, 3), row(4, -5, 0))).param("v", vec(0, 1, 10))
        .evaluate();
    assertValues(e.output("hi"), shape(2, 3), 0, 2, 10, 4, 1, 10);
    assertValues(e.output("lo"), shape(2, 3), -1, 1, 3, 0, -5, 0);
    assertValues(e.output("hi0"), shape(2, 3), 0, 2, 3, 4, 0, 0);
    assertValues(e.output("lo0"), shape(2, 3), -1, 0, 0, 0, -5, 0);
  }

  @Test
  @Covers("clip")
  void clipLimitsToTheClosedInterval() {
    assertValues(row1("clip(x, -1, 2)", -5, -1, 0.5, 2, 7), shape(1, 5), -1, -1, 0.5, 2, 2);
    assertValues(row1("clip(x, low = 0.25, high = 0.25)", -5, 7), shape(1, 2), 0.25, 0.25);
    Programs.assertRejects("model t {\n  input x: f64[B, 2]\n  output y = clip(x, 2, 1)\n}\n",
        "3:25", "'high' must not be less than 'low'");
  }

  private static final String CUBE = "model t {\n  input x: f64[B, 2, 3]\n";

  /** x[b, i, j] = 100 b + 10 i + j with a twist: the first row of each sample is negated. */
  private static F64Tensor cube(int batch) {
    double[] v = new double[batch * 6];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          double value = 100 * b + 10 * i + j + 1;
          v[b * 6 + i * 3 + j] = i == 0 ? -value : value;
        }
      }
    }
    return of(shape(batch, 2, 3), v);
  }

  @Test
  @Covers("sum")
  void sumOverAllAxesTuplesNegativeAxesAndKeepdims() {
    Graph g = graph(CUBE + "  output all = sum(x)\n  output inner = sum(x, axis = (1, 2))\n"
        + "  output last = sum(x, axis = -1, keepdims = true)\n  output outer = sum(x, axis = (0, -1))\n"
        + "  output batch = sum(x, axis = 0)\n}\n");
    // sample 0: [[-1, -2, -3], [11, 12, 13]]; sample 1: [[-101, -102, -103], [111, 112, 113]]
    Evaluation e = run(g).input("x", cube(2)).evaluate();
    assertValues(e.output("all"), shape(), 60);
    assertValues(e.output("inner"), shape(2), 30, 30);
    assertValues(e.output("last"), shape(2, 2, 1), -6, 36, -306, 336);
    assertValues(e.output("outer"), shape(2), -312, 372);
    assertValues(e.output("batch"), shape(2, 3), -102, -104, -106, 122, 124, 126);
  }

  @Test
  @Covers("mean")
  void meanOverAxes() {
    Graph g = graph(CUBE + "  output all = mean(x)\n  output inner = mean(x, axis = (2, 1))\n"
        + "  output last = mean(x, axis = -1, keepdims = true)\n  output outer = mean(x, axis = (0, 2))\n"
        + "  output kept = mean(x, axis = (0, 1), keepdims = true)\n}\n");
    Evaluation e = run(g).input("x", cube(2)).evaluate();
    assertValues(e.output("all"), shape(), 5);
    assertValues(e.output("inner"), shape(2), 5, 5);
    assertValues(e.output("last"), shape(2, 2, 1), -2, 12, -102, 112);
    assertValues(e.output("outer"), shape(2), -52, 62);
    assertValues(e.output("kept"), shape(1, 1, 3), 5, 5, 5);
  }

  @Test
  @Covers({"mean", "sum"})
  void meanOfAnEmptyBatchIsZero() {
    Graph g = graph(CUBE + "  output m = mean(x)\n  output s = sum(x)\n  output mb = mean(x, axis = 0)\n"
        + "  output per = mean(x, axis = (1, 2))\n  loss = mean(x)\n}\n");
    Evaluation e = run(g).input("x", cube(0)).evaluate();
    assertValues(e.output("m"), shape(), 0);
    assertValues(e.output("s"), shape(), 0);
    assertValues(e.output("mb"), shape(2, 3), 0, 0, 0, 0, 0, 0);
    assertValues(e.output("per"), shape(0));
    assertEquals(0.0, e.loss().item());
  }

  @Test
  @Covers("max")
  void maxOverAxes() {
    Graph g = graph(CUBE + "  output all = max(x)\n  output rows = max(x, axis = 1)\n"
        + "  output cols = max(x, axis = -1, keepdims = true)\n  output outer = max(x, axis = (0, 2))\n}\n");
    Evaluation e = run(g).input("x", cube(2)).evaluate();
    assertValues(e.output("all"), shape(), 113);
    assertValues(e.output("rows"), shape(2, 3), 11, 12, 13, 111, 112, 113);
    assertValues(e.output("cols"), shape(2, 2, 1), -1, 13, -101, 113);
    assertValues(e.output("outer"), shape(2), -1, 113);
  }

  @Test
  @Covers({"sum", "mean", "max"})
  void reductionsRejectRepeatedOrOutOfRangeAxes() {
    Programs.assertRejects(CUBE + "  output y = sum(x, axis = (1, -2))\n}\n", "3:14", "axis -2 is given twice");
    Programs.assertRejects(CUBE + "  output y = mean(x, axis = 3)\n}\n", "3:14",
        "axis 3 is out of range for f64[B,2,3]");
    Programs.assertRejects(CUBE + "  output y = max(x, axis = -4)\n}\n", "3:14",
        "axis -4 is out of range for f64[B,2,3]");
  }

  @Test
  @Covers("transpose")
  void transposeSwapsTheLastTwoAxesOrPermutes() {
    Graph g = graph(CUBE + "  output t = transpose(x)\n  output p = transpose(x, perm = (2, 0, 1))\n"
        + "  output q = transpose(x, (0, 1, 2))\n}\n");
    Evaluation e = run(g).input("x", cube(1)).evaluate();
    // x[0] = [[-1, -2, -3], [11, 12, 13]]
    assertValues(e.output("t"), shape(1, 3, 2), -1, 11, -2, 12, -3, 13);
    assertValues(e.output("p"), shape(3, 1, 2), -1, 11, -2, 12, -3, 13);
    assertValues(e.output("q"), shape(1, 2, 3), -1, -2, -3, 11, 12, 13);
    Graph two = graph("model t {\n  param w: f64[2, 3]\n  output t = transpose(w)\n}\n");
    assertValues(run(two).param("w", F64Tensor.matrix(row(1, 2, 3), row(4, 5, 6))).output("t"), shape(3, 2),
        1, 4, 2, 5, 3, 6);
  }

  @Test
  @Covers("reshape")
  void reshapeWithBatchAndMinusOne() {
    Graph g = graph(CUBE + "  output flat = reshape(x, (B, 6))\n  output inferred = reshape(x, (B, 3, -1))\n"
        + "  output all = reshape(x, (B, -1))\n}\n");
    Evaluation e = run(g).input("x", cube(2)).evaluate();
    double[] data = cube(2).data();
    assertValues(e.output("flat"), shape(2, 6), data);
    assertValues(e.output("inferred"), shape(2, 3, 2), data);
    assertValues(e.output("all"), shape(2, 6), data);
    assertEquals(Shape.of(Shape.BATCH, 3, 2), g.outputs().get("inferred").shape());
    Graph p = graph("model t {\n  param v: f64[6]\n  output m = reshape(v, (2, -1))\n"
        + "  output c = reshape(v, (-1, 1))\n}\n");
    Evaluation pe = run(p).param("v", vec(1, 2, 3, 4, 5, 6)).evaluate();
    assertValues(pe.output("m"), shape(2, 3), 1, 2, 3, 4, 5, 6);
    assertValues(pe.output("c"), shape(6, 1), 1, 2, 3, 4, 5, 6);
  }

  @Test
  @Covers("reshape")
  void reshapeRejectsSizesThatDoNotDivideOrTwoUnknowns() {
    Programs.assertRejects(CUBE + "  output y = reshape(x, (B, 4, -1))\n}\n", "3:14",
        "(B, 4, -1)", "the sizes do not divide");
    Programs.assertRejects(CUBE + "  output y = reshape(x, (B, -1, -1))\n}\n", "3:14",
        "with at most one -1", "(B, -1, -1)");
    Programs.assertRejects(CUBE + "  output y = reshape(x, (B, 0, 6))\n}\n", "3:14",
        "sizes must be positive", "(B, 0, 6)");
  }

  @Test
  @Covers("reshape")
  void reshapeKeepsTheSamplesOfABatchApart() {
    // [B, 2, 3] as [6, B] would put elements of different samples in one row
    Programs.assertRejects(CUBE + "  output y = reshape(x, (6, B))\n}\n", "3:14",
        "(6, B)", "B must keep the sizes before it");
    Programs.assertRejects(CUBE + "  output y = reshape(x, (2, B, 3))\n}\n", "3:14",
        "(2, B, 3)", "B must keep the sizes before it");
    Programs.assertRejects(CUBE + "  output y = reshape(x, (-1, 3))\n}\n", "3:14",
        "the batch dimension B must stay a dimension of its own");
    Graph g = graph(CUBE + "  t = transpose(x, perm = (1, 0, 2))\n  output y = reshape(t, (2, B, 3, 1))\n}\n");
    // transposed to [2, B, 3]: B may stay behind the leading 2
    F64Tensor y = run(g).input("x", cube(2)).output("y");
    assertValues(y, shape(2, 2, 3, 1), -1, -2, -3, -101, -102, -103, 11, 12, 13, 111, 112, 113);
  }

  @Test
  @Covers({"f32", "f64"})
  void f32RoundsToFloatAndF64Converts() {
    Graph g = graph("model t {\n  input x: f64[B, 3]\n  output a = f32(x)\n  output b = f64(f32(x))\n"
        + "  output c = f64(x)\n}\n");
    Evaluation e = run(g).input("x", F64Tensor.matrix(row(0.1, 1.0 / 3, 1e40))).evaluate();
    assertEquals(ScalarType.F32, g.outputs().get("a").dtype());
    assertEquals(ScalarType.F64, g.outputs().get("b").dtype());
    assertValues(e.output("a"), shape(1, 3), (double) 0.1f, (double) (1.0f / 3), Double.POSITIVE_INFINITY);
    assertEquals((double) 0.1f, e.output("a").get(0, 0));
    assertNotEquals(0.1, e.output("a").get(0, 0));
    assertEquals((double) 0.1f, e.output("b").get(0, 0));
    assertEquals(0.1, e.output("c").get(0, 0));
    Graph i = graph("model t {\n  input n: i32[B]\n  output a = f32(n)\n  output b = f64(n) / 2\n}\n");
    Evaluation ie = run(i).input("n", vec(3, -7, 16777217)).evaluate();
    assertValues(ie.output("a"), shape(3), 3, -7, 16777216);
    assertValues(ie.output("b"), shape(3), 1.5, -3.5, 8388608.5);
  }

  @Test
  @Covers("one_hot")
  void oneHotTakesItsClassCountFromAClassTarget() {
    Graph g = graph("model t {\n  target y: class[B] of 4\n  output o = one_hot(y)\n}\n");
    assertEquals(Shape.of(Shape.BATCH, 4), g.outputs().get("o").shape());
    assertEquals(ScalarType.F32, g.outputs().get("o").dtype());
    assertValues(run(g).input("y", vec(2, 0, 3)).output("o"), shape(3, 4),
        0, 0, 1, 0,
        1, 0, 0, 0,
        0, 0, 0, 1);
    Graph named = graph("model t {\n  target y: class[B] of (\"a\", \"b\", \"c\")\n  output o = one_hot(y)\n}\n");
    assertValues(run(named).input("y", vec(1)).output("o"), shape(1, 3), 0, 1, 0);
  }

  @Test
  @Covers("one_hot")
  void oneHotWithExplicitClassesGivesZerosOutsideTheRange() {
    Graph g = graph("model t {\n  input ids: i32[B, 2]\n  output o = one_hot(ids, classes = 3)\n}\n");
    assertValues(run(g).input("ids", F64Tensor.matrix(row(0, -1), row(3, 2))).output("o"), shape(2, 2, 3),
        1, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 1);
    Programs.assertRejects("model t {\n  input ids: i32[B]\n  output o = one_hot(ids)\n}\n",
        "3:14", "give the number of classes");
  }

  @Test
  void rowsHelperReadsTheRowWidth() {
    // guards the helper the other tests lean on
    assertValues(rows("x * 2", row(1, 2), row(3, 4)), shape(2, 2), 2, 4, 6, 8);
  }
}
