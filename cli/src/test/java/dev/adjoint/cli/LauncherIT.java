package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.golden.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real launcher script, run after packaging: what a user types. */
class LauncherIT {
  @TempDir
  Path temp;

  private record Result(int status, String out, String err) {}

  private static Result launch(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Golden.repo().resolve("bin/adjoint").toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("adjoint", ".out");
    Path err = Files.createTempFile("adjoint", ".err");
    try {
      Process p = new ProcessBuilder(command).directory(Golden.repo().toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bin/adjoint did not finish");
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The command line's jar runs with java -jar beside its lib folder, as the build leaves them. */
  @Test
  void theJarRunsWithJavaDashJar() throws Exception {
    Path target = Golden.repo().resolve("cli/target");
    Path jar;
    try (var files = Files.list(target)) {
      jar = files.filter(p -> p.getFileName().toString().matches("adjoint-cli-[^-]+(-SNAPSHOT)?\\.jar"))
          .findFirst().orElseThrow();
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path out = Files.createTempFile("adjoint", ".out");
    try {
      Process p = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "check",
          Golden.repo().resolve("examples/iris/batchnorm.nn").toString()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java -jar did not finish");
      String text = Files.readString(out, StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), text);
      assertTrue(text.contains("batchnorm.nn: ok"), text);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  @Test
  void checksEveryExample() throws Exception {
    List<String> args = new ArrayList<>(List.of("check"));
    Golden.nnFiles(Golden.repo().resolve("examples")).forEach(p -> args.add(Golden.repo().relativize(p).toString()));
    Result r = launch(args.toArray(String[]::new));
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("examples/mnist/mnist.nn: ok"), r.out());
  }

  @Test
  void aBrokenFileExitsOneWithItsDiagnostic() throws Exception {
    Path bad = temp.resolve("broken.nn");
    Files.writeString(bad, "model m {\n  input x: f32[B, 4]\n  y = dense(x, 10, act = rellu)\n}\n");
    Result r = launch("check", bad.toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains("broken.nn:3:26: error: dense(): unknown activation 'rellu'"), r.err());
    assertTrue(r.err().contains("hint: did you mean 'relu'?"), r.err());
  }

  @Test
  void versionComesFromTheJar() throws Exception {
    Result r = launch("--version");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().startsWith("adjoint 0.1.0"), r.out());
  }
}
