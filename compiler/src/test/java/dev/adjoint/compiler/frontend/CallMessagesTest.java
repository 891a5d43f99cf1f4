package dev.adjoint.compiler.frontend;

import static dev.adjoint.compiler.frontend.Programs.errorMessages;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An error in a call names the function once: {@code transpose(): ...}, or {@code swiglu()
 * splits ...} when the function is the subject, never {@code transpose(): transpose: ...}.
 */
class CallMessagesTest {

  private static String error(String statement) {
    List<String> errors = errorMessages("model m {\n  input x: f32[B, 3]\n  input i: i32[B, 3]\n  target c: class[B] of 3\n  "
        + statement + "\n}\n");
    assertEquals(1, errors.size(), errors.toString());
    return errors.get(0);
  }

  @Test
  void eachMessageHasOnePrefix() {
    assertEquals("transpose(): [1, 0, 2] is not a permutation of the axes of [B,3]",
        error("output p = transpose(x, perm = (1, 0, 2))"));
    assertEquals("transpose() needs at least two dimensions, got f32[]", error("output p = transpose(sum(x))"));
    assertEquals("swiglu() splits the last dimension in two halves, so it must be even; got f32[B,3]",
        error("output p = swiglu(x)"));
    assertEquals("one_hot() needs class indices (i32 or a class target), got f32[B,3]", error("output p = one_hot(x)"));
    assertEquals("hinge() takes labels -1 and +1 or a class target of 2 classes, got 3 classes",
        error("output p = hinge(x, c)"));
    assertEquals("reshape(): the sizes must be positive, with at most one -1, got (B, -1, -1)",
        error("output p = reshape(x, (B, -1, -1))"));
    for (String layer : new String[] {"dense(i, 3)", "layer_norm(i)", "dropout(i)"}) {
      String name = layer.substring(0, layer.indexOf('('));
      assertEquals(name + "(): the input must be floating point, got i32[B,3]; convert it with f32(...)",
          error("output p = " + layer));
    }
  }

  @Test
  void theOpNameOfAShapeMessageGoes() {
    assertEquals("transpose(): [1,0] is not a permutation", Checks.inCall("transpose", "transpose: [1,0] is not a"
        + " permutation"));
    assertEquals("dense(): leading dimensions differ", Checks.inCall("dense", "matmul (aᵀ·b): leading dimensions differ"));
    assertEquals("exp() needs a floating-point input, got i32", Checks.inCall("exp", "exp needs a floating-point input,"
        + " got i32"));
    assertEquals("dense(): matmul needs two operands", Checks.inCall("dense", "matmul needs two operands"));
    assertEquals("sum(): axis 5 is out of range", Checks.inCall("sum", "axis 5 is out of range"));
  }
}
