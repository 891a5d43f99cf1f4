package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.ScalarType;

/**
 * The call of a runtime convolution kernel for CONV, CONV_INPUT_GRAD, CONV_FILTER_GRAD or CONV_BIAS_RELU:
 * {@code Convolution} (im2col and the packed GEMM) in f32, {@code DoubleConvolution} in f64,
 * with the geometry written out as literals (a 1-D convolution as a 2-D one of height 1).
 */
final class ConvEmitter {
  private ConvEmitter() {}

  /**
   * {@code entry} is the kernel's method; {@code image} is the node shaped like the
   * convolution's input [N, in..., C_in], {@code result} the one shaped like its output.
   */
  static CodeBlock emit(String entry, Node node, Node image, Node result, Operand.Array a, Operand.Array b,
      Operand.Array out) {
    return CodeBlock.of("$T.$L($L, $L, $L, $L);\n", kernel(node), entry, a.ref(), b.ref(), out.ref(),
        geometry(node, image, result));
  }

  /** CONV with its bias add as the GEMM's epilogue (f32 only, as the lowering fuses it). */
  static CodeBlock emitBias(Node node, Operand.Array x, Operand.Array w, Operand.Array bias, Operand.Array out) {
    return CodeBlock.of("$T.forwardBias($L, $L, $L, $L, $L);\n", RuntimeTypes.CONVOLUTION, x.ref(), w.ref(),
        bias.ref(), out.ref(), geometry(node, node.input(0), node));
  }

  /** CONV_BIAS_RELU: the convolution with its bias and relu as the GEMM's epilogue (f32 only, as the pass forms it). */
  static CodeBlock emitBiasRelu(Node node, Operand.Array x, Operand.Array w, Operand.Array bias, Operand.Array out) {
    if (node.dtype() != ScalarType.F32) {
      throw new IllegalStateException("conv_bias_relu is formed in f32 only, got " + node);
    }
    return CodeBlock.of("$T.forwardBiasRelu($L, $L, $L, $L, $L);\n", RuntimeTypes.CONVOLUTION, x.ref(), w.ref(),
        bias.ref(), out.ref(), geometry(node, node.input(0), node));
  }

  private static Object kernel(Node node) {
    return node.dtype() == ScalarType.F64 ? RuntimeTypes.DOUBLE_CONVOLUTION : RuntimeTypes.CONVOLUTION;
  }

  private static String geometry(Node node, Node image, Node result) {
    Attrs.Conv c = node.attrs(Attrs.Conv.class);
    int last = c.rank() - 1;
    boolean flat = c.rank() == 1;
    return String.join(", ",
        Sizes.dim(image.shape().dim(0)),
        flat ? "1" : Integer.toString(c.inputSize().get(0)), Integer.toString(c.inputSize().get(last)),
        Integer.toString(image.shape().last()),
        flat ? "1" : Integer.toString(c.outputSize(0)), Integer.toString(c.outputSize(last)),
        Integer.toString(result.shape().last()),
        flat ? "1" : Integer.toString(c.kernel().get(0)), Integer.toString(c.kernel().get(last)),
        flat ? "1" : Integer.toString(c.stride().get(0)), Integer.toString(c.stride().get(last)),
        flat ? "0" : Integer.toString(c.padBefore().get(0)), Integer.toString(c.padBefore().get(last)),
        flat ? "1" : Integer.toString(c.dilation().get(0)), Integer.toString(c.dilation().get(last)),
        Integer.toString(c.groups()));
  }
}
