package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.golden.Golden;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The jars the build packages, as an application or a publisher gets them: each names its
 * module for the module path (Automatic-Module-Name) and carries the licence, the same text
 * as the repository's LICENSE.
 */
class PackagedJarsIT {
  @Test
  void everyJarNamesItsModuleAndCarriesTheLicence() throws IOException {
    String licence = Files.readString(Golden.repo().resolve("LICENSE"), StandardCharsets.UTF_8);
    assertTrue(licence.contains("Apache License") && licence.contains("Version 2.0"), "LICENSE is not Apache-2.0");
    // the command line's jar is packaged before this test runs; the others earlier in the reactor
    for (String module : List.of("grammar", "runtime", "data", "compiler", "cli")) {
      Path jar = jarOf(module);
      try (JarFile file = new JarFile(jar.toFile())) {
        assertEquals("dev.adjoint." + module, file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"),
            jar.toString());
        assertNotNull(file.getEntry("META-INF/LICENSE"), jar + " has no META-INF/LICENSE");
        try (InputStream in = file.getInputStream(file.getEntry("META-INF/LICENSE"))) {
          assertEquals(licence, new String(in.readAllBytes(), StandardCharsets.UTF_8), jar.toString());
        }
      }
    }
  }

  private static Path jarOf(String module) throws IOException {
    Path target = Golden.repo().resolve(module).resolve("target");
    try (Stream<Path> files = Files.list(target)) {
      return files.filter(p -> p.getFileName().toString().matches("adjoint-" + module + "-[^-]+(-SNAPSHOT)?\\.jar"))
          .findFirst().orElseThrow(() -> new AssertionError("no packaged jar of " + module + " in " + target));
    }
  }
}
