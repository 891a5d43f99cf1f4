package dev.adjoint.compiler.interp;

import static dev.adjoint.compiler.interp.Fixtures.assertValues;
import static dev.adjoint.compiler.interp.Fixtures.dims;
import static dev.adjoint.compiler.interp.Fixtures.eval;
import static dev.adjoint.compiler.interp.Fixtures.input;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GATHER, SCATTER_ADD and ONE_HOT, including padding ids, repeated ids and ids out of range. */
class IndexingOpsTest {
  private final NodeBuilder gb = Fixtures.builder();
  private final Node table = input("table", ScalarType.F64, 4, 2);
  private final F64Tensor tableValues = F64Tensor.of(dims(4, 2), 1, 2, 3, 4, 5, 6, 7, 8);

  @Test
  void gatherRowsWithAPaddingId() {
    Node ids = input("ids", ScalarType.I32, 3);
    F64Tensor out = eval(gb.gather(table, ids), Map.of("table", tableValues, "ids", F64Tensor.vector(2, -1, 0)));
    assertValues(out, dims(3, 2), 5, 6, 0, 0, 1, 2);
  }

  @Test
  void gatherWithRank2Ids() {
    Node ids = input("ids", ScalarType.I32, 2, 2);
    F64Tensor out = eval(gb.gather(table, ids),
        Map.of("table", tableValues, "ids", F64Tensor.of(dims(2, 2), 3, 3, -1, 1)));
    assertValues(out, dims(2, 2, 2), 7, 8, 7, 8, 0, 0, 3, 4);
  }

  @Test
  void gatherIdOutOfRangeIsAnError() {
    Node big = input("big", ScalarType.F64, 10, 2);
    Node ids = input("ids", ScalarType.I32, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> eval(gb.gather(big, ids),
        Map.of("big", F64Tensor.zeros(10, 2), "ids", F64Tensor.vector(1, 12))));
    assertTrue(e.getMessage().contains("id 12 out of range for a table of 10 rows"), e.getMessage());
    assertTrue(e.getMessage().contains("gather at <test>:1:1"), e.getMessage());
  }

  @Test
  void scatterAddAccumulatesRepeatedIdsAndSkipsNegativeOnes() {
    Node ids = input("ids", ScalarType.I32, 4);
    Node updates = input("u", ScalarType.F64, 4, 2);
    F64Tensor out = eval(gb.scatterAdd(ids, updates, Shape.of(4, 2)), Map.of(
        "ids", F64Tensor.vector(1, 3, 1, -1),
        "u", F64Tensor.of(dims(4, 2), 1, 2, 10, 20, 100, 200, 5, 5)));
    assertValues(out, dims(4, 2), 0, 0, 101, 202, 0, 0, 10, 20);
  }

  @Test
  void scatterAddIdOutOfRangeIsAnError() {
    Node ids = input("ids", ScalarType.I32, 1);
    Node updates = input("u", ScalarType.F64, 1, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> eval(gb.scatterAdd(ids, updates, Shape.of(3, 2)),
            Map.of("ids", F64Tensor.vector(3), "u", F64Tensor.of(dims(1, 2), 1, 1))));
    assertTrue(e.getMessage().contains("id 3 out of range for a table of 3 rows"), e.getMessage());
  }

  @Test
  void oneHotGivesZeroRowsOutsideTheClasses() {
    Node ids = input("ids", ScalarType.I32, 4);
    F64Tensor out = eval(gb.oneHot(ids, 3, ScalarType.F32), Map.of("ids", F64Tensor.vector(0, 2, 3, -1)));
    assertValues(out, dims(4, 3), 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0);
  }

  @Test
  void indexingOverAnEmptyBatch() {
    Node ids = input("ids", ScalarType.I32, Shape.BATCH);
    F64Tensor none = F64Tensor.zeros(0);
    assertValues(eval(gb.gather(table, ids), Map.of("table", tableValues, "ids", none)), dims(0, 2));
    assertValues(eval(gb.oneHot(ids, 3, ScalarType.F64), Map.of("ids", none)), dims(0, 3));
  }
}
