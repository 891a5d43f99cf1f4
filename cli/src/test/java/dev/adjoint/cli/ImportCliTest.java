package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code adjoint import}: a two-layer network saved by PyTorch ({@code nn.Linear} weights
 * {@code [out, in]}, one tensor each in F32, F16, BF16 and F64, and batch norm's int64
 * counter beside them) predicts with Adjoint what the same arithmetic in PyTorch's layout
 * gives; mistakes in the mapping are one message naming each tensor.
 */
class ImportCliTest {
  private static final String MODEL = """
      model mlp {
        input  x: f32[B, 3]
        target y: class[B] of ("a", "b")
        h = dense(x, 4, act = relu)
        logits = dense(h, 2)
        output p = softmax(logits)
        loss = cross_entropy(p, y)
      }
      train mlp {
        data csv("rows.csv", x = ("u", "v", "w"), y = "label")
        optimizer adam
      }
      """;
  /** fc1.weight [4, 3]: values that F32 holds exactly. */
  private static final float[] W1 = {0.5f, -0.25f, 1, -1, 0.75f, 0.125f, 0.25f, 0.5f, -0.5f, 1.5f, -0.75f, 0.25f};
  /** fc1.bias [4], saved as F16 (exact: multiples of 1/8). */
  private static final float[] B1 = {0.125f, -0.5f, 0, 0.25f};
  /** fc2.weight [2, 4], saved as BF16 (exact: few significant bits). */
  private static final float[] W2 = {1, -0.5f, 0.25f, 2, -1, 0.5f, 0.75f, -0.25f};
  /** fc2.bias [2], saved as F64. */
  private static final double[] B2 = {0.1, -0.1};

  @TempDir
  Path temp;

  private Path nn;
  private Path weights;

  @BeforeEach
  void write() throws IOException {
    nn = temp.resolve("mlp.nn");
    Files.writeString(nn, MODEL);
    Files.writeString(temp.resolve("rows.csv"), "u,v,w,label\n1,2,3,a\n-1,0.5,2,b\n0.25,-2,1,a\n");
    weights = temp.resolve("torch.safetensors");
    Files.write(weights, safetensors());
  }

  @Test
  void aPyTorchNetworkPredictsAsInPyTorch() {
    Path checkpoint = temp.resolve("imported.safetensors");
    CliRun imported = CliRun.of("import", nn.toString(), "--weights", weights.toString(), "--out",
        checkpoint.toString(), "--map", "h=fc1,logits=fc2");
    assertEquals(0, imported.status(), imported.err());
    assertTrue(imported.out().contains("h.W <- fc1.weight (transposed)"), imported.out());
    assertTrue(imported.out().contains("h.b <- fc1.bias\n"), imported.out());
    assertTrue(imported.out().contains("not used: bn.num_batches_tracked"), imported.out());
    CliRun predict = CliRun.of("predict", nn.toString(), "--checkpoint", checkpoint.toString(), "--input",
        temp.resolve("rows.csv").toString());
    assertEquals(0, predict.status(), predict.err());
    List<String> lines = predict.out().lines().toList();
    float[][] rows = {{1, 2, 3}, {-1, 0.5f, 2}, {0.25f, -2, 1}};
    for (int r = 0; r < rows.length; r++) {
      double[] expected = torchForward(rows[r]);
      String[] cells = lines.get(r + 1).split(",");
      for (int c = 0; c < 2; c++) {
        assertEquals(expected[c], Double.parseDouble(cells[c]), 1e-6, "row " + r + ": " + lines.get(r + 1));
      }
    }
    // the checkpoint resumes training as any other
    CliRun eval = CliRun.of("eval", nn.toString(), "--checkpoint", checkpoint.toString(), "--split", "train");
    assertEquals(0, eval.status(), eval.err());
  }

