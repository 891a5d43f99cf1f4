package dev.adjoint.compiler.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Golden files: expected output checked in beside what produces it. Run the tests with
 * {@code -Dadjoint.updateGolden=true} to rewrite them, then review the diff.
 */
public final class Golden {
  private static final boolean UPDATE = Boolean.getBoolean("adjoint.updateGolden");

  private Golden() {}

  /** The repository's root folder (Surefire sets adjoint.repo; otherwise the parent of the module). */
  public static Path repo() {
    String configured = System.getProperty("adjoint.repo");
    return (configured != null ? Path.of(configured) : Path.of("..")).toAbsolutePath().normalize();
  }

  /** The test resources of the compiler module. */
  public static Path resources() {
    return repo().resolve("compiler/src/test/resources");
  }

  /** Every .nn file under a folder, sorted. */
  public static List<Path> nnFiles(Path folder) {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(p -> p.toString().endsWith(".nn")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compares {@code actual} with the golden file, or rewrites it in update mode. */
  public static void check(Path golden, String actual) {
    try {
      if (UPDATE) {
        Files.createDirectories(golden.getParent());
        Files.writeString(golden, actual, StandardCharsets.UTF_8);
        return;
      }
      if (!Files.exists(golden)) {
        fail("missing golden file " + repo().relativize(golden)
            + "; run the tests with -Dadjoint.updateGolden=true to create it, then review it");
      }
      assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual,
          "output differs from " + repo().relativize(golden)
              + " (run with -Dadjoint.updateGolden=true to accept the new output)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same path with another extension: {@code a/b.nn} to {@code a/b.graph}. */
  public static Path withExtension(Path path, String extension) {
    String name = path.getFileName().toString();
    return path.resolveSibling(name.substring(0, name.lastIndexOf('.')) + extension);
  }
}
