package dev.adjoint.compiler.onnx;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.onnx.OnnxModel.Attribute;
import java.util.ArrayList;
import java.util.List;

/**
 * A channels-last convolution ({@code x [B, S..., C]}, filters {@code [k..., C/groups, O]}) as
 * ONNX's channels-first Conv: the input and filters transposed in, the result transposed back.
 */
final class ConvExport {
  private ConvExport() {}

  static String conv(OnnxModel model, Node n, String x, String w) {
    Attrs.Conv c = n.attrs(Attrs.Conv.class);
    String doc = n.span().shortLocation();
    int rank = c.rank() + 2;
    String first = model.node("Transpose", doc, List.of(x), Attribute.ints("perm", channelsFirst(rank)));
    String filters = model.node("Transpose", doc, List.of(w), Attribute.ints("perm", filtersFirst(rank)));
    List<Integer> pads = new ArrayList<>(c.padBefore());
    pads.addAll(c.padAfter());
    String y = model.node("Conv", doc, List.of(first, filters), Attribute.ints("kernel_shape", c.kernel()),
        Attribute.ints("strides", c.stride()), Attribute.ints("pads", pads), Attribute.ints("dilations", c.dilation()),
        Attribute.of("group", (long) c.groups()));
    return model.node("Transpose", doc, List.of(y), Attribute.ints("perm", channelsLast(rank)));
  }

  /**
   * The gradient of a convolution with respect to its input, {@code dy [B, O..., O]} by the
   * same filters: ONNX's ConvTranspose, whose weight layout {@code [O, C/groups, k...]} is the
   * convolution's, with the output padding that gives back the convolution's input size.
   */
  static String transposed(OnnxModel model, Node n, String dy, String w) {
    Attrs.Conv c = n.attrs(Attrs.Conv.class);
    String doc = n.span().shortLocation();
    int rank = c.rank() + 2;
    String first = model.node("Transpose", doc, List.of(dy), Attribute.ints("perm", channelsFirst(rank)));
    String filters = model.node("Transpose", doc, List.of(w), Attribute.ints("perm", filtersFirst(rank)));
    List<Integer> pads = new ArrayList<>(c.padBefore());
    pads.addAll(c.padAfter());
    List<Integer> outputPadding = new ArrayList<>();
    for (int i = 0; i < c.rank(); i++) {
      int reached = c.stride().get(i) * (c.outputSize(i) - 1) + c.dilation().get(i) * (c.kernel().get(i) - 1) + 1
          - c.padBefore().get(i) - c.padAfter().get(i);
      outputPadding.add(c.inputSize().get(i) - reached);
    }
    String x = model.node("ConvTranspose", doc, List.of(first, filters), Attribute.ints("kernel_shape", c.kernel()),
        Attribute.ints("strides", c.stride()), Attribute.ints("pads", pads), Attribute.ints("dilations", c.dilation()),
        Attribute.ints("output_padding", outputPadding), Attribute.of("group", (long) c.groups()));
    return model.node("Transpose", doc, List.of(x), Attribute.ints("perm", channelsLast(rank)));
  }

  /** [B, S..., C] to [B, C, S...]. */
  static List<Integer> channelsFirst(int rank) {
    List<Integer> perm = new ArrayList<>(List.of(0, rank - 1));
    for (int i = 1; i < rank - 1; i++) {
      perm.add(i);
    }
    return perm;
  }

  /** [B, C, S...] to [B, S..., C]. */
  static List<Integer> channelsLast(int rank) {
    List<Integer> perm = new ArrayList<>(List.of(0));
    for (int i = 2; i < rank; i++) {
      perm.add(i);
    }
    perm.add(1);
    return perm;
  }

  /** [k..., C/groups, O] to [O, C/groups, k...]. */
  private static List<Integer> filtersFirst(int rank) {
    List<Integer> perm = new ArrayList<>(List.of(rank - 1, rank - 2));
    for (int i = 0; i < rank - 2; i++) {
      perm.add(i);
    }
    return perm;
  }
}
