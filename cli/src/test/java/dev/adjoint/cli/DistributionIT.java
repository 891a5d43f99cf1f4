package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.golden.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive the build packages, unpacked as a user would: its {@code bin/adjoint}
 * checks a model and trains one with nothing but the archive's own jars and a JDK.
 */
class DistributionIT {
  @TempDir
  Path dir;

  private static Path archive() throws IOException {
    Path target = Golden.repo().resolve("cli/target");
    try (Stream<Path> files = Files.list(target)) {
      return files.filter(p -> p.getFileName().toString().matches("adjoint-cli-[^-]+(-SNAPSHOT)?-dist\\.tar\\.gz"))
          .findFirst().orElseThrow(() -> new AssertionError("no distribution archive in " + target));
    }
  }

  private String run(Path workdir, List<String> command) throws Exception {
    Path out = dir.resolve("out.txt");
    Process p = new ProcessBuilder(command).directory(workdir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + text);
    return text;
  }

  @Test
  void theUnpackedArchiveChecksAndTrainsAModel() throws Exception {
    run(dir, List.of("tar", "-xzf", archive().toString()));
    Path home;
    try (Stream<Path> entries = Files.list(dir)) {
      home = entries.filter(p -> p.getFileName().toString().startsWith("adjoint-")).findFirst().orElseThrow();
    }
    assertTrue(Files.isExecutable(home.resolve("bin/adjoint")), "bin/adjoint is executable");
    assertTrue(Files.exists(home.resolve("LICENSE")));
    try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
      List<String> names = jars.map(p -> p.getFileName().toString()).toList();
      for (String module : List.of("runtime", "data", "compiler", "cli", "grammar")) {
        assertTrue(names.stream().anyMatch(n -> n.startsWith("adjoint-" + module + "-")), module + " in " + names);
      }
    }
    String adjoint = home.resolve("bin/adjoint").toString();
    Path linear = Golden.repo().resolve("examples/linear/linear.nn");
    assertTrue(run(dir, List.of(adjoint, "check", linear.toString())).contains("linear.nn: ok"));
    String trained = run(dir, List.of(adjoint, "train", linear.toString(), "--epochs", "2", "--out",
        dir.resolve("run").toString()));
    assertTrue(trained.contains("epoch 2/2"), trained);
    assertTrue(Files.exists(dir.resolve("run/last.safetensors")), trained);
  }
}
