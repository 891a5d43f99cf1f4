package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.train.EpochRecord;
import dev.adjoint.train.TrainerState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import org.junit.jupiter.api.Test;

/** A bar per epoch on a terminal, each ending at its last batch with the running loss. */
class ProgressBarsTest {
  private static EpochRecord record(int epoch, double loss) {
    Map<String, Double> train = new LinkedHashMap<>();
    train.put("loss", loss);
    train.put("accuracy", 0.75);
    return new EpochRecord(epoch, 0.01, train, Map.of("loss", loss + 0.5), 1.25);
  }

  /** Two epochs of 4 batches; collects each epoch's bar renderings. */
  private static void run(List<List<String>> bars) {
    ProgressBars report = new ProgressBars(() -> {
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
  }

  @Test
  void eachEpochGetsABarThatEndsFull() {
    List<List<String>> bars = Collections.synchronizedList(new ArrayList<>());
    run(bars);
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
}
