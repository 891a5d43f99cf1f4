package dev.adjoint.compiler.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.train.EpochRecord;
import dev.adjoint.train.TrainerState;
import dev.adjoint.train.TrainingResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console report: a line per epoch, whether or not on a terminal (the bars are adjoint-cli's ProgressBars). */
class ConsoleReportTest {
  private static EpochRecord record(int epoch, double loss) {
    Map<String, Double> train = new LinkedHashMap<>();
    train.put("loss", loss);
    train.put("accuracy", 0.75);
    return new EpochRecord(epoch, 0.01, train, Map.of("loss", loss + 0.5), 1.25);
  }

  /** Two epochs of 4 batches; returns the output. */
  private static List<String> run(StringWriter text) {
    PrintWriter out = new PrintWriter(text);
    ConsoleReport report = new ConsoleReport(out);
    report.started(1, 2, 4);
    for (int epoch = 1; epoch <= 2; epoch++) {
      for (int b = 0; b < 4; b++) {
        report.batch(epoch, b, 4, 0.5 - 0.1 * b);
      }
      report.epoch(record(epoch, 0.2), new TrainerState(epoch, List.of(), Double.NaN, 0, 0, null), null);
    }
    report.finished(new TrainingResult(List.of(record(1, 0.2), record(2, 0.2)), false, 0, false));
    out.flush();
    return text.toString().lines().toList();
  }

  @Test
  void eachEpochIsOneLine() {
    List<String> lines = run(new StringWriter());
    assertEquals(List.of(ConsoleReport.line(record(1, 0.2), 2), ConsoleReport.line(record(2, 0.2), 2)), lines);
    assertTrue(lines.get(0).startsWith("epoch 1/2  loss 0.2000  accuracy 0.7500  val_loss 0.7000  lr 0.01"),
        lines.get(0));
  }
}
