package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * In a JVM with the Vector API: no note about a missing module, the note itself (logged once
 * per flag, as a warning naming both flags), a kernel's name, and a batch's product leaving
 * its thread's task record without arrays.
 */
class KernelNotesTest {
  @Test
  void nothingIsNotedWhenTheModuleIsPresent() {
    assumeTrue(Kernels.vectorModulePresent(), "NoVectorModuleTest covers the JVM without it");
    Kernels.preferred();
    assertFalse(Kernels.noted());
  }

  @Test
  void theNoteIsLoggedOncePerFlag() {
    List<String> notes = new ArrayList<>();
    System.Logger logger = new System.Logger() {
      @Override
      public String getName() {
        return "test";
      }

      @Override
      public boolean isLoggable(Level level) {
        return true;
      }

      @Override
      public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
        notes.add(level + " " + message);
      }

      @Override
      public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        notes.add(level + " " + format);
      }
    };
    AtomicBoolean flag = new AtomicBoolean();
    assertTrue(Kernels.noteOnce(flag, logger));
    assertFalse(Kernels.noteOnce(flag, logger), "once only");
    assertEquals(List.of("WARNING " + Kernels.MISSING_MODULE_NOTE), notes);
    assertTrue(Kernels.noteOnce(new AtomicBoolean(), logger), "a fresh flag notes again");
    assertEquals(2, notes.size());
  }

  @Test
  void aKernelIsNamedByItsDescription() {
    MicroKernel scalar = Kernels.scalar();
    assertEquals("scalar " + scalar.mr + "x" + scalar.nr, scalar.toString());
  }

  @Test
  void oneProductOfABatchLeavesItsTaskWithoutArrays() {
    Workspace workspace = new Workspace(0);
    float[] c = new float[4];
    BatchedProduct.one(Kernels.scalar(), workspace, false, false, 2, 2, 1,
        new float[] {1, 2}, 0, new float[] {3, 4}, 0, c, 0, false);
    assertArrayEquals(new float[] {3, 4, 6, 8}, c);
    assertNull(workspace.task.a);
    assertNull(workspace.task.b);
    assertNull(workspace.task.c);
  }
}
