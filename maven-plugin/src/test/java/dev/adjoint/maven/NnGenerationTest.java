package dev.adjoint.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin's generation without Maven: packages, skipping unchanged files, and errors with their position. */
class NnGenerationTest {
  private static final String MODEL = """
      model tiny(width = 4) {
        input  x: f32[B, 3]
        target y: f32[B, 1]
        h = dense(x, width, act = relu)
        output p = dense(h, 1)
        loss = mse(p, y)
      }

      train tiny {
        data csv("data/absent.csv", x = ("a", "b", "c"), y = "y"), split(train = 0.8, val = 0.2)
        optimizer sgd(lr = 0.1)
      }
      """;

  @TempDir
  Path dir;

  private Path write(String relative, String text) throws Exception {
    Path file = dir.resolve("nn").resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private NnGeneration generation(String packageName, List<String> sets) {
    return new NnGeneration(dir.resolve("nn"), dir.resolve("out"), packageName, sets);
  }

  @Test
  void eachModelBecomesItsClassAndPredictorInItsFoldersPackageWithoutItsData() throws Exception {
    write("com/example/tiny.nn", MODEL);
    write("top.nn", MODEL.replace("tiny", "top"));
    NnGeneration.Result result = generation(null, List.of()).run();
    assertTrue(result.ok(), result.errors().toString());
    Path out = dir.resolve("out");
    assertEquals(List.of(out.resolve("com/example/Tiny.java"), out.resolve("com/example/TinyPredictor.java"),
        out.resolve("dev/adjoint/generated/Top.java"), out.resolve("dev/adjoint/generated/TopPredictor.java")),
        result.written());
    String source = Files.readString(out.resolve("com/example/Tiny.java"));
    assertTrue(source.startsWith("package com.example;") || source.contains("\npackage com.example;"), source);
    assertTrue(source.contains("public final class Tiny"), source);
    assertTrue(Files.readString(out.resolve("com/example/TinyPredictor.java"))
        .contains("public final class TinyPredictor"));
  }

  @Test
  void anUnchangedFileIsSkippedAndAnEditOrANewSettingOrADeletedClassCompilesItAgain() throws Exception {
    Path file = write("m/tiny.nn", MODEL);
    assertEquals(List.of(file), generation(null, List.of()).run().compiled());
    NnGeneration.Result again = generation(null, List.of()).run();
    assertEquals(List.of(), again.compiled());
    assertEquals(List.of(file), again.skipped());

    Files.writeString(file, MODEL.replace("width = 4", "width = 5"));
    assertEquals(List.of(file), generation(null, List.of()).run().compiled(), "an edit");
    assertEquals(List.of(file), generation(null, List.of("width=6")).run().compiled(), "a --set");
    assertEquals(List.of(), generation(null, List.of("width=6")).run().compiled());
    assertTrue(Files.readString(dir.resolve("out/m/Tiny.java")).contains("6"));
    Files.delete(dir.resolve("out/m/TinyPredictor.java"));
    assertEquals(List.of(file), generation(null, List.of("width=6")).run().compiled(), "a deleted class");
    assertEquals(List.of(file), generation("other.pkg", List.of("width=6")).run().compiled(), "another package");
    assertTrue(Files.exists(dir.resolve("out/other/pkg/Tiny.java")));
  }

  @Test
  void errorsNameTheFileLineAndColumnAndOtherFilesStillCompile() throws Exception {
    Path bad = write("a/bad.nn", MODEL.replace("h = dense(x, width, act = relu)", "h = dense(x, width, act = relux)"));
    Path good = write("b/good.nn", MODEL);
    NnGeneration.Result result = generation(null, List.of()).run();
    assertFalse(result.ok());
    assertEquals(List.of(good), result.compiled());
    assertEquals(1, result.errors().size(), result.errors().toString());
    String error = result.errors().get(0);
    assertTrue(error.startsWith(bad + ":4:"), error);
    assertTrue(error.contains("relux"), error);
    assertFalse(Files.exists(dir.resolve("out/a/Tiny.java")), "nothing is written for a file with errors");
    // a failed file is compiled again next time, not skipped
    assertEquals(1, generation(null, List.of()).run().errors().size());
  }

  @Test
  void aFolderThatIsNotAPackageAndAFileWithoutModelsAreErrors() throws Exception {
    Path oddFolder = write("my-models/tiny.nn", MODEL);
    Path empty = write("c/empty.nn", "# nothing here\n");
    NnGeneration.Result result = generation(null, List.of()).run();
    assertEquals(List.of(empty + ": error: the file declares no model",
        oddFolder + ": error: its folder gives the package 'my-models', which is not a Java package name;"
            + " rename the folder, or set the plugin's packageName"), result.errors());
    assertEquals(List.of(empty + ": error: the file declares no model"), generation("ok.models", List.of()).run().errors(),
        "one package for all avoids the folder's name");
  }

  @Test
  void noSourceFolderGeneratesNothing() {
    NnGeneration.Result result = generation(null, List.of()).run();
    assertTrue(result.ok());
    assertEquals(List.of(), result.written());
  }
}
