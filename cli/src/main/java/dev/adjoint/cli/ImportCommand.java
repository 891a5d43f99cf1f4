package dev.adjoint.cli;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.runs.WeightImport;
import dev.adjoint.data.DataFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code adjoint import FILE --weights W.safetensors --out C [--map h=fc1 ...]}: weights trained elsewhere as a checkpoint. */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Writes weights trained elsewhere (a PyTorch state_dict or a Hugging Face model saved as safetensors) "
        + "as a checkpoint of the model, for eval, predict, a Predictor or train --resume.",
        "Each parameter and state takes the file's tensor of the same name, or the one --map names: h=fc1 maps a layer "
            + "(W, b, gamma, beta, table, running statistics take weight, bias, running_mean, ...), h.W=fc1.weight one "
            + "tensor. A W (dense or convolution weight) is transposed from PyTorch's [out, in, k...] to [k..., in, "
            + "out]; F16, BF16 and F64 values become f32."})
final class ImportCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the .nn file")
  Path file;

  @Option(names = "--weights", required = true, paramLabel = "W", description = "the safetensors file to import")
  Path weights;

  @Option(names = "--out", required = true, paramLabel = "C", description = "the checkpoint to write")
  Path out;

  @Option(names = "--map", paramLabel = "ADJOINT=FILE", split = ",",
      description = "a layer (h=fc1) or a tensor (h.W=fc1.weight) of the model and its name in the file")
  List<String> mapping = new ArrayList<>();

  @Option(names = "--model", paramLabel = "NAME", description = "the model, when the file has several")
  String model;

  @Option(names = "--set", paramLabel = "NAME=VALUE", description = "a hyperparameter, as for train")
  List<String> sets = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    String problem = DataFiles.problem(weights);
    if (problem != null) {
      err.println(weights + ": error: " + problem);
      return AdjointCli.INPUT_ERRORS;
    }
    String refusal = OutputFile.refusal(out);
    if (refusal != null) {
      err.println(out + ": error: " + refusal);
      return AdjointCli.INPUT_ERRORS;
    }
    Optional<ModelUnit> unit = TrainedModelChoice.choose(file, model, sets, err);
    if (unit.isEmpty()) {
      return AdjointCli.INPUT_ERRORS;
    }
    return RunErrors.report(err, () -> {
      WeightImport.Result result = WeightImport.write(unit.get(), weights, mapping, out);
      PrintWriter console = spec.commandLine().getOut();
      for (Map.Entry<String, String> e : result.sources().entrySet()) {
        console.println(e.getKey() + " <- " + e.getValue());
      }
      if (!result.unused().isEmpty()) {
        console.println("not used: " + String.join(", ", result.unused()));
      }
      console.println("wrote " + out);
      console.flush();
      return AdjointCli.OK;
    });
  }
}
