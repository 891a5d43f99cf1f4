package dev.adjoint.compiler.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code check} accepts must train: a seeded, grammar-aware mutation fuzzer over the
 * examples and the programs of docs/language.md ({@link Corpus}, {@link TokenMutator}). Each
 * mutant runs through {@code check}, and each one it accepts through code generation,
 * compilation and two training steps ({@link MutantRun}); any exception that is not the
 * project's error for bad input, and any mutant that takes longer than the timeout, fails the
 * test, which prints the mutant so that it can be reproduced (and writes it to
 * {@code target/fuzz-failures/}).
 *
 * <p>System properties: {@code adjoint.fuzz.mutants} (5,000 by default; {@code 200000} for a
 * long run), {@code adjoint.fuzz.seed} (a fixed default, so CI runs are repeatable; change it
 * to explore) and {@code adjoint.fuzz.timeoutSeconds} (per mutant, 60 by default: a loaded CI
 * machine can be slow). Mutants
 * run on a thread with a 1 MB stack, as the command line's main thread has.
 */
class MutationFuzzTest {
  private static final int MUTANTS = Integer.getInteger("adjoint.fuzz.mutants", 5_000);
  private static final long SEED = Long.getLong("adjoint.fuzz.seed", 20261206L);
  private static final long TIMEOUT_SECONDS = Long.getLong("adjoint.fuzz.timeoutSeconds", 60);
  private static final int SHOWN_TEXT = 6_000;

  @TempDir
  Path work;

  /** A distinct failure: its first mutant and how many mutants hit it. */
  private static final class Finding {
    final String mutant;
    final String mutations;
    final Throwable error;
    int count;

    Finding(String mutant, String mutations, Throwable error) {
      this.mutant = mutant;
      this.mutations = mutations;
      this.error = error;
    }
  }

  @Test
  void whatCheckAcceptsTrains() throws Exception {
    List<Corpus.Seed> seeds = Corpus.load(work);
    List<TokenMutator> mutators = seeds.stream().map(s -> new TokenMutator(s.text())).toList();
    Map<MutantRun.Outcome, Integer> outcomes = new EnumMap<>(MutantRun.Outcome.class);
    Map<MutantRun.Outcome, Long> millis = new EnumMap<>(MutantRun.Outcome.class);
    Map<String, Finding> findings = new LinkedHashMap<>();
    ExecutorService runner = newRunner();
    long started = System.nanoTime();
    long cpuStarted = processCpuNanos();
    try {
      for (int i = 0; i < MUTANTS; i++) {
        Random random = new Random(SEED * 1_000_003L + i);
        int s = random.nextInt(seeds.size());
        Corpus.Seed seed = seeds.get(s);
        List<String> log = new ArrayList<>();
        String text = mutators.get(s).mutate(random, log);
        String mutations = "mutant " + i + " of " + seed.name() + " (seed " + SEED + "): " + String.join("; ", log);
        Path file = seed.folder().resolve("mutant.nn");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Future<MutantRun.Outcome> result = runner.submit(() -> MutantRun.run(file));
        long before = System.nanoTime();
        try {
          MutantRun.Outcome outcome = result.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          outcomes.merge(outcome, 1, Integer::sum);
          millis.merge(outcome, (System.nanoTime() - before) / 1_000_000, Long::sum);
        } catch (ExecutionException e) {
          Throwable error = e.getCause();
          findings.computeIfAbsent(signature(error), k -> new Finding(text, mutations, error)).count++;
        } catch (TimeoutException e) {
          result.cancel(true);
          runner.shutdownNow();
          runner = newRunner(); // the stuck thread is a daemon: it cannot keep the JVM alive
          findings.computeIfAbsent("timeout", k -> new Finding(text, mutations,
              new AssertionError("no result after " + TIMEOUT_SECONDS + " s"))).count++;
        }
      }
    } finally {
      runner.shutdownNow();
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    long cpuSeconds = TimeUnit.NANOSECONDS.toSeconds(processCpuNanos() - cpuStarted);
    System.out.println("fuzzer: " + MUTANTS + " mutants of " + seeds.size() + " programs (seed " + SEED + ") in "
        + seconds + " s (" + cpuSeconds + " s of CPU): " + outcomes + " taking " + millis + " ms; "
        + findings.size() + " distinct failures");
    if (!findings.isEmpty()) {
      fail(report(findings));
    }
    assertTrue(outcomes.getOrDefault(MutantRun.Outcome.TRAINED, 0) > MUTANTS / 20,
        "too few mutants reach training for the fuzzer to mean much: " + outcomes);
  }

  /** CPU time of the whole JVM (compiler threads and collector included), or 0 where unknown. */
  private static long processCpuNanos() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
  }

  private static ExecutorService newRunner() {
    return Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(null, task, "fuzz-mutant", 1024 * 1024);
      thread.setDaemon(true);
      return thread;
    });
  }

  /** A failure's kind: the stage, the exception's class and where in Adjoint it was thrown. */
  private static String signature(Throwable error) {
    Throwable root = error instanceof MutantRun.InternalError internal ? internal.getCause() : error;
    String stage = error instanceof MutantRun.InternalError internal ? internal.stage() + " " : "";
    StackTraceElement where = null;
    for (StackTraceElement frame : root.getStackTrace()) {
      if (frame.getClassName().startsWith("dev.adjoint")) {
        where = frame;
        break;
      }
    }
    return stage + root.getClass().getName() + (where == null ? "" : " at " + where.getClassName() + "."
        + where.getMethodName());
  }

  private static String report(Map<String, Finding> findings) throws IOException {
    Path folder = Path.of("target", "fuzz-failures");
    Files.createDirectories(folder);
    StringBuilder out = new StringBuilder(findings.size() + " kinds of internal error or timeout:\n");
    int n = 0;
    for (Map.Entry<String, Finding> e : findings.entrySet()) {
      Finding f = e.getValue();
      Path saved = folder.resolve("failure-" + ++n + ".nn").toAbsolutePath();
      Files.writeString(saved, f.mutant, StandardCharsets.UTF_8);
      StringWriter trace = new StringWriter();
      f.error.printStackTrace(new PrintWriter(trace));
      String shownTrace = trace.toString().lines().limit(25).reduce("", (a, b) -> a + b + "\n");
      out.append("\n=== ").append(n).append(". ").append(e.getKey()).append(" (").append(f.count)
          .append(" mutants)\n").append(f.mutations).append("\nsaved as ").append(saved).append("\n--- mutant ---\n")
          .append(f.mutant.length() <= SHOWN_TEXT ? f.mutant : f.mutant.substring(0, SHOWN_TEXT)
              + "\n... (" + f.mutant.length() + " characters; the whole mutant is in the file above)\n")
          .append("--- error ---\n").append(shownTrace);
    }
    return out.toString();
  }
}
