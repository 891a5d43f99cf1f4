package dev.adjoint.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real crash: a child JVM rewriting a 16 MB checkpoint is killed (SIGKILL, no shutdown
 * hooks) at random moments; after every kill the checkpoint is either not there yet or a
 * complete, valid file, never a torn one, and never older than the last write the child
 * reported as done.
 */
class CrashAtomicityTest {
  private static final int ROUNDS = 6;
  private static final int FLOATS = 4 << 20;

  @TempDir
  Path dir;

  @Test
  void aKilledWriterLeavesTheOldOrTheNewCheckpoint() throws Exception {
    Path file = dir.resolve("crash.safetensors");
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int nextIteration = 1;
    for (int round = 0; round < ROUNDS; round++) {
      int delayMillis = random.nextInt(400);
      String context = "round " + round + ", kill after " + delayMillis + " ms (seed " + seed + ")";
      int lastReported = killWriter(file, nextIteration, delayMillis);
      if (!Files.exists(file)) {
        assertEquals(-1, lastReported, context + ": a write was reported done but there is no file");
        continue;
      }
      TensorFile read = Safetensors.read(file);
      int iteration = Integer.parseInt(read.metadata().get("iteration"));
      assertTrue(iteration >= lastReported, context + ": file holds " + iteration + ", older than " + lastReported);
      for (TensorData t : read.tensors().values()) {
        for (int i = 0; i < t.size(); i++) {
          if (t.get(i) != iteration) {
            throw new AssertionError(context + ": element " + i + " is " + t.get(i) + ", not " + iteration);
          }
        }
      }
      assertEquals(FLOATS, read.tensor("big").size());
      nextIteration = iteration + 1000;
    }
  }

  /**
   * Starts the writer and kills it {@code delayMillis} after it is ready; returns the last write
   * it reported before the kill (the file may be newer), or -1.
   */
  private int killWriter(Path file, int firstIteration, int delayMillis) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), CrashingWriter.class.getName(), file.toString(),
        Integer.toString(FLOATS), Integer.toString(firstIteration));
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process child = builder.start();
    CountDownLatch ready = new CountDownLatch(1);
    AtomicInteger last = new AtomicInteger(-1);
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (line.equals("ready")) {
            ready.countDown();
          } else if (line.startsWith("wrote ")) {
            last.set(Integer.parseInt(line.substring(6)));
          }
        }
      } catch (IOException closedByTheKill) {
        // destroyForcibly closes the pipe; what was read before is what counts.
      }
    });
    reader.start();
    try {
      assertTrue(ready.await(20, TimeUnit.SECONDS), "the writer did not start");
      Thread.sleep(delayMillis);
      int reported = last.get();
      child.destroyForcibly();
      assertTrue(child.waitFor(10, TimeUnit.SECONDS), "the writer did not die");
      return reported;
    } finally {
      child.destroyForcibly();
      reader.join(10_000);
    }
  }
}
