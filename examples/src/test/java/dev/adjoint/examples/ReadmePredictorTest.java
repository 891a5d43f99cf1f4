package dev.adjoint.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.runs.Prediction;
import dev.adjoint.compiler.runs.TrainingRun;
import dev.adjoint.runtime.predict.Predictor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's "Predicting from an application": its snippet compiles and runs as printed against
 * a run of the layer-norm iris example (standardized inputs, named classes), names the same
 * class as {@code adjoint predict} for every flower, and gives the same answers from four
 * threads at once.
 */
class ReadmePredictorTest {
  private static final Path EXAMPLES = Path.of(System.getProperty("adjoint.examples", ".")).toAbsolutePath()
      .normalize();

  @TempDir
  Path runs;

  /**
   * The snippet's class, compiled by the JDK's javac (Janino has no method references) against
   * the compiler's and the runtime's classes, and loaded beside this test's.
   */
  private Class<?> compile(String source) throws Exception {
    return compileSnippet(runs, source);
  }

  /** The class {@code Snippet} of {@code source}, compiled in {@code runs} and loaded beside the tests' classes. */
  static Class<?> compileSnippet(Path runs, String source) throws Exception {
    Path src = runs.resolve("Snippet.java");
    Files.writeString(src, source);
    Path out = Files.createDirectories(runs.resolve("classes"));
    String classpath = String.join(java.io.File.pathSeparator, List.of(location(Adjoint.class),
        location(Predictor.class)));
    javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
    StringWriter errors = new StringWriter();
    int status = javac.run(null, null, new java.io.PrintStream(new java.io.ByteArrayOutputStream()) {
      @Override
      public void write(byte[] b, int off, int len) {
        errors.write(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8));
      }
    }, "-d", out.toString(), "-cp", classpath, "--release", "17", src.toString());
    assertEquals(0, status, "the README snippet compiles:\n" + errors + "\n" + source);
    java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {out.toUri().toURL()},
        ReadmePredictorTest.class.getClassLoader());
    return loader.loadClass("Snippet");
  }

  private static String location(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  @Test
  void theSnippetNamesTheClassesAdjointPredictNames() throws Exception {
    Path nn = EXAMPLES.resolve("iris/layernorm.nn");
    ModelUnit unit = Adjoint.check(nn, null, List.of());
    Path run = runs.resolve("iris_layernorm");
    new TrainingRun(unit, run, new PrintWriter(new StringWriter())).run(20, false);
    String readme = Files.readString(EXAMPLES.getParent().resolve("README.md"));
    int section = readme.indexOf("### Predicting from an application");
    assertTrue(section >= 0, "README.md has the section");
    int start = readme.indexOf("```java\n", section) + "```java\n".length();
    String snippet = readme.substring(start, readme.indexOf("```", start))
        .replace("Path.of(\"examples/", "Path.of(\"" + EXAMPLES.toString().replace("\\", "/") + "/")
        .replace("Path.of(\"runs/", "Path.of(\"" + runs.toString().replace("\\", "/") + "/");
    String source = """
        import dev.adjoint.compiler.Adjoint;
        import dev.adjoint.compiler.codegen.ModelFactory;
        import dev.adjoint.runtime.predict.Predictor;
        import java.nio.file.Path;

        public class Snippet {
          public static Object[] run() {
        %s
            return new Object[] {predictor, species, probs};
          }
        }
        """.formatted(snippet);
    Method method = compile(source).getMethod("run");
    Object[] result = (Object[]) method.invoke(null);
    Predictor predictor = (Predictor) result[0];
    assertEquals(List.of("setosa", "versicolor", "virginica"), predictor.classNames());
    assertEquals("setosa", result[1], "the snippet's first flower");
    assertEquals(3, ((float[]) result[2]).length);

    // every flower of the data, as adjoint predict names it from the same checkpoint
    Path csv = EXAMPLES.resolve("iris/data/iris.csv");
    List<float[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
      String[] cells = line.split(",");
      rows.add(new float[] {Float.parseFloat(cells[0]), Float.parseFloat(cells[1]), Float.parseFloat(cells[2]),
          Float.parseFloat(cells[3])});
    }
    StringBuilder predicted = new StringBuilder();
    Prediction.load(unit, run.resolve("best.safetensors")).write(csv, predicted);
    List<String> expected = predicted.toString().lines().skip(1).map(l -> l.substring(l.lastIndexOf(',') + 1))
        .toList();
    assertEquals(rows.size(), expected.size());
    List<String> single = new ArrayList<>();
    for (float[] row : rows) {
      single.add(predictor.predictClass(row));
    }
    assertEquals(expected, single);
    // four threads at once, each many times over: the same classes, no call mixing another's rows
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<String>>> answers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        answers.add(pool.submit(() -> {
          List<String> mine = new ArrayList<>();
          for (int repeat = 0; repeat < 20; repeat++) {
            mine.clear();
            for (float[] row : rows) {
              mine.add(predictor.predictClass(row));
            }
          }
          return mine;
        }));
      }
      for (Future<List<String>> answer : answers) {
        assertEquals(expected, answer.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
