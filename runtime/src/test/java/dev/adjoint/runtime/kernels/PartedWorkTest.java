package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Element-wise work shared between an engine's threads: every element once, failures rethrown. */
class PartedWorkTest {
  @Test
  void partsCoverEveryElementOnceInOrder() {
    for (int n : new int[] {0, 1, 4095, 4096, 10_007, 200_704}) {
      for (int parts = 1; parts <= 5; parts++) {
        assertEquals(0, PartedWork.start(n, 0, parts));
        assertEquals(n, PartedWork.start(n, parts, parts));
        for (int p = 0; p < parts; p++) {
          assertTrue(PartedWork.start(n, p, parts) <= PartedWork.start(n, p + 1, parts), "ordered");
        }
      }
    }
    assertEquals(100, PartedWork.start(100, 1, 2), "a short loop goes whole to part 0");
    assertEquals(4095, PartedWork.start(4095, 1, 2), "one element short of the split");
    assertEquals(2048, PartedWork.start(4096, 1, 2), "split from 4096 elements on");
  }

  @Test
  void rowPartsCoverEveryRowOnceInOrder() {
    for (int rows : new int[] {0, 1, 15, 16, 2048, 10_007}) {
      for (int parts = 1; parts <= 5; parts++) {
        assertEquals(0, PartedWork.startRow(rows, 256, 0, parts));
        assertEquals(rows, PartedWork.startRow(rows, 256, parts, parts));
        for (int p = 0; p < parts; p++) {
          assertTrue(PartedWork.startRow(rows, 256, p, parts) <= PartedWork.startRow(rows, 256, p + 1, parts));
        }
      }
    }
    assertEquals(15, PartedWork.startRow(15, 256, 1, 2), "15 rows of 256 (3,840 elements) go whole to part 0");
    assertEquals(8, PartedWork.startRow(16, 256, 1, 2), "16 rows of 256 (4,096) split");
    assertEquals(1024, PartedWork.startRow(2048, 64, 1, 2), "whole rows, not elements");
    assertEquals(0, PartedWork.startRow(1, 1 << 20, 1, 2), "one long row goes whole to one part");
    assertEquals(0, PartedWork.startRow(1 << 20, 1 << 20, 0, 2), "no overflow in rows times length");
    assertEquals(1 << 19, PartedWork.startRow(1 << 20, 1 << 20, 1, 2));
  }

  @Test
  void everyEngineRunsEachElementExactlyOnce() throws Exception {
    try (GemmEngine three = GemmEngine.create(3)) {
      for (GemmEngine engine : java.util.List.of(TestEngines.all().get(0), TestEngines.all().get(1), three)) {
        for (int n : new int[] {100, 10_007}) {
          AtomicIntegerArray seen = new AtomicIntegerArray(n);
          Set<String> threads = ConcurrentHashMap.newKeySet();
          engine.runParts((part, parts) -> {
            threads.add(Thread.currentThread().getName());
            for (int i = PartedWork.start(n, part, parts); i < PartedWork.start(n, part + 1, parts); i++) {
              seen.incrementAndGet(i);
            }
          });
          for (int i = 0; i < n; i++) {
            assertEquals(1, seen.get(i), engine + ": element " + i + " of " + n);
          }
          assertTrue(threads.size() <= engine.threads(), engine + " ran on " + threads);
        }
      }
    }
  }

  @Test
  void aFailingPartIsRethrownToTheCaller() throws Exception {
    try (GemmEngine two = GemmEngine.create(2)) {
      IllegalStateException failure = new IllegalStateException("part 1 failed");
      IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> two.runParts((part, parts) -> {
        if (part == parts - 1) {
          throw failure;
        }
      }));
      assertSame(failure, thrown);
      int[] calls = new int[1];
      two.runParts((part, parts) -> {
        synchronized (calls) {
          calls[0]++;
        }
      });
      assertEquals(2, calls[0], "the engine still works after a failure");
    }
  }

  @Test
  void aClosedEngineRefuses() {
    GemmEngine engine = GemmEngine.create(2);
    engine.close();
    assertThrows(IllegalStateException.class, () -> engine.runParts((part, parts) -> { }));
  }
}
