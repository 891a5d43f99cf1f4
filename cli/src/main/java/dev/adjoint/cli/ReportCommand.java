package dev.adjoint.cli;

import dev.adjoint.compiler.report.RunReport;
import dev.adjoint.compiler.runs.RecordedRun;
import dev.adjoint.runtime.checkpoint.AtomicFile;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code adjoint report RUN_DIR}: a training run as one self-contained HTML page. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Writes one self-contained HTML page of a training run (no network needed): its curves, metrics "
        + "per epoch, the model's graph as written and after the passes, the pass log and the generated predictor "
        + "class, each graph node linked to the method it became.",
        "The model is rebuilt from the .nn text and --set values the run's checkpoint records."})
final class ReportCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RUN_DIR", description = "a run folder of adjoint train")
  Path folder;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "the page to write (default: RUN_DIR/report.html)")
  Path output;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Path page = output == null ? folder.resolve("report.html") : output;
    String refusal = OutputFile.refusal(page);
    if (refusal != null) {
      err.println(page + ": error: " + refusal);
      return AdjointCli.INPUT_ERRORS;
    }
    return RunErrors.report(err, () -> {
      String html = RunReport.html(RecordedRun.read(folder));
      ByteBuffer bytes = ByteBuffer.wrap(html.getBytes(StandardCharsets.UTF_8));
      AtomicFile.write(page, channel -> {
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      });
      err.println("wrote the report to " + page);
      return AdjointCli.OK;
    });
  }
}
