package dev.adjoint.spark;

import dev.adjoint.runtime.kernels.CallerOnly;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;

/**
 * A task's model work on the cores Spark gave the task. Spark runs one task per core of an
 * executor ({@code spark.task.cpus}, 1 by default); a compiled model would otherwise share
 * its products with the engine's helper threads, taking cores that other tasks were given
 * (and, on {@code local[1]}, the second core of a machine Spark was told has one). With one
 * core per task the work stays on the task's thread ({@link CallerOnly}); with more, or
 * outside a task (the driver), the engine shares it as usual. Results are the same bit for
 * bit either way.
 */
final class TaskCores {
  private TaskCores() {}

  static <T> T run(Supplier<T> work) {
    TaskContext task = TaskContext.get();
    return task != null && task.cpus() <= 1 ? CallerOnly.run(work) : work.get();
  }
}
