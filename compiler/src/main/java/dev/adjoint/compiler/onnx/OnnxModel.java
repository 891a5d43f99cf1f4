package dev.adjoint.compiler.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * An ONNX model under construction: nodes in order, initializers, the graph's inputs and
 * outputs, serialized as a {@code ModelProto} (IR version {@value #IR_VERSION}, the default
 * domain at opset {@value #OPSET}). Field numbers are those of onnx.proto.
 */
final class OnnxModel {
  /** The operator set written: 17, the first with LayerNormalization, run by every ONNX Runtime since 1.13. */
  static final int OPSET = 17;
  /** The IR version that goes with opset 17. */
  static final int IR_VERSION = 8;

  /** TensorProto.DataType values. */
  static final int FLOAT = 1;
  static final int INT32 = 6;
  static final int INT64 = 7;
  static final int BOOL = 9;
  static final int DOUBLE = 11;

  private static final int ATTRIBUTE_FLOAT = 1;
  private static final int ATTRIBUTE_INT = 2;
  private static final int ATTRIBUTE_INTS = 7;

  private final String name;
  private final List<ProtoWriter> nodes = new ArrayList<>();
  private final List<ProtoWriter> initializers = new ArrayList<>();
  private final List<ProtoWriter> inputs = new ArrayList<>();
  private final List<ProtoWriter> outputs = new ArrayList<>();
  private int counter;

  OnnxModel(String name) {
    this.name = name;
  }

  /** A fresh value name with this stem; the colon keeps it apart from every .nn name. */
  String fresh(String stem) {
    return stem + ":" + counter++;
  }

  /** One node's attribute: an int, a float or a list of ints. */
  record Attribute(String name, Object value) {
    static Attribute of(String name, long value) {
      return new Attribute(name, value);
    }

    static Attribute of(String name, float value) {
      return new Attribute(name, value);
    }

    static Attribute ints(String name, List<Integer> values) {
      return new Attribute(name, List.copyOf(values));
    }

    ProtoWriter proto() {
      ProtoWriter a = new ProtoWriter().string(1, name);
      if (value instanceof Long i) {
        a.varint(3, i).varint(20, ATTRIBUTE_INT);
      } else if (value instanceof Float f) {
        a.float32(2, f).varint(20, ATTRIBUTE_FLOAT);
      } else {
        for (Object v : (List<?>) value) {
          a.varint(8, ((Integer) v).longValue());
        }
        a.varint(20, ATTRIBUTE_INTS);
      }
      return a;
    }
  }

  /** Adds a node of {@code opType} with one output, named fresh, and returns that name. */
  String node(String opType, String doc, List<String> in, Attribute... attributes) {
    String out = fresh(opType.toLowerCase(java.util.Locale.ROOT));
    node(opType, doc, in, out, attributes);
    return out;
  }

  /** Adds a node of {@code opType} writing {@code out}. */
  void node(String opType, String doc, List<String> in, String out, Attribute... attributes) {
    ProtoWriter n = new ProtoWriter();
    for (String i : in) {
      n.string(1, i);
    }
    n.string(2, out).string(3, out).string(4, opType);
    for (Attribute a : attributes) {
      n.message(5, a.proto());
    }
    if (!doc.isEmpty()) {
      n.string(6, doc);
    }
    nodes.add(n);
  }

  /** A float initializer of these dimensions, returning its name. */
  String floats(String tensorName, long[] dims, float[] values) {
    ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    return initializer(tensorName, dims, FLOAT, raw.array());
  }

  /** A double initializer of these dimensions, returning its name. */
  String doubles(String tensorName, long[] dims, double[] values) {
    ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asDoubleBuffer().put(values);
    return initializer(tensorName, dims, DOUBLE, raw.array());
  }

  /** An int32 initializer of these dimensions, returning its name. */
  String ints(String tensorName, long[] dims, int[] values) {
    ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asIntBuffer().put(values);
    return initializer(tensorName, dims, INT32, raw.array());
  }

  /** A one-dimensional int64 initializer (shapes, axes, pads), returning its fresh name. */
  String longs(long... values) {
    ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    return initializer(fresh("const"), new long[] {values.length}, INT64, raw.array());
  }

  private String initializer(String tensorName, long[] dims, int dataType, byte[] raw) {
    ProtoWriter t = new ProtoWriter();
    for (long d : dims) {
      t.varint(1, d);
    }
    t.varint(2, dataType).string(8, tensorName).bytes(9, raw);
    initializers.add(t);
    return tensorName;
  }

  /** Declares a graph input; a dimension below 0 is the symbolic batch size. */
  void input(String valueName, int elementType, int[] dims) {
    inputs.add(valueInfo(valueName, elementType, dims));
  }

  /** Declares a graph output; a dimension below 0 is the symbolic batch size. */
  void output(String valueName, int elementType, int[] dims) {
    outputs.add(valueInfo(valueName, elementType, dims));
  }

  private static ProtoWriter valueInfo(String valueName, int elementType, int[] dims) {
    ProtoWriter shape = new ProtoWriter();
    for (int d : dims) {
      shape.message(1, d < 0 ? new ProtoWriter().string(2, "batch") : new ProtoWriter().varint(1, d));
    }
    ProtoWriter tensor = new ProtoWriter().varint(1, elementType).message(2, shape);
    return new ProtoWriter().string(1, valueName).message(2, new ProtoWriter().message(1, tensor));
  }

  /** The serialized {@code ModelProto}. */
  byte[] toByteArray(String producerVersion, String doc) {
    ProtoWriter graph = new ProtoWriter();
    nodes.forEach(n -> graph.message(1, n));
    graph.string(2, name);
    initializers.forEach(t -> graph.message(5, t));
    if (!doc.isEmpty()) {
      graph.string(10, doc);
    }
    inputs.forEach(i -> graph.message(11, i));
    outputs.forEach(o -> graph.message(12, o));
    return new ProtoWriter()
        .varint(1, IR_VERSION)
        .string(2, "adjoint")
        .string(3, producerVersion)
        .message(7, graph)
        .message(8, new ProtoWriter().string(1, "").varint(2, OPSET))
        .toByteArray();
  }
}
