package dev.adjoint.compiler.onnx;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.passes.Pipeline;
import dev.adjoint.runtime.model.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An inference graph as an ONNX model (opset {@value OnnxModel#OPSET}): the graph's feature
 * inputs with a symbolic batch size, the training's preprocessing as its first ops, parameters
 * and running statistics as initializers, each node as one or a few ONNX nodes ({@link OnnxNodes})
 * whose doc string is the node's place in the .nn file, and the graph's outputs under their names.
 *
 * <p>The graph to give it is the inference pipeline's before its {@code fuse} phase: fusion's
 * ops (element-wise kernels, convolution epilogues) exist for the code generator, and ONNX
 * runtimes fuse the primitive ops themselves.
 */
public final class OnnxExport {
  private OnnxExport() {}

  /** The graph export writes: the inference pipeline's result before its fuse phase. */
  public static Graph inferenceGraph(Graph forward) {
    Pipeline pipeline = Pipeline.inference();
    List<Pipeline.StageResult> results = pipeline.run(forward, false, pipeline.stagesThrough("optimize"));
    return results.get(results.size() - 1).graph();
  }

  /**
   * The serialized model.
   *
   * @param weights every parameter and state tensor of the graph, by name (a compiled model's
   *     {@code params()} and {@code states()})
   * @throws OnnxExportException naming the first op that has no ONNX form, with its .nn place
   */
  public static byte[] export(Graph graph, Map<String, Tensor> weights, Preprocessing preprocessing,
      String producerVersion) {
    OnnxNodes.check(graph.nodes());
    OnnxModel model = new OnnxModel(graph.name());
    Map<Node, String> values = new IdentityHashMap<>();
    Set<Node> used = reachable(graph);
    for (Node input : inputs(graph)) {
      model.input(input.sourceName(), elementType(input), input.shape().dims());
      values.put(input, preprocess(model, input, preprocessing));
    }
    OnnxNodes nodes = new OnnxNodes(model, values);
    for (Node n : graph.nodes()) {
      if (values.containsKey(n) || !used.contains(n)) {
        continue;
      }
      if (n.op() == Op.PARAM || n.op() == Op.STATE) {
        values.put(n, weight(model, n, weights));
      } else if (n.op() != Op.INPUT) {
        nodes.add(n);
      }
    }
    List<String> outputs = new ArrayList<>();
    for (Map.Entry<String, Node> out : graph.outputs().entrySet()) {
      Node n = out.getValue();
      model.node("Identity", n.span().shortLocation(), List.of(nodes.value(n)), out.getKey());
      model.output(out.getKey(), elementType(n), n.shape().dims());
      outputs.add(out.getKey());
    }
    return model.toByteArray(producerVersion, "model " + graph.name() + " of " + graph.span().shortLocation()
        + ", exported by adjoint; outputs: " + String.join(", ", outputs));
  }

  /** The exported model's inputs: the graph's features, and a target only where the outputs read it. */
  public static List<Node> inputs(Graph graph) {
    Set<Node> used = reachable(graph);
    return graph.inputs().stream().filter(i -> !i.attrs(Attrs.Input.class).target() || used.contains(i)).toList();
  }

  /** The nodes the outputs depend on: a target among them (an adversarial input's gradient) is an input too. */
  private static Set<Node> reachable(Graph graph) {
    Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<Node> work = new ArrayDeque<>(graph.outputs().values());
    while (!work.isEmpty()) {
      Node n = work.pop();
      if (seen.add(n)) {
        work.addAll(n.inputs());
      }
    }
    return seen;
  }

  /** The ONNX element type of a node's values. */
  static int elementType(Node n) {
    return elementType(n.dtype());
  }

  static int elementType(ScalarType t) {
    return switch (t) {
      case F32 -> OnnxModel.FLOAT;
      case F64 -> OnnxModel.DOUBLE;
      case I32 -> OnnxModel.INT32;
    };
  }

  /** The input after the scale and standardization training applied to it. */
  private static String preprocess(OnnxModel model, Node input, Preprocessing p) {
    String name = input.sourceName();
    if (!input.dtype().isFloat()) {
      return name;
    }
    String doc = "preprocessing of " + name;
    String value = name;
    if (p.scale() != 1) {
      value = model.node("Mul", doc, List.of(value, scalar(model, input.dtype(), p.scale())));
    }
    double[] mean = p.means().get(name);
    if (mean != null) {
      Shape sample = input.shape().slice(1, input.shape().rank());
      long[] dims = new long[sample.rank()];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = sample.dim(i);
      }
      double[] std = p.stds().get(name);
      value = model.node("Sub", doc, List.of(value, constant(model, input.dtype(), dims, mean)));
      value = model.node("Div", doc, List.of(value, constant(model, input.dtype(), dims, std)));
    }
    return value;
  }

  private static String scalar(OnnxModel model, ScalarType dtype, double value) {
    return constant(model, dtype, new long[0], new double[] {value});
  }

  private static String constant(OnnxModel model, ScalarType dtype, long[] dims, double[] values) {
    if (dtype == ScalarType.F64) {
      return model.doubles(model.fresh("const"), dims, values);
    }
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return model.floats(model.fresh("const"), dims, f);
  }

  /** A parameter's or state's values as an initializer named as the model names it. */
  private static String weight(OnnxModel model, Node n, Map<String, Tensor> weights) {
    String name = n.sourceName();
    Tensor t = weights.get(name);
    if (t == null) {
      throw new OnnxExportException(n.span().location() + ": no values for " + name + " among the model's "
          + "weights (" + String.join(", ", weights.keySet()) + ")");
    }
    int[] shape = n.shape().dims();
    long[] dims = new long[shape.length];
    int size = 1;
    for (int i = 0; i < shape.length; i++) {
      dims[i] = shape[i];
      size = Math.multiplyExact(size, shape[i]);
    }
    switch (n.dtype()) {
      case F32 -> {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
          v[i] = (float) t.get(i);
        }
        return model.floats(name, dims, v);
      }
      case F64 -> {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
          v[i] = t.get(i);
        }
        return model.doubles(name, dims, v);
      }
      default -> {
        int[] v = new int[size];
        for (int i = 0; i < size; i++) {
          v[i] = (int) t.get(i);
        }
        return model.ints(name, dims, v);
      }
    }
  }
}
