package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.AdjointException;
import dev.adjoint.compiler.golden.Golden;
import dev.adjoint.runtime.model.CompiledModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A .nn file whose train block names data that is not there, as in a jar, in CI or at build
 * time: checking, drawing, inspecting and compiling work (the missing file is a warning at the
 * .nn position), the compile API builds a model, and only train, eval and predict, which read
 * the data, refuse with the error at the same position.
 */
class DataFreeCommandsTest {
  private static final String PROGRAM = """
      model linear {
        input  x: f32[B, 3]
        target y: f32[B, 1]
        output p = dense(x, 1)
        loss = mse(p, y)
      }

      train linear {
        data      csv("absent.csv", x = ("a", "b", "c"), y = "y")
        optimizer sgd(lr = 0.1)
      }
      """;

  @TempDir
  Path temp;

  private Path program() throws IOException {
    Path file = temp.resolve("linear.nn");
    Files.writeString(file, PROGRAM);
    return file;
  }

  @Test
  void checkGraphInspectAndCompileNeedNoData() throws IOException {
    String file = program().toString();
    CliRun check = CliRun.of("check", file);
    assertEquals(AdjointCli.OK, check.status(), check.err());
    assertTrue(check.err().contains("linear.nn:9:17: warning: data file not found: \"absent.csv\"; the model compiles"
        + " without it, but train and eval will need it"), check.err());
    for (List<String> command : List.of(List.of("graph", file), List.of("graph", "--backward", file),
        List.of("inspect", file), List.of("compile", file, "-o", temp.resolve("java").toString()))) {
      CliRun r = CliRun.of(command.toArray(String[]::new));
      assertEquals(AdjointCli.OK, r.status(), command + ": " + r.err());
      assertTrue(r.err().contains("warning: data file not found"), command + ": " + r.err());
    }
    assertTrue(Files.exists(temp.resolve("java/Linear.java")) || Files.list(temp.resolve("java")).findAny()
        .isPresent(), "compile wrote no Java");
  }

  @Test
  void theCompileApiBuildsAModelWithoutTheData() throws IOException {
    CompiledModel model = Adjoint.compile(program()).newModel(2);
    model.initialize(1);
    assertEquals(6, model.input("x").capacity());
  }

  @Test
  void trainEvalAndPredictNeedTheData() throws IOException {
    String file = program().toString();
    CliRun train = CliRun.of("train", file, "--out", temp.resolve("run").toString());
    assertEquals(AdjointCli.INPUT_ERRORS, train.status(), train.err());
    assertTrue(train.err().contains("linear.nn:9:17: error: data file not found: \"absent.csv\""), train.err());
    assertFalse(train.err().contains("warning"), train.err());
    assertFalse(Files.exists(temp.resolve("run")), "a run folder was made for a run that could not start");
    // trained while the data was there, then the data goes: eval and predict refuse as train does
    Files.writeString(temp.resolve("absent.csv"), "a,b,c,y\n1,2,3,4\n2,3,4,5\n3,4,5,6\n4,5,6,7\n");
    CliRun trained = CliRun.of("train", file, "--out", temp.resolve("run").toString());
    assertEquals(AdjointCli.OK, trained.status(), trained.err());
    Files.delete(temp.resolve("absent.csv"));
    Path input = temp.resolve("new.csv");
    Files.writeString(input, "a,b,c\n1,2,3\n");
    String checkpoint = temp.resolve("run/last.safetensors").toString();
    for (List<String> command : List.of(List.of("eval", file, "--checkpoint", checkpoint),
        List.of("predict", file, "--checkpoint", checkpoint, "--input", input.toString()))) {
      CliRun r = CliRun.of(command.toArray(String[]::new));
      assertEquals(AdjointCli.INPUT_ERRORS, r.status(), command + ": " + r.err());
      assertTrue(r.err().contains("linear.nn:9:17: error: data file not found: \"absent.csv\""), command + ": "
          + r.err());
    }
  }

  @Test
  void aFileThatIsThereIsStillChecked() throws IOException {
    Path file = program();
    Files.writeString(temp.resolve("absent.csv"), "a,b,z,y\n1,2,3,4\n");
    CliRun check = CliRun.of("check", file.toString());
    assertEquals(AdjointCli.INPUT_ERRORS, check.status(), check.err());
    assertTrue(check.err().contains("\"c\""), check.err());
    AdjointException e = assertThrows(AdjointException.class, () -> Adjoint.compile(file));
    assertTrue(e.getMessage().contains("\"c\""), e.getMessage());
    // a reference to the repository keeps Golden's checks of the working directory in this class's run
    assertTrue(Files.isDirectory(Golden.repo()));
  }
}
