package dev.adjoint.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import org.codehaus.janino.SimpleCompiler;
import org.junit.jupiter.api.Test;

/**
 * The snippet of README.md's "Derivatives from Java" compiles and runs as printed: it is
 * pasted into a method that takes the digit and returns the gradient (its paths, relative to
 * the checkout, resolved against it), compiled with Janino and called on an MNIST digit.
 */
class ReadmeDerivativesTest {
  @Test
  void theReadmeSnippetCompilesAndGivesAGradientOfEveryPixel() throws Exception {
    Path examples = Path.of(System.getProperty("adjoint.examples", ".")).toAbsolutePath().normalize();
    String readme = Files.readString(examples.getParent().resolve("README.md"));
    int section = readme.indexOf("### Derivatives from Java");
    assertTrue(section >= 0, "README.md has the section");
    int start = readme.indexOf("```java\n", section) + "```java\n".length();
    String snippet = readme.substring(start, readme.indexOf("```", start))
        .replace("Path.of(\"examples/", "Path.of(\"" + examples.toString().replace("\\", "/") + "/");
    String source = """
        import dev.adjoint.compiler.Adjoint;
        import dev.adjoint.compiler.ModelFunction;
        import dev.adjoint.compiler.autodiff.FunctionSpec;
        import dev.adjoint.compiler.autodiff.FunctionSpec.Wrt;
        import dev.adjoint.compiler.frontend.ModelUnit;
        import dev.adjoint.runtime.model.CompiledModel;
        import java.nio.file.Path;
        import java.util.List;

        public class Snippet {
          public static float[] run(float[] digit) {
        %s
            return pixels;
          }
        }
        """.formatted(snippet);
    SimpleCompiler janino = new SimpleCompiler();
    janino.setParentClassLoader(getClass().getClassLoader());
    janino.setSourceVersion(17);
    janino.setTargetVersion(17);
    janino.cook(source);
    Method run = janino.getClassLoader().loadClass("Snippet").getMethod("run", float[].class);
    float[] digit = MnistDigits.read(examples.resolve("mnist")).pixels()[0];
    float[] pixels = (float[]) run.invoke(null, (Object) digit);
    assertEquals(64 * 784, pixels.length, "the function's buffer for 64 digits");
    double norm = 0;
    for (int i = 0; i < 784; i++) {
      norm += pixels[i] * pixels[i];
    }
    assertTrue(norm > 0 && Double.isFinite(norm), "a gradient: " + norm);
  }
}
