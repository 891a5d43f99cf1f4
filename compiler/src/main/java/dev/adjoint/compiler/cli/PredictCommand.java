package dev.adjoint.compiler.cli;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.training.Prediction;
import dev.adjoint.runtime.checkpoint.AtomicFile;
import dev.adjoint.runtime.data.DataFiles;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code adjoint predict FILE --checkpoint C --input CSV}: a trained model's outputs for new rows. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = {"Runs a checkpoint on the rows of a CSV file and writes the model's outputs as CSV, one line per row.",
        "The inputs' columns are those the train block's csv(...) names, found by the file's header; a file without "
            + "a header feeds a model's single input from all its columns in order. Values are raw, as in the "
            + "training data: the checkpoint's standardization and an idx source's scale are applied."})
final class PredictCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  CheckpointedModel target;

  @Option(names = "--input", required = true, paramLabel = "CSV", description = "the rows to predict on")
  Path input;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the predictions here (default: stdout)")
  Path output;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    String inputProblem = DataFiles.problem(input);
    if (inputProblem != null) {
      err.println(input + ": error: " + inputProblem);
      return AdjointCli.INPUT_ERRORS;
    }
    if (output != null && Files.isDirectory(output)) {
      err.println(output + ": error: is a folder; -o takes the name of the file to write the predictions to");
      return AdjointCli.INPUT_ERRORS;
    }
    Optional<ModelUnit> unit = target.unit(err);
    if (unit.isEmpty()) {
      return AdjointCli.INPUT_ERRORS;
    }
    return RunErrors.report(err, () -> {
      Prediction prediction = Prediction.load(unit.get(), target.checkpoint, target.allowNonFiniteWeights);
      if (output == null) {
        PrintWriter out = spec.commandLine().getOut();
        prediction.write(input, out);
        out.flush();
        return AdjointCli.OK;
      }
      StringWriter text = new StringWriter();
      int rows = prediction.write(input, text);
      ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
      AtomicFile.write(output, channel -> {
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      });
      err.println("wrote " + rows + " predictions to " + output);
      return AdjointCli.OK;
    });
  }
}
