package dev.adjoint.benchmarks;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.runtime.model.CompiledModel;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compile latency of W1's model (and, warm, of W6's transformer: {@link #warmW6}), from the
 * .nn file to something that runs:
 *
 * <ul>
 *   <li>{@link #warmW1}: in process, after warm-up — read and check the file, optimize,
 *       generate Java, compile it with Janino (bypassing the class cache, {@link
 *       ModelCompiler#compileUncached}), and make a model with its buffers for batch 64;
 *   <li>{@link #coldCli}: the wall time of one {@code bin/adjoint compile FILE -o DIR}
 *       process, JVM start-up included, as a user at a shell sees it.
 * </ul>
 *
 * The checkout is found from {@code -Dadjoint.home}, else from the working directory upward.
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.VECTOR, Jvm.XMS, Jvm.XMX})
public class CompileBenchmark {

  /** W1's .nn file on disk, beside its batch. */
  @State(Scope.Thread)
  public static class ModelFile {
    Path file;

    @Setup(Level.Trial)
    public void write() {
      file = ModelFiles.write(BenchData.of(Workload.MNIST_MLP));
    }

    @TearDown(Level.Trial)
    public void delete() {
      ModelFiles.deleteFolder(file.getParent());
    }
  }

  /** The launcher, a folder for its output and a file for its error messages. */
  @State(Scope.Thread)
  public static class Cli {
    Path launcher;
    Path out;
    Path log;

    @Setup(Level.Trial)
    public void setup() throws IOException {
      launcher = launcher();
      out = Files.createTempDirectory("adjoint-bench-out-");
      log = Files.createTempFile("adjoint-bench-", ".log");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      ModelFiles.deleteFolder(out);
      Files.deleteIfExists(log);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  // The compiler's own code (ANTLR, the passes, JavaPoet, Janino) takes about 20 s of compiling
  // before HotSpot has it all in C2: shorter warm-ups measure the JIT, not the steady state.
  @Warmup(iterations = 12, time = 2)
  @Measurement(iterations = 5, time = 2)
  public CompiledModel warmW1(ModelFile model) {
    ModelUnit unit = Adjoint.check(model.file, null, List.of());
    return ModelCompiler.compileUncached(unit).newModel(Workload.MNIST_MLP.batch());
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 10)
  public int coldCli(ModelFile model, Cli cli) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cli.launcher.toString(), "compile", model.file.toString(), "-o", cli.out.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(cli.log.toFile())
        .start();
    int status = p.waitFor();
    if (status != 0) {
      throw new IllegalStateException("adjoint compile exited with " + status + ":\n"
          + Files.readString(cli.log, StandardCharsets.UTF_8));
    }
    return status;
  }

  /** W6's .nn file (the transformer of {@link TransformerData}) on disk, beside its batch. */
  @State(Scope.Thread)
  public static class TransformerFile {
    Path file;

    @Setup(Level.Trial)
    public void write() {
      file = TransformerData.create().write();
    }

    @TearDown(Level.Trial)
    public void delete() {
      ModelFiles.deleteFolder(file.getParent());
    }
  }

  /** {@link #warmW1}'s measure on W6's transformer (issue 16's target: 100 ms), a model for batch 32. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 12, time = 2)
  @Measurement(iterations = 5, time = 2)
  public CompiledModel warmW6(TransformerFile model) {
    ModelUnit unit = Adjoint.check(model.file, null, List.of());
    return ModelCompiler.compileUncached(unit).newModel(TransformerData.BATCH);
  }

  /** bin/adjoint of the checkout: -Dadjoint.home, else the first folder upward that has it. */
  static Path launcher() {
    String home = System.getProperty("adjoint.home");
    if (home != null) {
      Path p = Path.of(home, "bin", "adjoint");
      if (Files.isExecutable(p)) {
        return p;
      }
      throw new IllegalStateException("-Dadjoint.home=" + home + " has no executable bin" + File.separator + "adjoint");
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path p = dir.resolve("bin").resolve("adjoint");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new IllegalStateException("bin/adjoint not found above " + Path.of("").toAbsolutePath()
        + ": run from the checkout or pass -Dadjoint.home=CHECKOUT");
  }
}
