package dev.adjoint.compiler.build;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.golden.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One class per simple name across every module, main and test sources alike, so that a class
 * name found in a stack trace or a search says where it lives (docs/architecture.md, Names).
 */
class UniqueClassNamesTest {
  private static final List<String> MODULES = List.of("grammar", "runtime", "compiler", "examples", "benchmarks");

  @Test
  void noTwoSourceFilesShareAName() throws IOException {
    Map<String, List<String>> byName = new TreeMap<>();
    for (String module : MODULES) {
      Path src = Golden.repo().resolve(module).resolve("src");
      if (!Files.isDirectory(src)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(src)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          String name = file.getFileName().toString();
          if (!name.equals("package-info.java") && !name.equals("module-info.java")) {
            byName.computeIfAbsent(name, k -> new ArrayList<>()).add(Golden.repo().relativize(file).toString());
          }
        }
      }
    }
    assertTrue(byName.size() > 300, "the scan found too few sources to mean anything: " + byName.size());
    String clashes = byName.entrySet().stream().filter(e -> e.getValue().size() > 1)
        .map(e -> e.getKey() + ": " + String.join(", ", e.getValue())).collect(Collectors.joining("\n"));
    assertTrue(clashes.isEmpty(), "classes that share a simple name; name each for its package:\n" + clashes);
  }
}
