package dev.adjoint.compiler.frontend;

import static dev.adjoint.compiler.frontend.Programs.assertRejects;
import static dev.adjoint.compiler.frontend.Programs.assertValues;
import static dev.adjoint.compiler.frontend.Programs.graph;
import static dev.adjoint.compiler.frontend.Programs.of;
import static dev.adjoint.compiler.frontend.Programs.row;
import static dev.adjoint.compiler.frontend.Programs.rows;
import static dev.adjoint.compiler.frontend.Programs.run;
import static dev.adjoint.compiler.frontend.Programs.shape;

import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Graph;
import org.junit.jupiter.api.Test;

/** The values of the joining and splitting built-ins, and the unpacking of their tuples. */
class JoinValuesTest {

  private static Evaluation twoRows(String body) {
    Graph g = graph("model t {\n  input x: f64[B, 4]\n" + body + "}\n");
    return run(g).input("x", F64Tensor.matrix(row(1, 2, 3, 4), row(5, 6, 7, 8))).evaluate();
  }

  @Test
  @Covers("concat")
  void concatJoinsATupleAlongAnAxis() {
    assertValues(rows("concat((x, x * 10))", row(1, 2), row(3, 4)), shape(2, 4), 1, 2, 10, 20, 3, 4, 30, 40);
    assertValues(rows("concat((x,), axis = 1)", row(1, 2)), shape(1, 2), 1, 2);
    Evaluation e = twoRows("  output y = concat((reshape(x, (B, 2, 2)), reshape(x * 0, (B, 2, 2))), axis = 1)\n");
    assertValues(e.output("y"), shape(2, 4, 2), 1, 2, 3, 4, 0, 0, 0, 0, 5, 6, 7, 8, 0, 0, 0, 0);
  }

  @Test
  @Covers("stack")
  void stackJoinsAlongANewAxis() {
    assertValues(rows("stack((x, x * 10))", row(1, 2)), shape(1, 2, 2), 1, 10, 2, 20);
    assertValues(rows("stack((x, x * 10), axis = 1)", row(1, 2)), shape(1, 2, 2), 1, 2, 10, 20);
    assertValues(rows("stack((x, x * 10), axis = 0)", row(1, 2)), shape(2, 1, 2), 1, 2, 10, 20);
  }

  @Test
  @Covers("split")
  void splitUnpacksIntoNames() {
    Evaluation e = twoRows("  a, b = split(x, (1, 3))\n  output y = b\n  output z = a\n"
        + "  c, d = split(x, 3)\n  output w = d\n");
    assertValues(e.output("y"), shape(2, 3), 2, 3, 4, 6, 7, 8);
    assertValues(e.output("z"), shape(2, 1), 1, 5);
    assertValues(e.output("w"), shape(2, 1), 4, 8);
  }

  @Test
  @Covers("chunk")
  void chunkCutsIntoNearlyEqualPieces() {
    Evaluation e = twoRows("  a, b = chunk(x, 2)\n  output y = b - a\n  p, q, r = chunk(x, 3)\n"
        + "  output first = p\n  output last = r\n");
    assertValues(e.output("y"), shape(2, 2), 2, 2, 2, 2);
    assertValues(e.output("first"), shape(2, 2), 1, 2, 5, 6); // 4 into 3: the first piece one longer
    assertValues(e.output("last"), shape(2, 1), 4, 8);
  }

  @Test
  @Covers("pad")
  void padWithZerosOrAValue() {
    assertValues(rows("pad(x, ((0, 0), (1, 2)))", row(1, 2)), shape(1, 5), 0, 1, 2, 0, 0);
    assertValues(rows("pad(x, ((0, 0), (0, 1)), value = -1)", row(1, 2), row(3, 4)), shape(2, 3), 1, 2, -1, 3, 4, -1);
    assertValues(rows("pad(x, ((0, 0), (0, 0)), value = 5)", row(1, 2)), shape(1, 2), 1, 2);
  }

  @Test
  @Covers("tile")
  void tileRepeatsWhole() {
    assertValues(rows("tile(x, (1, 3))", row(1, 2)), shape(1, 6), 1, 2, 1, 2, 1, 2);
    Evaluation e = twoRows("  output y = tile(reshape(x, (B, 2, 2)), (1, 2, 1))\n");
    assertValues(e.output("y"), shape(2, 4, 2), 1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 5, 6, 7, 8);
  }

  @Test
  @Covers("repeat_interleave")
  void repeatInterleaveRepeatsEachElement() {
    assertValues(rows("repeat_interleave(x, 2)", row(1, 2, 3)), shape(1, 6), 1, 1, 2, 2, 3, 3);
    Evaluation e = twoRows("  output y = repeat_interleave(reshape(x, (B, 2, 2)), 2, axis = 1)\n");
    assertValues(e.output("y"), shape(2, 4, 2), 1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6, 7, 8, 7, 8);
  }

  @Test
  void aDefReturnsATupleThatUnpacks() {
    Graph g = graph("def halves(v) {\n  return chunk(v, 2)\n}\nmodel t {\n  input x: f64[B, 4]\n"
        + "  lo, hi = halves(x)\n  output y = concat((hi, lo))\n}\n");
    assertValues(run(g).input("x", of(shape(1, 4), 1, 2, 3, 4)).output("y"), shape(1, 4), 3, 4, 1, 2);
  }

  @Test
  void unpackingRefusesInputsAndCountMismatches() {
    assertRejects("model t {\n  input x: f64[B, 4]\n  x, y = chunk(x, 2)\n}\n", "3:3",
        "'x' is an input of the model and cannot be rebound");
    assertRejects("model t {\n  input x: f64[B, 4]\n  a, b = (x, x, x)\n}\n", "3:10",
        "cannot unpack 3 values into 2 names");
  }

  @Test
  void splittingIntoTooManyPiecesIsRefusedBeforeBuildingThem() {
    assertRejects("model t {\n  input x: f32[B, 20000]\n  output y = concat(split(x, 1))\n}\n", "3:21",
        "split(): this would cut axis 1 of f32[B,20000] into 20000 pieces, more than 10,000");
  }
}
