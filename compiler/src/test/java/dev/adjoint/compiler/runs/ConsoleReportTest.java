package dev.adjoint.compiler.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.train.EpochRecord;
import dev.adjoint.runtime.train.TrainerState;
import dev.adjoint.runtime.train.TrainingResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import org.junit.jupiter.api.Test;

/** The console report on a terminal (a bar per epoch, then the epoch's line) and off one (the lines only). */
class ConsoleReportTest {
  private static EpochRecord record(int epoch, double loss) {
    Map<String, Double> train = new LinkedHashMap<>();
    train.put("loss", loss);
    train.put("accuracy", 0.75);
    return new EpochRecord(epoch, 0.01, train, Map.of("loss", loss + 0.5), 1.25);
  }

  /** Two epochs of 4 batches; returns the plain output and each epoch's bar renderings. */
  private static List<String> run(boolean terminal, List<List<String>> bars, StringWriter text) {
    PrintWriter out = new PrintWriter(text);
    ConsoleReport report = new ConsoleReport(out, terminal, () -> {
      List<String> renderings = Collections.synchronizedList(new ArrayList<>());
      bars.add(renderings);
      return new DelegatingProgressBarConsumer(renderings::add, 100);
    });
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
  void aTerminalGetsABarPerEpochEndingInThePlainEpochLine() {
    List<List<String>> bars = Collections.synchronizedList(new ArrayList<>());
    List<String> lines = run(true, bars, new StringWriter());
    assertEquals(List.of(ConsoleReport.line(record(1, 0.2), 2), ConsoleReport.line(record(2, 0.2), 2)), lines,
        "each epoch ends with its plain line");
    assertTrue(lines.get(0).startsWith("epoch 1/2  loss 0.2000  accuracy 0.7500  val_loss 0.7000  lr 0.01"),
        lines.get(0));
    assertEquals(2, bars.size(), "one bar per epoch");
    for (int e = 0; e < 2; e++) {
      List<String> renderings = bars.get(e);
      assertFalse(renderings.isEmpty(), "epoch " + (e + 1) + " drew its bar");
      String finalBar = renderings.get(renderings.size() - 1);
      assertTrue(finalBar.startsWith("epoch " + (e + 1) + "/2 100%"), finalBar);
      assertTrue(finalBar.contains("[") && finalBar.contains("=") && finalBar.contains("]"), finalBar);
      assertTrue(finalBar.contains("4/4"), finalBar);
      assertTrue(finalBar.contains("loss 0.2000"), "the running loss of the last batch: " + finalBar);
    }
  }

  @Test
  void offATerminalOnlyTheLinesArePrinted() {
    List<List<String>> bars = Collections.synchronizedList(new ArrayList<>());
    List<String> lines = run(false, bars, new StringWriter());
    assertEquals(List.of(ConsoleReport.line(record(1, 0.2), 2), ConsoleReport.line(record(2, 0.2), 2)), lines);
    assertEquals(0, bars.size(), "no bar off a terminal");
  }
}
