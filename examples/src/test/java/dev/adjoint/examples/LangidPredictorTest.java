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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/langid/README.md's embedded predictor: its snippet compiles and runs as printed
 * against a run of langid.nn, with the sentence given at run time, and names the classes
 * {@code adjoint predict --text} names.
 */
class LangidPredictorTest {
  private static final Path EXAMPLES = Path.of(System.getProperty("adjoint.examples", ".")).toAbsolutePath()
      .normalize();

  @TempDir
  Path runs;

  @Test
  void theSnippetIdentifiesASentenceGivenAtRunTime() throws Exception {
    Path nn = EXAMPLES.resolve("langid/langid.nn");
    ModelUnit unit = Adjoint.check(nn, null, List.of());
    new TrainingRun(unit, runs.resolve("langid"), new PrintWriter(new StringWriter())).run(8, false);
    String readme = Files.readString(EXAMPLES.resolve("langid/README.md"));
    int start = readme.indexOf("```java\n") + "```java\n".length();
    String snippet = readme.substring(start, readme.indexOf("```", start))
        .replace("Path.of(\"examples/", "Path.of(\"" + EXAMPLES.toString().replace("\\", "/") + "/")
        .replace("Path.of(\"runs/", "Path.of(\"" + runs.toString().replace("\\", "/") + "/");
    String source = """
        import dev.adjoint.compiler.Adjoint;
        import dev.adjoint.compiler.codegen.ModelFactory;
        import dev.adjoint.runtime.predict.Predictor;
        import java.nio.file.Path;
        import java.util.List;

        public class Snippet {
          public static Object[] run(String[] args) {
        %s
            return new Object[] {predictor, language, many};
          }
        }
        """.formatted(snippet);
    Method method = ReadmePredictorTest.compileSnippet(runs, source).getMethod("run", String[].class);
    List<String> sentences = List.of("Ceci est une phrase", "Das ist ein Satz, den niemand kennt.",
        "Toda persona tiene derecho a la educación.");
    StringBuilder predicted = new StringBuilder();
    Prediction.load(unit, runs.resolve("langid/best.safetensors")).writeTexts(sentences, predicted);
    List<String> expected = predicted.toString().lines().skip(1).map(l -> l.substring(l.lastIndexOf(',') + 1))
        .toList();
    assertEquals(List.of("fr", "de", "es"), expected, predicted.toString());
    for (int i = 0; i < sentences.size(); i++) {
      Object[] result = (Object[]) method.invoke(null, (Object) new String[] {sentences.get(i)});
      assertEquals(expected.get(i), result[1], sentences.get(i));
      assertTrue(((Predictor) result[0]).readsText());
    }
    Object[] fallback = (Object[]) method.invoke(null, (Object) new String[0]);
    assertEquals("fr", fallback[1]);
    assertEquals(2, ((List<?>) fallback[2]).size());
  }
}
