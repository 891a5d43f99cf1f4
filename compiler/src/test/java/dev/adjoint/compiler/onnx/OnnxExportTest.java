package dev.adjoint.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.golden.Golden;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.testing.RandomFeeds;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every example and valid program exported to ONNX and run in ONNX Runtime on random inputs,
 * compared with the compiled model's {@code predict} to 1e-5 (relative above 1); those whose
 * graphs hold an op without an ONNX form are refused with the op and its .nn place, and the
 * list of refusals is fixed here so that a new one shows.
 */
class OnnxExportTest {
  private static final int BATCH = 3;
  private static final double TOLERANCE = 1e-5;

  /** The models export refuses: file, model, then the op named and the message's start. */
  private static final Map<String, String> REFUSED = Map.of(
      "lstm.nn lstm_langid", "lstm.nn:13:12: scan has no ONNX form",
      "recurrent.nn recurrent", "recurrent.nn:7:7: scan has no ONNX form",
      "fgsm.nn fgsm", "fgsm.nn:20:8: softmax_cross_entropy has no ONNX form");

  @TestFactory
  Stream<DynamicTest> everyModelRunsInOnnxRuntimeAsCompiled() {
    List<Path> files = new ArrayList<>(Golden.nnFiles(Golden.repo().resolve("examples")));
    files.addAll(Golden.nnFiles(Golden.resources().resolve("programs/valid")));
    return files.stream().map(nn -> DynamicTest.dynamicTest(Golden.repo().relativize(nn).toString(), () -> {
      Compilation c = Frontend.compile(SourceFile.read(nn, nn.getFileName().toString()));
      assertTrue(c.ok(), c.diagnostics().format());
      for (ModelUnit unit : c.models()) {
        String key = nn.getFileName() + " " + unit.name();
        try {
          compare(unit);
          assertTrue(!REFUSED.containsKey(key), key + " exports now: take it off REFUSED");
        } catch (OnnxExportException e) {
          String expected = REFUSED.get(key);
          if (expected == null || !e.getMessage().startsWith(expected)) {
            fail(key + ": " + e.getMessage());
          }
        }
      }
    }));
  }

  @Test
  void preprocessingIsTheModelsFirstOps() throws OrtException {
    Compilation c = Frontend.compile(SourceFile.of("p.nn", """
        model m {
          input x: f32[B, 2]
          output y = x * 1
        }
        """));
    assertTrue(c.ok(), c.diagnostics().format());
    Graph graph = OnnxExport.inferenceGraph(c.models().get(0).graph());
    Preprocessing p = new Preprocessing(0.5, Map.of("x", new double[] {1, -2}), Map.of("x", new double[] {2, 4}));
    byte[] onnx = OnnxExport.export(graph, Map.of(), p, "test");
    float[] out = run(onnx, Map.of("x", new float[] {3, 4, 5, 6}), new long[] {2, 2}).get("y");
    assertEquals(List.of((1.5f - 1) / 2, (2f + 2) / 4, (2.5f - 1) / 2, (3f + 2) / 4),
        List.of(out[0], out[1], out[2], out[3]));
  }

  @Test
  void anOpWithoutAnOnnxFormIsRefusedAtItsLine() {
    Compilation c = Frontend.compile(SourceFile.of("r.nn", """
        model m {
          input x: f32[B, 5, 3]
          h = dense(x, 4)
          output y = rnn(h, 2)
        }
        """));
    assertTrue(c.ok(), c.diagnostics().format());
    OnnxExportException e = org.junit.jupiter.api.Assertions.assertThrows(OnnxExportException.class,
        () -> OnnxExport.export(OnnxExport.inferenceGraph(c.models().get(0).graph()), Map.of(), Preprocessing.NONE,
            "test"));
    assertTrue(e.getMessage().startsWith("r.nn:4:14: scan has no ONNX form"), e.getMessage());
  }

