package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run folder is never lost: {@code --overwrite} replaces a run only with one that has a
 * checkpoint, a folder in use is refused with the holder's process id, and the history is
 * appended to, leaving no temporary files.
 */
class RunFolderTest {
  private static final String MODEL = """
      model line {
        input  x: f32[B, 1]
        target y: f32[B, 1]
        output p = dense(x, 1)
        loss = mse(p, y)
      }

      train line {
        data      csv("points.csv", x = ("x"), y = ("y")), split(train = 0.75, val = 0.25, test = 0)
        optimizer sgd(lr = 0.05)
        batch 8; epochs 3; seed 1
      }
      """;

  @TempDir
  Path temp;

  private Path nn;
  private Path run;

  @BeforeEach
  void write() throws IOException {
    StringBuilder csv = new StringBuilder("x,y\n");
    for (int i = 0; i < 32; i++) {
      csv.append(String.format(Locale.ROOT, "%.4f,%.4f%n", i / 16.0, i / 8.0 + 1));
    }
    Files.writeString(temp.resolve("points.csv"), csv);
    nn = temp.resolve("line.nn");
    Files.writeString(nn, MODEL);
    run = temp.resolve("run");
  }

  private CliRun train(String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("train", nn.toString(), "--out", run.toString()));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void overwriteChecksTheNewRunBeforeTouchingTheOldOne() throws IOException {
    assertEquals(0, train().status());
    byte[] checkpoint = Files.readAllBytes(run.resolve("last.safetensors"));
    String history = Files.readString(run.resolve("history.csv"));

    Files.writeString(temp.resolve("points.csv"), "x,y\n0.1,oops\n");
    CliRun badData = train("--overwrite");
    assertEquals(1, badData.status(), badData.err());
    assertTrue(badData.err().contains("points.csv:2"), badData.err());

    write(); // good data again, but a learning rate that diverges in the first epoch
    Files.writeString(nn, MODEL.replace("lr = 0.05", "lr = 1e30"));
    CliRun diverged = train("--overwrite");
    assertEquals(1, diverged.status(), diverged.err());
    assertTrue(diverged.err().contains("stopped being a finite number"), diverged.err());

    assertArrayEquals(checkpoint, Files.readAllBytes(run.resolve("last.safetensors")), "the old run is whole");
    assertEquals(history, Files.readString(run.resolve("history.csv")));
    assertTrue(Files.exists(run.resolve("curves.png")));
    assertOnlyRunFiles();

    Files.writeString(nn, MODEL.replace("epochs 3", "epochs 2"));
    CliRun replaced = train("--overwrite");
    assertEquals(0, replaced.status(), replaced.err());
    assertEquals(3, Files.readAllLines(run.resolve("history.csv")).size(), "header and the new run's 2 epochs");
    assertOnlyRunFiles();
  }

  @Test
  void aFolderInUseIsRefusedWithTheHoldersProcessId() throws IOException {
    Files.createDirectories(run);
    try (FileChannel channel = FileChannel.open(run.resolve("run.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
      channel.write(ByteBuffer.wrap("4242\n".getBytes(StandardCharsets.US_ASCII)));
      CliRun second = train();
      assertEquals(1, second.status(), second.err());
      assertEquals("error: " + run + ": is in use by another run (process 4242); wait for it to end, or train into "
          + "another folder with --out", second.err().strip());
      assertTrue(lock.isValid());
    }
    assertEquals(0, train().status(), "free once the first run ends");
    assertEquals(Long.toString(ProcessHandle.current().pid()), Files.readString(run.resolve("run.lock")).strip());
  }

  @Test
  void aResumedRunAppendsToItsHistory() throws IOException {
    assertEquals(0, train("--epochs", "2").status());
    List<String> two = Files.readAllLines(run.resolve("history.csv"));
    assertEquals(3, two.size());
    CliRun resumed = train("--resume", "--epochs", "5");
    assertEquals(0, resumed.status(), resumed.err());
    List<String> five = Files.readAllLines(run.resolve("history.csv"));
    assertEquals(6, five.size());
    assertEquals(two, five.subList(0, 3), "the first epochs' rows are kept as they were");
    assertTrue(five.get(5).startsWith("5,"), five.get(5));
    assertOnlyRunFiles();
  }

  @Test
  void buffersAreSizedByTheDataWhenTheBatchIsLarger() throws IOException {
    run = temp.resolve("huge");
    Files.writeString(nn, MODEL.replace("batch 8", "batch 500000000"));
    CliRun huge = train();
    assertEquals(0, huge.status(), "no buffers of 500,000,000 rows for 32 rows of data: " + huge.err());
    assertTrue(huge.out().contains("batch 500000000"), huge.out());
    run = temp.resolve("exact");
    Files.writeString(nn, MODEL.replace("batch 8", "batch 24"));
    assertEquals(0, train().status());
    assertEquals(withoutSeconds(temp.resolve("exact/history.csv")), withoutSeconds(temp.resolve("huge/history.csv")),
        "the same steps as a batch of all 24 training rows");
  }

  private static String withoutSeconds(Path history) throws IOException {
    return Files.readString(history).replaceAll(",[^,\n]*\n", "\n");
  }

  /** No temporary file or staging folder is left behind. */
  private void assertOnlyRunFiles() throws IOException {
    try (Stream<Path> files = Files.list(run)) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      for (String name : names) {
        assertTrue(List.of("best.safetensors", "curves.png", "history.csv", "last.safetensors", "run.lock")
            .contains(name), "unexpected " + name + " in " + names);
      }
      assertFalse(names.isEmpty());
    }
  }
}
