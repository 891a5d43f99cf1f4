package dev.adjoint.compiler.build;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.golden.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JVM option that gives the matrix-product kernels the Vector API is said in one place, the
 * parent pom's {@code vector.module.args}: the module poms use the property, and the copies that
 * cannot read a Maven property (the launcher, the benchmark script, the JMH forks' constant) say
 * exactly the same.
 */
class VectorModuleSettingTest {
  private static final Pattern PROPERTY = Pattern.compile("<vector\\.module\\.args>([^<]+)</vector\\.module\\.args>");
  private static final List<String> MODULES = List.of("grammar", "runtime", "data", "compiler", "cli", "maven-plugin", "examples",
      "benchmarks", "spark");
  private static final List<String> COPIES = List.of("bin/adjoint", "cli/src/dist/bin/adjoint", "benchmarks/run.sh",
      "benchmarks/src/main/java/dev/adjoint/benchmarks/Jvm.java", "spark/bin/adjoint-spark");

  @Test
  void modulePomsUseTheParentProperty() throws IOException { // comments may name the module
    for (String module : MODULES) {
      String pom = read(module + "/pom.xml").replaceAll("(?s)<!--.*?-->", "");
      assertFalse(pom.contains("jdk.incubator.vector"), module + "/pom.xml names jdk.incubator.vector itself;"
          + " use ${vector.module.args} from the parent pom");
    }
  }

  @Test
  void copiesOutsideMavenSayTheSame() throws IOException {
    String option = option();
    for (String copy : COPIES) {
      String text = read(copy);
      assertTrue(text.contains(option), copy + " should pass the Vector API option exactly as the parent pom's"
          + " vector.module.args says: " + option);
      assertFalse(text.contains("--add-modules jdk.incubator.vector"), copy + " spells the option differently from"
          + " the parent pom's vector.module.args (" + option + ")");
    }
  }

  private static String option() throws IOException {
    Matcher m = PROPERTY.matcher(read("pom.xml"));
    assertTrue(m.find(), "the parent pom defines no vector.module.args property");
    return m.group(1).trim();
  }

  private static String read(String relative) throws IOException {
    Path file = Golden.repo().resolve(relative);
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
