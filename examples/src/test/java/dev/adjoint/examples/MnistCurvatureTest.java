package dev.adjoint.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The curvature example's power iteration converges to an eigenpair of the loss's Hessian:
 * λ positive (near a minimum the top curvature is), the Rayleigh quotients settling, and the
 * vector nearly an eigenvector (|Hv - λv| small against λ).
 */
class MnistCurvatureTest {
  @Test
  void powerIterationOnHessianVectorProductsFindsTheTopEigenvalue() throws Exception {
    Path examples = Path.of(System.getProperty("adjoint.examples", "."));
    MnistCurvature.Result r = MnistCurvature.run(examples, 40);
    for (MnistCurvature.Estimate e : new MnistCurvature.Estimate[] {r.initial(), r.trained()}) {
      assertTrue(e.eigenvalue() > 0, "positive: " + e);
      double last = e.history().get(e.history().size() - 1);
      double before = e.history().get(e.history().size() - 5);
      assertEquals(last, before, 0.02 * last, "settled: " + e.history());
      assertTrue(e.residual() < 0.2, "nearly an eigenvector: " + e);
      for (double quotient : e.history()) {
        assertTrue(quotient <= e.eigenvalue() * 1.02, "power iteration climbs to the top: " + e.history());
      }
    }
  }
}
