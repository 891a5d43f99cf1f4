package dev.adjoint.cli;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.runs.TextSampling;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adjoint sample FILE --checkpoint C --prompt "..." --length N}: text from a trained language model. */
@Command(name = "sample", mixinStandardHelpOptions = true,
    description = {"Generates text with a language model trained on a text(...) source: the prompt, then N "
        + "characters (bytes with text(bytes = true)), each drawn from the model's output at the last position, "
        + "the same text for the same seed. Prompt characters must occur in the training text."})
final class SampleCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  CheckpointedModel target;

  @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "the text to continue")
  String prompt;

  @Option(names = "--length", required = true, paramLabel = "N", description = "how many characters to generate")
  int length;

  @Option(names = "--temperature", paramLabel = "T", defaultValue = "1",
      description = "scales the scores before the softmax: below 1 surer, above 1 more varied, 0 always the likeliest "
          + "(default: ${DEFAULT-VALUE})")
  double temperature;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "the draws' seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (length < 0 || length > 1_000_000) {
      err.println("error: --length must be between 0 and 1000000, got " + length);
      return AdjointCli.INPUT_ERRORS;
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      err.println("error: --temperature must be a finite number 0 or above, got " + temperature);
      return AdjointCli.INPUT_ERRORS;
    }
    Optional<ModelUnit> unit = target.unit(err);
    if (unit.isEmpty()) {
      return AdjointCli.INPUT_ERRORS;
    }
    return RunErrors.report(err, () -> {
      TextSampling sampling = TextSampling.load(unit.get(), target.checkpoint, target.allowNonFiniteWeights);
      PrintWriter out = spec.commandLine().getOut();
      out.println(sampling.sample(prompt, length, temperature, seed));
      out.flush();
      return AdjointCli.OK;
    });
  }
}
