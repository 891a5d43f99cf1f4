package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.source.SourceFile;
import org.junit.jupiter.api.Test;

/**
 * A convolution's bias add is its GEMM's epilogue, as dense's is: the training step calls
 * {@code Convolution.forwardBias} and has no loop of its own for the add (in evaluation and inference,
 * as for dense, the add joins the activation's fused loop instead); with a relu, every entry
 * point calls {@code Convolution.forwardBiasRelu} (passes.ConvEpilogueFusion); a convolution whose
 * output something else reads before the bias keeps both.
 */
class ConvolutionEpilogueTest {
  private static String generated(String body) {
    String text = "model m {\n  input x: f32[B, 6, 6, 2]\n  target y: f32[B, 1]\n" + body
        + "  output p = dense(flatten(h), 1)\n  loss = mse(p, y)\n}\n";
    Compilation c = Frontend.compile(SourceFile.of("m.nn", text));
    assertTrue(c.ok(), c.diagnostics().format());
    return ModelCompiler.generate(c.models().get(0), ModelCompiler.DEFAULT_PACKAGE, "M").source();
  }

  /** How many times the entry points run {@code part}, through the kernel methods they share. */
  private static int count(String text, String part) {
    return GeneratedCalls.runs(text, part);
  }

  @Test
  void theBiasOfEachConvolutionIsAddedByItsProduct() {
    String source = generated("  h = conv2d(x, 4, 3, padding = 1, groups = 2)\n");
    assertTrue(count(source, "Convolution.forwardBias(") >= 1, source);
    assertEquals(0, count(source, "Convolution.forward("), source);
    assertEquals(count(source, "Convolution.forwardBias("), count(source, "(the bias add, computed by the product)"));
  }

  @Test
  void aConvolutionWithAReluIsOneCallInEveryEntryPoint() {
    String source = generated("  h = conv2d(x, 4, 3, padding = 1, groups = 2, act = relu)\n");
    assertEquals(3, count(source, "Convolution.forwardBiasRelu("), source); // training, evaluation, prediction
    assertEquals(0, count(source, "Convolution.forward("), source);
    assertEquals(0, count(source, "Convolution.forwardBias("), source);
    assertEquals(0, count(source, " = max ") + count(source, "max($"), "no relu step of its own:\n" + source);
  }

  @Test
  void aConvolutionReadBeforeItsBiasKeepsTheAddApart() {
    String source = generated("  c = conv2d(x, 4, 3, bias = false)\n  param b: f32[4] = zeros\n"
        + "  h = (c + b) * c\n");
    assertEquals(0, count(source, "Convolution.forwardBias("), source);
    assertTrue(count(source, "Convolution.forward(") >= 2, source);
  }
}
