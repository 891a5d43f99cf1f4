package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code adjoint export}: a trained, standardized classifier written as ONNX gives on raw rows
 * what {@code adjoint predict} prints for them (to 1e-5); a model with a loop is refused at its line.
 */
class ExportCliTest {
  private static final String MODEL = """
      model side {
        input  x: f32[B, 2]
        target label: class[B] of ("left", "right")
        h = dense(x, 8, act = tanh)
        output p = softmax(dense(h, 2))
        loss = cross_entropy(p, label)
      }
      train side {
        data csv("points.csv", x = ("u", "v"), label = "label"), split(train = 1.0)
        standardize x
        optimizer adam(lr = 0.05); batch 8; epochs 5; seed 1
      }
      """;

  @TempDir
  Path temp;

  @Test
  void theExportedModelPredictsAsPredictDoes() throws Exception {
    Files.writeString(temp.resolve("points.csv"), TrainingCommandsTest.points().lines()
        .map(l -> l.startsWith("u,") ? l : scaled(l)).reduce("", (a, b) -> a + b + "\n"));
    Path nn = Files.writeString(temp.resolve("side.nn"), MODEL);
    Path run = temp.resolve("run");
    CliRun train = CliRun.of("train", nn.toString(), "--out", run.toString());
    assertEquals(0, train.status(), train.err());
    Path rows = Files.writeString(temp.resolve("rows.csv"), "u,v\n30,-4\n-12.5,7\n0.25,0.5\n");
    Path checkpoint = run.resolve("last.safetensors");
    CliRun predict = CliRun.of("predict", nn.toString(), "--checkpoint", checkpoint.toString(), "--input",
        rows.toString());
    assertEquals(0, predict.status(), predict.err());
    Path onnx = temp.resolve("side.onnx");
    CliRun export = CliRun.of("export", nn.toString(), "--checkpoint", checkpoint.toString(), "--onnx",
        onnx.toString());
    assertEquals(0, export.status(), export.err());
    assertTrue(export.err().contains("wrote model side to " + onnx), export.err());

    float[] raw = {30, -4, -12.5f, 7, 0.25f, 0.5f};
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(Files.readAllBytes(onnx), new OrtSession.SessionOptions());
        OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(raw), new long[] {3, 2});
        OrtSession.Result result = session.run(Map.of("x", x))) {
      float[][] p = (float[][]) result.get("p").orElseThrow().getValue();
      List<String> lines = predict.out().lines().toList();
      assertEquals(4, lines.size(), predict.out());
      for (int r = 0; r < 3; r++) {
        String[] cells = lines.get(r + 1).split(",");
        int scores = 0;
        for (String cell : cells) {
          if (cell.matches("-?[0-9.eE+-]+")) {
            assertEquals(Double.parseDouble(cell), p[r][scores++], 1e-5, lines.get(r + 1));
          }
        }
        assertEquals(2, scores, lines.get(r + 1));
      }
    }
  }

  @Test
  void aLoopIsRefusedWithItsLine() throws Exception {
    Files.writeString(temp.resolve("seq.csv"), "a,b,c,d,label\n1,2,3,4,0\n2,3,4,5,1\n");
    Path nn = Files.writeString(temp.resolve("seq.nn"), """
        model seq {
          input  x: f32[B, 2, 2]
          target label: class[B] of 2
          output p = softmax(dense(rnn(x, 3), 2))
          loss = cross_entropy(p, label)
        }
        train seq {
          data csv("seq.csv", x = ("a", "b", "c", "d"), label = "label"), split(train = 1.0)
          optimizer sgd(lr = 0.1); batch 2; epochs 1; seed 1
        }
        """);
    Path run = temp.resolve("run");
    CliRun train = CliRun.of("train", nn.toString(), "--out", run.toString());
    assertEquals(0, train.status(), train.err());
    Path onnx = temp.resolve("seq.onnx");
    CliRun export = CliRun.of("export", nn.toString(), "--checkpoint", run.resolve("last.safetensors").toString(),
        "--onnx", onnx.toString());
    assertEquals(1, export.status(), export.err());
    assertTrue(export.err().startsWith(nn + ":4:28: scan has no ONNX form"), export.err());
    assertFalse(Files.exists(onnx));
  }

  /** The training points spread to a range where standardization matters: u times 20, v plus 3. */
  private static String scaled(String line) {
    String[] c = line.split(",");
    return (Double.parseDouble(c[0]) * 20) + "," + (Double.parseDouble(c[1]) + 3) + "," + c[2];
  }
}
