package dev.adjoint.compiler.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.adjoint.compiler.golden.Golden;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The compiler's packages stay in their layers, read from the main sources' text (imports
 * and fully qualified names alike): the back end ({@code autodiff}, {@code passes},
 * {@code codegen}) never refers to the front end, and {@code settings}, which both share,
 * refers to nothing of the compiler but {@code ir} and {@code source}.
 */
class PackageLayersTest {
  private static final Path MAIN = Golden.repo().resolve("compiler/src/main/java/dev/adjoint/compiler");
  private static final Pattern COMPILER_PACKAGE = Pattern.compile("dev\\.adjoint\\.compiler\\.(\\w+)");

  @Test
  void theBackEndDoesNotReferToTheFrontEnd() {
    List<String> found = new ArrayList<>();
    for (String backEnd : List.of("autodiff", "passes", "codegen")) {
      found.addAll(references(backEnd, "frontend"::equals));
    }
    assertEquals(List.of(), found, "autodiff, passes and codegen must not depend on the front end");
  }

  @Test
  void settingsReferOnlyToTheIrAndSources() {
    Set<String> below = Set.of("ir", "source", "settings");
    assertEquals(List.of(), references("settings", p -> !below.contains(p)),
        "settings sit below the front and back end");
  }

  /** Each place a source file of {@code pkg} names a compiler package that is {@code forbidden}. */
  private static List<String> references(String pkg, Predicate<String> forbidden) {
    List<String> found = new ArrayList<>();
    for (Path file : sources(pkg)) {
      Matcher m = COMPILER_PACKAGE.matcher(read(file));
      while (m.find()) {
        if (forbidden.test(m.group(1))) {
          found.add(MAIN.relativize(file) + ": " + m.group());
        }
      }
    }
    return found;
  }

  private static List<Path> sources(String pkg) {
    try (Stream<Path> files = Files.walk(MAIN.resolve(pkg))) {
      List<Path> out = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
      assertFalse(out.isEmpty(), "no sources found in " + MAIN.resolve(pkg));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