  private static void compare(ModelUnit unit) throws OrtException {
    Graph graph = OnnxExport.inferenceGraph(unit.graph());
    CompiledModel model = ModelCompiler.compile(unit).newModel(BATCH);
    model.initialize(7);
    Map<String, Tensor> weights = new HashMap<>(model.params());
    weights.putAll(model.states());
    byte[] onnx = OnnxExport.export(graph, weights, Preprocessing.NONE, "test");
    Random random = new Random(11);
    Map<String, Object> feeds = new LinkedHashMap<>();
    Map<String, long[]> shapes = new HashMap<>();
    for (Node input : OnnxExport.inputs(graph)) {
      F64Tensor values = RandomFeeds.input(input, BATCH, random);
      Tensor in = model.input(input.sourceName());
      double[] data = values.data();
      for (int i = 0; i < data.length; i++) {
        in.set(i, data[i]);
      }
      feeds.put(input.sourceName(), switch (input.dtype()) {
        case F32 -> toFloats(data);
        case F64 -> data;
        case I32 -> toInts(data);
      });
      shapes.put(input.sourceName(), longs(input.shape().concrete(BATCH)));
    }
    model.predict(BATCH);
    Map<String, double[]> actual = runAny(onnx, feeds, shapes);
    for (String name : graph.outputs().keySet()) {
      Tensor expected = model.output(name);
      double[] got = actual.get(name);
      for (int i = 0; i < got.length; i++) {
        double e = expected.get(i);
        if (!(Math.abs(got[i] - e) <= TOLERANCE * Math.max(1, Math.abs(e)))) {
          fail(unit.name() + " output " + name + "[" + i + "]: ONNX Runtime " + got[i] + ", compiled " + e);
        }
      }
    }
  }

  static Map<String, float[]> run(byte[] onnx, Map<String, float[]> feeds, long[] shape) throws OrtException {
    Map<String, Object> any = new LinkedHashMap<>(feeds);
    Map<String, long[]> shapes = new HashMap<>();
    feeds.keySet().forEach(k -> shapes.put(k, shape));
    Map<String, float[]> out = new TreeMap<>();
    runAny(onnx, any, shapes).forEach((k, v) -> out.put(k, toFloats(v)));
    return out;
  }

  /** Runs the model in ONNX Runtime on one thread; every output as doubles. */
  static Map<String, double[]> runAny(byte[] onnx, Map<String, Object> feeds, Map<String, long[]> shapes)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(onnx, options)) {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
          for (Map.Entry<String, Object> f : feeds.entrySet()) {
            long[] shape = shapes.get(f.getKey());
            inputs.put(f.getKey(), tensor(env, f.getValue(), shape));
          }
          Map<String, double[]> out = new LinkedHashMap<>();
          try (OrtSession.Result result = session.run(inputs)) {
            for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
              out.put(e.getKey(), values((OnnxTensor) e.getValue()));
            }
          }
          return out;
        } finally {
          inputs.values().forEach(OnnxTensor::close);
        }
      }
    }
  }

  private static OnnxTensor tensor(OrtEnvironment env, Object values, long[] shape) throws OrtException {
    if (values instanceof float[] v) {
      return OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape);
    }
    if (values instanceof double[] v) {
      return OnnxTensor.createTensor(env, DoubleBuffer.wrap(v), shape);
    }
    return OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) values), shape);
  }

  private static double[] values(OnnxTensor t) {
    return switch (t.getInfo().type) {
      case FLOAT -> {
        FloatBuffer b = t.getFloatBuffer();
        double[] out = new double[b.remaining()];
        for (int i = 0; i < out.length; i++) {
          out[i] = b.get(i);
        }
        yield out;
      }
      case DOUBLE -> {
        DoubleBuffer b = t.getDoubleBuffer();
        double[] out = new double[b.remaining()];
        b.get(out);
        yield out;
      }
      case INT32 -> {
        IntBuffer b = t.getIntBuffer();
        double[] out = new double[b.remaining()];
        for (int i = 0; i < out.length; i++) {
          out[i] = b.get(i);
        }
        yield out;
      }
      default -> throw new IllegalStateException("output type " + t.getInfo().type);
    };
  }

  private static float[] toFloats(double[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) v[i];
    }
    return out;
  }

  private static int[] toInts(double[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (int) v[i];
    }
    return out;
  }

  private static long[] longs(int[] dims) {
    long[] out = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      out[i] = dims[i];
    }
    return out;
  }
}
