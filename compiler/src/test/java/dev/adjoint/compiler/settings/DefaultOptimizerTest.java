package dev.adjoint.compiler.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.frontend.trainblock.TrainOptions;
import dev.adjoint.compiler.golden.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * A model without a train block trains with {@code sgd} at its documented defaults: one
 * learning rate, the same in the option table, the records, the compiled model and the docs.
 */
class DefaultOptimizerTest {
  private static final String NO_TRAIN_BLOCK = "model plain {\n  input x: f32[B, 2]\n  target y: f32[B, 1]\n"
      + "  output p = dense(x, 1)\n  loss = mse(p, y)\n}\n";

  @Test
  void aModelWithoutATrainBlockTrainsWithSgdAtItsDefaults() {
    assertSame(Optimizer.Sgd.DEFAULTS, Optimizer.DEFAULT);
    assertEquals(1e-3, Optimizer.DEFAULT.lr(), "torch.optim.SGD's default learning rate");
    assertEquals(new Value.Real(Optimizer.DEFAULT.lr()), TrainOptions.OPTIMIZERS.get("sgd").param("lr").defaultValue(),
        "the option table's default of sgd(lr = ...)");
    assertEquals(Optimizer.DEFAULT.lr(), Adjoint.compile("plain.nn", NO_TRAIN_BLOCK).newModel(1).learningRate(),
        "the compiled model's learning rate");
  }

  @Test
  void theLanguageDocumentSaysSo() throws IOException {
    String doc = Files.readString(Golden.repo().resolve("docs/language.md"), StandardCharsets.UTF_8);
    assertTrue(doc.contains("A model without a train block trains with `sgd` at its defaults (`lr = "
        + OptionText.number(Optimizer.DEFAULT.lr()) + "`)"), "docs/language.md, section 14, states the default");
  }
}
