package dev.adjoint.compiler.settings;

import dev.adjoint.compiler.source.SourceSpan;

/**
 * A penalty of {@code regularize}: λ·Σ|w| ({@code l1}) or λ·Σw² ({@code l2}) over the
 * parameters {@code on} selects, added to the loss before differentiation.
 *
 * @param span the call in the train block, which the penalty's graph nodes point at
 */
public record Regularizer(Norm norm, double strength, ParamSelection on, SourceSpan span) {

  /** Which norm of the weights the penalty takes. */
  public enum Norm {
    L1("l1"),
    L2("l2");

    private final String text;

    Norm(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** {@code l2(strength=1e-4, on=("weights", "embeddings"))}. */
  @Override
  public String toString() {
    return OptionText.call(norm.text()).number("strength", strength).shown("on", on).toString();
  }
}
