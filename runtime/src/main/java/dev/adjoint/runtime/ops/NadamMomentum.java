package dev.adjoint.runtime.ops;

/**
 * NAdam's momentum schedule, as torch.optim.NAdam computes it: the momentum of step t (from
 * 1) is μ_t = β1·(1 − ½·0.96^(t·ψ)) with ψ the momentum decay, and the update divides by
 * 1 − Π_{s≤t} μ_s. Generated training steps keep the product in a field, multiplied once per
 * step; after a checkpoint is loaded or the model reset, {@link #product} recomputes it from
 * step 1 in the same order, so the field holds the same bits either way. PyTorch keeps the
 * product in a float32 tensor; here it is a double, which differs from it by float32
 * rounding only.
 */
public final class NadamMomentum {
  private NadamMomentum() {}

  /** μ_t for step t ≥ 1. */
  public static double mu(double beta1, double momentumDecay, long t) {
    return beta1 * (1.0 - 0.5 * Math.pow(0.96, t * momentumDecay));
  }

  /** Π μ_s for s = 1 .. t, multiplied in that order (1 for t = 0). */
  public static double product(double beta1, double momentumDecay, long t) {
    double product = 1;
    for (long s = 1; s <= t; s++) {
      product *= mu(beta1, momentumDecay, s);
    }
    return product;
  }
}
