package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.golden.Golden;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class generated ahead of time compiles with javac against the runtime alone, and runs
 * in a class loader that can see nothing of the compiler.
 */
class AheadOfTimeTest {
  @TempDir
  Path temp;

  @Test
  void generatedSourceCompilesWithJavacAgainstTheRuntimeAlone() throws Exception {
    Path runtimeClasses = Golden.repo().resolve("runtime/target/classes");
    assertTrue(Files.isDirectory(runtimeClasses), "build the runtime first: " + runtimeClasses);
    Path sources = temp.resolve("src");
    Path classes = Files.createDirectories(temp.resolve("classes"));
    List<String> files = new java.util.ArrayList<>();
    for (String example : List.of("mnist/mnist.nn", "iris/batchnorm.nn", "salammbo/logreg.nn")) {
      Path nn = Golden.repo().resolve("examples").resolve(example);
      Compilation c = Frontend.compile(SourceFile.read(nn));
      ModelUnit unit = c.models().get(0);
      for (GeneratedModel g : List.of(ModelCompiler.generate(unit, "com.example.models", ModelCompiler.className(
          unit.name())), ModelCompiler.generatePredictor(unit, "com.example.models",
          ModelCompiler.className(unit.name()) + "Predictor"), ModelCompiler.generateSplit(unit,
          "com.example.models", ModelCompiler.className(unit.name()) + "Split"))) {
        Path file = sources.resolve(g.fileName());
        Files.createDirectories(file.getParent());
        Files.writeString(file, g.source());
        files.add(file.toString());
      }
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter messages = new StringWriter();
    // -cast: the casts of generic register* results are redundant to javac but needed by Janino
    List<String> options = List.of("--release", "17", "-Xlint:all,-cast", "-Werror", "-classpath",
        runtimeClasses.toString(),
        "-d", classes.toString());
    boolean ok = javac.getTask(messages, null, null, options, null,
        javac.getStandardFileManager(null, null, null).getJavaFileObjectsFromStrings(files)).call();
    assertTrue(ok, "javac failed:\n" + messages);

    URL[] path = {classes.toUri().toURL(), runtimeClasses.toUri().toURL()};
    try (URLClassLoader loader = new URLClassLoader(path, ClassLoader.getPlatformClassLoader())) {
      Class<?> type = loader.loadClass("com.example.models.Mnist");
      assertEquals(loader, type.getClassLoader());
      Object model = type.getConstructor(int.class).newInstance(4);
      double loss = (double) type.getMethod("trainStep", int.class).invoke(model, 4);
      assertEquals(Math.log(10), loss, 1e-5, "zero inputs give uniform probabilities");
      // the layout of a model too large for one class file: per-node methods in part classes
      Class<?> split = loader.loadClass("com.example.models.MnistSplit");
      assertTrue(split.getDeclaredClasses().length > 0, "part classes");
      Object parted = split.getConstructor(int.class).newInstance(4);
      assertEquals(loss, (double) split.getMethod("trainStep", int.class).invoke(parted, 4), 1e-6);
      Class<?> predictor = loader.loadClass("com.example.models.MnistPredictor");
      Object p = predictor.getConstructor(int.class).newInstance(1);
      predictor.getMethod("predict", int.class).invoke(p, 1);
      // the compiler's own classes are not reachable from this loader
      assertTrue(!CompiledModel.class.getClassLoader().equals(loader));
    }
  }
}
