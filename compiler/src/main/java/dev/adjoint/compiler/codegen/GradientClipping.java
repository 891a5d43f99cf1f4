package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.settings.Clipping;
import java.util.List;
import java.util.function.Function;

/**
 * Gradient clipping as the training step applies it, between the backward pass and the
 * update: {@code clip value(limit)} clamps every gradient element to [-limit, limit]
 * ({@code torch.nn.utils.clip_grad_value_}); {@code clip global_norm(max_norm)} scales all
 * gradients by min(1, max_norm / (‖g‖ + 1e-6)), ‖g‖ the L2 norm of every gradient together
 * ({@code clip_grad_norm_}). With both, values are clamped first and the norm is that of the
 * clamped gradients, whatever the order in the train block.
 *
 * <p>Nothing is written back (a gradient may be a constant or share memory, and
 * {@code gradients()} shows the backward pass's values): {@code clip(B)} sums the squares of
 * the (clamped) gradients in double into a field and sets the scale, and each parameter's
 * update loop reads its gradient through {@link #clipped}. Allocation-free.
 */
final class GradientClipping {
  /** clip_grad_norm_'s guard against division by zero. */
  static final double NORM_EPS = 1e-6;

  private final Double limit;
  private final Double maxNorm;

  GradientClipping(List<Clipping> clips) {
    this.limit = bound(clips, c -> c.match(Clipping.ByValue::limit, byNorm -> null));
    this.maxNorm = bound(clips, c -> c.match(byValue -> null, Clipping.GlobalNorm::maxNorm));
  }

  /** The bound of the clipping of one kind, null when the block has none of that kind. */
  private static Double bound(List<Clipping> clips, Function<Clipping, Double> ofKind) {
    Double out = null;
    for (Clipping c : clips) {
      Double b = ofKind.apply(c);
      out = b != null ? b : out;
    }
    return out;
  }

  /** Whether the step needs {@code clip(B)}: a global norm to compute before any update. */
  boolean byNorm() {
    return maxNorm != null;
  }

  /**
   * Before an update loop: the scale (read as {@code scaleField}, {@code this.clipScale}) as a
   * local {@code scale} of the parameter's dtype, so that the loop multiplies in that dtype;
   * null without global-norm clipping.
   */
  String hoistScale(ScalarType dtype, String scaleField) {
    if (maxNorm == null) {
      return null;
    }
    return dtype == ScalarType.F32 ? "float scale = (float) " + scaleField : "double scale = " + scaleField;
  }

  /** A gradient element as the update uses it: clamped, then times the hoisted {@code scale}. */
  String clipped(String gradient, ScalarType dtype) {
    String g = clamped(gradient, dtype);
    return maxNorm == null ? g : g + " * scale";
  }

  private String clamped(String gradient, ScalarType dtype) {
    if (limit == null) {
      return gradient;
    }
    return "Math.max(" + JavaText.literal(-limit, dtype) + ", Math.min(" + JavaText.literal(limit, dtype) + ", "
        + gradient + "))";
  }

  /**
   * The body of one gradient's part of the norm: its clamped squares summed in double into
   * the field, read as {@code squaresField} ({@code this.gradientSquares}).
   */
  CodeBlock squares(String gradient, ScalarType dtype, String size, String squaresField) {
    return CodeBlock.builder()
        .addStatement("double sum = 0")
        .beginControlFlow("for (int i = 0; i < $L; i++)", size)
        .addStatement("double g = $L", clamped(gradient, dtype))
        .addStatement("sum += g * g")
        .endControlFlow()
        .addStatement("$L += sum", squaresField)
        .build();
  }

  /** After every gradient's squares: the norm, and the scale the update loops apply. */
  CodeBlock scale(String squaresField, String normField, String scaleField) {
    return CodeBlock.builder()
        .addStatement("this.$L = Math.sqrt(this.$L)", normField, squaresField)
        .addStatement("this.$L = Math.min(1.0, $L / (this.$L + $L))", scaleField, JavaText.doubleLiteral(maxNorm),
            normField, JavaText.doubleLiteral(NORM_EPS))
        .build();
  }

  /** The clipping as a comment: {@code value(5), then global_norm(1)}. */
  String describe() {
    if (limit == null && maxNorm == null) {
      return "";
    }
    String value = limit == null ? "" : "value(" + limit + ")";
    String norm = maxNorm == null ? "" : "global_norm(" + maxNorm + ")";
    return value.isEmpty() ? norm : norm.isEmpty() ? value : value + ", then " + norm;
  }
}
