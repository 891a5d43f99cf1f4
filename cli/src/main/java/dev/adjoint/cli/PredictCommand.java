package dev.adjoint.cli;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.runs.Prediction;
import dev.adjoint.compiler.runs.PredictionInputs;
import dev.adjoint.data.DataFiles;
import dev.adjoint.runtime.checkpoint.AtomicFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code adjoint predict FILE --checkpoint C --input CSV} (or {@code --input NAME=FILE.npy} per
 * input): a trained model's outputs for new rows.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = {"Runs a checkpoint on the rows of a CSV file (or of .npy or IDX files, one per input) and writes "
        + "the model's outputs as CSV, one line per row.",
        "The inputs' columns are those the train block's csv(...) names, found by the file's header; a file without "
            + "a header feeds a model's single input from all its columns in order. A model of several inputs takes "
            + "one .npy or IDX file each: --input x=x.npy --input lengths=lengths.npy. Values are raw, as in the "
            + "training data: the checkpoint's standardization and an idx source's scale are applied.",
        "A model trained on a texts(...) source takes a file of the same format with its text column, or texts "
            + "given by --text, featurized as in training; each line starts with the text."})
final class PredictCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  CheckpointedModel target;

  @Option(names = "--input", paramLabel = "FILE",
      description = "the rows to predict on: a CSV file, or a .npy or IDX file per input (NAME=FILE with several)")
  List<String> inputs = new ArrayList<>();

  @Option(names = "--text", paramLabel = "TEXT",
      description = "a text to classify, for a model trained on a texts(...) source (repeatable)")
  List<String> texts = new ArrayList<>();

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the predictions here (default: stdout)")
  Path output;

  @Option(names = "--keep", paramLabel = "COLUMN", split = ",",
      description = "copy these columns of the input (by header name, e.g. --keep id) to each line, before the outputs")
  List<String> keep = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (inputs.isEmpty() == texts.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "give the rows to predict on: --input FILE, or --text \"...\" for a text model (not both)");
    }
    for (String written : inputs) {
      Path file = Path.of(written.matches("[A-Za-z_][A-Za-z0-9_]*=.*") ? written.substring(written.indexOf('=') + 1)
          : written);
      String inputProblem = DataFiles.problem(file);
      if (inputProblem != null) {
        err.println(written + ": error: " + inputProblem);
        return AdjointCli.INPUT_ERRORS;
      }
    }
    if (output != null) {
      String refusal = OutputFile.refusal(output);
      if (refusal != null) {
        err.println(output + ": error: " + refusal);
        return AdjointCli.INPUT_ERRORS;
      }
    }
    Optional<ModelUnit> unit = target.unit(err);
    if (unit.isEmpty()) {
      return AdjointCli.INPUT_ERRORS;
    }
    return RunErrors.report(err, () -> {
      PredictionInputs input = texts.isEmpty() ? PredictionInputs.of(inputs, unit.get()) : null;
      Prediction prediction = Prediction.load(unit.get(), target.checkpoint, target.allowNonFiniteWeights);
      Prediction.Written written;
      if (output == null) {
        PrintWriter out = spec.commandLine().getOut();
        written = input == null ? prediction.writeTexts(texts, out) : prediction.write(input, keep, out);
        if (out.checkError()) {
          err.println("error: the predictions could not all be written to standard output (a full disk or a closed "
              + "pipe?); the output is incomplete");
          return AdjointCli.INPUT_ERRORS;
        }
      } else {
        StringWriter text = new StringWriter();
        written = input == null ? prediction.writeTexts(texts, text) : prediction.write(input, keep, text);
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(output, channel -> {
          while (bytes.hasRemaining()) {
            channel.write(bytes);
          }
        });
        err.println("wrote " + written.rows() + " predictions to " + output);
      }
      if (written.nonFiniteRows() > 0) {
        err.println("error: " + written.nonFiniteRows() + " of " + written.rows() + " rows of " + String.join(", ", inputs)
            + " have outputs that are not finite (NaN or infinite), the first at data row "
            + written.firstNonFiniteRow() + "; they are written as they are, with no class. Are those inputs "
            + "far outside the training data, or is the checkpoint diverged?");
        return AdjointCli.INPUT_ERRORS;
      }
      return AdjointCli.OK;
    });
  }
}