  @Test
  void mappingMistakesAreNamed() {
    Path checkpoint = temp.resolve("c.safetensors");
    CliRun unmapped = CliRun.of("import", nn.toString(), "--weights", weights.toString(), "--out",
        checkpoint.toString(), "--map", "h=fc1");
    assertEquals(1, unmapped.status(), unmapped.err());
    assertTrue(unmapped.err().contains("logits.W [4, 2]: no tensor of the file is mapped to it; map its layer, "
        + "e.g. --map logits=fc1"), unmapped.err());
    assertTrue(unmapped.err().contains("logits.b [2]"), unmapped.err());
    CliRun swapped = CliRun.of("import", nn.toString(), "--weights", weights.toString(), "--out",
        checkpoint.toString(), "--map", "h=fc2,logits=fc1");
    assertEquals(1, swapped.status(), swapped.err());
    assertTrue(swapped.err().contains("h.W: shape [3, 4], but 'fc2.weight' is [2, 4]"), swapped.err());
    CliRun unknown = CliRun.of("import", nn.toString(), "--weights", weights.toString(), "--out",
        checkpoint.toString(), "--map", "hh=fc1");
    assertEquals(1, unknown.status(), unknown.err());
    assertTrue(unknown.err().contains("model mlp has no layer or tensor 'hh'"), unknown.err());
    CliRun counter = CliRun.of("import", nn.toString(), "--weights", weights.toString(), "--out",
        checkpoint.toString(), "--map", "h=fc1,logits=fc2,logits.b=bn.num_batches_tracked");
    assertEquals(1, counter.status(), counter.err());
    assertTrue(counter.err().contains("no floating-point tensor 'bn.num_batches_tracked' (it is I64)"), counter.err());
    assertFalse(Files.exists(checkpoint));
    for (CliRun r : List.of(unmapped, swapped, unknown, counter)) {
      assertFalse(r.err().contains("\tat "), r.err());
    }
  }

  /** softmax(relu(x W1ᵀ + b1) W2ᵀ + b2), as nn.Linear computes it. */
  private static double[] torchForward(float[] x) {
    double[] h = new double[4];
    for (int o = 0; o < 4; o++) {
      double s = B1[o];
      for (int i = 0; i < 3; i++) {
        s += W1[o * 3 + i] * x[i];
      }
      h[o] = Math.max(0, s);
    }
    double[] z = new double[2];
    for (int o = 0; o < 2; o++) {
      double s = (float) B2[o];
      for (int i = 0; i < 4; i++) {
        s += W2[o * 4 + i] * h[i];
      }
      z[o] = s;
    }
    double max = Math.max(z[0], z[1]);
    double e0 = Math.exp(z[0] - max);
    double e1 = Math.exp(z[1] - max);
    return new double[] {e0 / (e0 + e1), e1 / (e0 + e1)};
  }

  /** The file PyTorch's save_file(state_dict) would write for these tensors (header order: the data's). */
  private static byte[] safetensors() throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    entry(header, data, "fc1.weight", "F32", "[4,3]", floats(W1));
    entry(header, data, "fc1.bias", "F16", "[4]", halves(B1));
    entry(header, data, "fc2.weight", "BF16", "[2,4]", brains(W2));
    entry(header, data, "fc2.bias", "F64", "[2]", doubles(B2));
    entry(header, data, "bn.num_batches_tracked", "I64", "[]", new byte[8]);
    header.append('}');
    while ((header.length() + 8) % 8 != 0) {
      header.append(' ');
    }
    byte[] text = header.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(8 + text.length + data.size()).order(ByteOrder.LITTLE_ENDIAN);
    return out.putLong(text.length).put(text).put(data.toByteArray()).array();
  }

  private static void entry(StringBuilder header, ByteArrayOutputStream data, String name, String dtype, String shape,
      byte[] bytes) {
    header.append(",\"").append(name).append("\":{\"dtype\":\"").append(dtype).append("\",\"shape\":").append(shape)
        .append(",\"data_offsets\":[").append(data.size()).append(',').append(data.size() + bytes.length).append("]}");
    data.writeBytes(bytes);
  }

  private static byte[] floats(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  private static byte[] doubles(double[] v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double d : v) {
      b.putDouble(d);
    }
    return b.array();
  }

  /** BF16: the high half of each f32 (exact for these values). */
  private static byte[] brains(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putShort((short) (Float.floatToIntBits(f) >>> 16));
    }
    return b.array();
  }

  /** F16 of normal values with few mantissa bits: sign, exponent rebiased from 127 to 15, top 10 mantissa bits. */
  private static byte[] halves(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      int bits = Float.floatToIntBits(f);
      int half = f == 0 ? 0 : ((bits >>> 16) & 0x8000) | ((((bits >>> 23) & 0xff) - 112) << 10) | ((bits >>> 13) & 0x3ff);
      b.putShort((short) half);
    }
    return b.array();
  }
}
