package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.checkpoint.Safetensors;
import dev.adjoint.runtime.checkpoint.TensorData;
import dev.adjoint.runtime.checkpoint.TensorFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's bad-data and bad-checkpoint reproducers through the command line: each is exit
 * 1 with a message naming the file (and row, line or key), never exit 3 or a stack trace.
 */
class BadDataCliTest {
  private static final String BAG = """
      model bag {
        input  ids: i32[B, 3]
        target y: f32[B]
        e = embedding_bag(ids, 10, 4)
        output v = dense(e, 1)
        loss = mse(v, y)
      }

      train bag {
        data      csv("ids.csv", ids = ("a", "b", "c"), y = "y"), split(train = 0.5, val = 0.25, test = 0.25)
        optimizer sgd(lr = 0.1)
        batch 2; epochs 2; seed 1
      }
      """;

  private static final String LABELS = """
      model labels {
        input  x: f32[B, 2]
        target y: i32[B]
        output probs = softmax(dense(x, 10))
        loss = cross_entropy(probs, y)
      }

      train labels {
        data      %s, split(train = 0.5, val = 0.25, test = 0.25)
        optimizer sgd(lr = 0.1)
        batch 2; epochs 2; seed 1
      }
      """;

  @TempDir
  Path temp;

  @Test
  void anEmbeddingIdPastTheTableIsNamedWithFileAndLine() throws IOException {
    Path nn = write("bag.nn", BAG);
    write("ids.csv", "a,b,c,y\n1,2,3,0.5\n4,-1,5,1\n0,12,3,0\n1,1,1,1\n");
    CliRun r = train(nn);
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("ids.csv:4: column 'b': value 12 is out of range for ids: expected 0..9 or a negative "
        + "id (padding), the 10 rows of e.table (bag.nn:4:7)"), r.err());
    assertNoTrace(r);
  }

  @Test
  void aLabelPastTheClassesIsNamedNotAddedAsZeroLoss() throws IOException {
    Path nn = write("labels.nn", String.format(LABELS, "csv(\"points.csv\", x = (\"u\", \"v\"), y = \"y\")"));
    write("points.csv", "u,v,y\n0.1,0.2,3\n0.3,0.4,9\n0.5,0.6,12\n0.7,0.8,0\n");
    CliRun r = train(nn);
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("points.csv:4: column 'y': value 12 is out of range for y: expected 0..9, the 10 "
        + "classes read at labels.nn:5:10"), r.err());
    assertNoTrace(r);
  }

  @Test
  void nonFiniteAndOversizedValuesAreNamed() throws IOException {
    Path nn = write("labels.nn", String.format(LABELS, "csv(\"points.csv\", x = (\"u\", \"v\"), y = \"y\")"));
    write("points.csv", "u,v,y\n0.1,0.2,3\n0.3,1e39,9\n");
    CliRun csv = train(nn);
    assertEquals(1, csv.status(), csv.err());
    assertTrue(csv.err().contains("points.csv:3: column 'v': 1e39 is too large for x, an f32"), csv.err());

    Path npy = write("npy.nn", String.format(LABELS, "npy(x = \"x.npy\", y = \"y.npy\")"));
    Files.write(temp.resolve("x.npy"), ArrayFiles.npy("<f4", "(2, 2)", ArrayFiles.floats(0.5f, Float.NaN, 1, 2)));
    Files.write(temp.resolve("y.npy"), ArrayFiles.npy("<i4", "(2,)", ArrayFiles.ints(1, 2)));
    CliRun nan = train(npy);
    assertEquals(1, nan.status(), nan.err());
    assertTrue(nan.err().contains("x.npy: sample 0, value 1: NaN is not a finite number"), nan.err());
    assertNoTrace(csv);
    assertNoTrace(nan);
  }

  @Test
  void emptyArraysAndBadBytesAreExplained() throws IOException {
    Path npy = write("npy.nn", String.format(LABELS, "npy(x = \"x.npy\", y = \"y.npy\")"));
    Files.write(temp.resolve("x.npy"), ArrayFiles.npy("<f4", "(0, 2)", new byte[0]));
    Files.write(temp.resolve("y.npy"), ArrayFiles.npy("<i4", "(0,)", new byte[0]));
    CliRun empty = train(npy);
    assertEquals(1, empty.status(), empty.err());
    assertTrue(empty.err().contains("x.npy: holds no samples (shape [0, 2]); x needs at least one"), empty.err());

    Path csv = write("labels.nn", String.format(LABELS, "csv(\"points.csv\", x = (\"u\", \"v\"), y = \"y\")"));
    Files.write(temp.resolve("points.csv"), "u,v,y\n0.1,0.2,3\n0.3,\u00e9,9\n".getBytes(StandardCharsets.ISO_8859_1));
    CliRun latin1 = train(csv);
    assertEquals(1, latin1.status(), latin1.err());
    assertTrue(latin1.err().contains("points.csv:3: the file is not UTF-8 text: byte 0xe9"), latin1.err());
    assertNoTrace(empty);
    assertNoTrace(latin1);
  }

  @Test
  void dataTooSmallForTheSplitIsExplained() throws IOException {
    Path nn = write("labels.nn", String.format(LABELS, "csv(\"points.csv\", x = (\"u\", \"v\"), y = \"y\")")
        .replace("train = 0.5, val = 0.25", "train = 0.25, val = 0.5"));
    write("points.csv", "u,v,y\n0.1,0.2,3\n");
    CliRun r = train(nn);
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("points.csv: 1 row, of which the split (train = 0.25) leaves none to train on; add rows "
        + "or raise train"), r.err());
    assertNoTrace(r);
  }

  @Test
  void aGzipBombIsStoppedAtItsHeader() throws IOException {
    Path nn = write("idx.nn", String.format(LABELS, "idx(x = \"x.idx.gz\", y = \"y.idx.gz\")"));
    byte[] header = ArrayFiles.idxBytes(new int[] {2, 2}, new byte[4]);
    Files.write(temp.resolve("x.idx.gz"), gzip(java.util.Arrays.copyOf(header, 32 << 20)));
    Files.write(temp.resolve("y.idx.gz"), gzip(ArrayFiles.idxBytes(new int[] {2}, new byte[] {1, 2})));
    CliRun r = train(nn);
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("x.idx.gz: the file decompresses to more than the 4 bytes of data its header "
        + "announces"), r.err());
    assertNoTrace(r);
  }

  @Test
  void aFolderAsADataPathIsNamedAsOne() throws IOException {
    Path nn = write("labels.nn", String.format(LABELS, "csv(\"points.csv\", x = (\"u\", \"v\"), y = \"y\")"));
    Files.createDirectory(temp.resolve("points.csv"));
    CliRun r = train(nn);
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("error: data file \"points.csv\" is a folder, not a file"), r.err());
    assertFalse(r.err().contains("not found"), r.err());
    assertNoTrace(r);

    Path folder = Files.createDirectory(temp.resolve("folder"));
    CliRun predict = CliRun.of("predict", nn.toString(), "--checkpoint", folder.toString(), "--input",
        folder.toString());
    assertEquals(1, predict.status(), predict.err());
    assertTrue(predict.err().contains(folder + ": error: is a folder, not a file"), predict.err());
    CliRun eval = CliRun.of("eval", nn.toString(), "--checkpoint", folder.toString());
    assertEquals(1, eval.status(), eval.err());
    assertTrue(eval.err().contains(folder + ": error: is a folder, not a file"), eval.err());
  }

  @Test
  void everyResumeKeyIsChecked() throws IOException {
    Path nn = write("bag.nn", BAG);
    write("ids.csv", "a,b,c,y\n1,2,3,0.5\n4,-1,5,1\n0,9,3,0\n1,1,1,1\n");
    Path run = temp.resolve("run");
    assertEquals(0, CliRun.of("train", nn.toString(), "--out", run.toString(), "--epochs", "1").status());
    Path last = run.resolve("last.safetensors");
    TensorFile good = Safetensors.read(last);
    for (String[] bad : new String[][] {{"adjoint.next_epoch", "abc"}, {"adjoint.next_epoch", "-3"},
        {"adjoint.next_epoch", "99999999999"}, {"adjoint.best_epoch", "0.5"},
        {"adjoint.epochs_without_improvement", "7"}, {"adjoint.best_value", "low"}}) {
      Map<String, String> metadata = new LinkedHashMap<>(good.metadata());
      metadata.put(bad[0], bad[1]);
      Safetensors.write(last, good.tensors(), metadata);
      CliRun r = CliRun.of("train", nn.toString(), "--out", run.toString(), "--resume");
      assertEquals(1, r.status(), r.err());
      assertTrue(r.err().contains(last + ": has metadata " + bad[0] + " = \"" + bad[1] + "\", which is not a "),
          r.err());
      assertNoTrace(r);
    }
  }

  @Test
  void aCheckpointWithNanWeightsIsRefusedUnlessAllowed() throws IOException {
    Path nn = write("bag.nn", BAG);
    write("ids.csv", "a,b,c,y\n1,2,3,0.5\n4,-1,5,1\n0,9,3,0\n1,1,1,1\n");
    Path run = temp.resolve("run");
    assertEquals(0, CliRun.of("train", nn.toString(), "--out", run.toString(), "--epochs", "1").status());
    Path last = run.resolve("last.safetensors");
    TensorFile good = Safetensors.read(last);
    Map<String, TensorData> tensors = new LinkedHashMap<>(good.tensors());
    float[] table = good.tensor("param/e.table").f32().clone();
    table[5] = Float.NaN;
    tensors.put("param/e.table", TensorData.f32(good.tensor("param/e.table").shape(), table));
    Safetensors.write(last, tensors, good.metadata());
    String refused = last + ": tensor 'param/e.table' holds NaN at element 5: the run that saved it diverged";
    Path input = write("new.csv", "a,b,c\n1,2,3\n");

    CliRun eval = CliRun.of("eval", nn.toString(), "--checkpoint", last.toString());
    CliRun predict = CliRun.of("predict", nn.toString(), "--checkpoint", last.toString(), "--input", input.toString());
    CliRun resume = CliRun.of("train", nn.toString(), "--out", run.toString(), "--resume");
    for (CliRun r : new CliRun[] {eval, predict, resume}) {
      assertEquals(1, r.status(), r.err());
      assertTrue(r.err().contains(refused), r.err());
      assertTrue(r.err().contains("--allow-non-finite-weights"), r.err());
      assertNoTrace(r);
    }
    CliRun allowed = CliRun.of("predict", nn.toString(), "--checkpoint", last.toString(), "--input", input.toString(),
        "--allow-non-finite-weights");
    assertFalse(allowed.err().contains(refused), allowed.err());
    assertNoTrace(allowed);
  }

  // ---- helpers -------------------------------------------------------------------------

  private CliRun train(Path nn) {
    return CliRun.of("train", nn.toString(), "--out", temp.resolve("run").toString());
  }

  private Path write(String name, String text) throws IOException {
    Path file = temp.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private static void assertNoTrace(CliRun r) {
    assertFalse(r.err().contains("\tat "), r.err());
    assertFalse(r.err().contains("internal error"), r.err());
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    }
    return out.toByteArray();
  }
}
