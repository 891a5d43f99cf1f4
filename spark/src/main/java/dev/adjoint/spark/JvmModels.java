package dev.adjoint.spark;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.runs.TrainingPlan;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.train.TrainingOptions;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The compiled models of this JVM (a driver's or an executor's), by {@link ModelSource#key}:
 * each model is parsed and compiled once per JVM, whatever the number of tasks, partitions and
 * rounds that use it; the classes live as long as the JVM does.
 */
final class JvmModels {
  private static final Map<String, ModelFactory> FACTORIES = new ConcurrentHashMap<>();
  private static final Map<String, ModelUnit> UNITS = new ConcurrentHashMap<>();
  private static final Map<String, TrainingOptions> OPTIONS = new ConcurrentHashMap<>();
  private static final Map<String, Queue<CompiledModel>> IDLE = new ConcurrentHashMap<>();
  private static final AtomicInteger COMPILATIONS = new AtomicInteger();

  private JvmModels() {}

  /** The model's compiled class, compiled on the first call in this JVM. */
  static ModelFactory factory(ModelSource source) {
    return FACTORIES.computeIfAbsent(source.key(), k -> {
      COMPILATIONS.incrementAndGet();
      return Adjoint.compile(source.fileName(), source.text(), source.model(), source.sets());
    });
  }

  /** The checked model (graph, train block), checked on the first call in this JVM. */
  static ModelUnit unit(ModelSource source) {
    return UNITS.computeIfAbsent(source.key(), k -> source.unit());
  }

  /** The train block's loop options (schedule, learning rate, seed, ...), as {@code adjoint train} reads them. */
  static TrainingOptions options(ModelSource source) {
    return OPTIONS.computeIfAbsent(source.key(), k -> TrainingPlan.options(unit(source), 0));
  }

  /**
   * A model of {@code batch} rows for a task to train or evaluate with, made once and reused
   * by later tasks of this JVM; the task overwrites its whole state and gives it back.
   */
  static CompiledModel borrow(ModelSource source, int batch) {
    CompiledModel m = IDLE.computeIfAbsent(source.key() + ':' + batch, k -> new ConcurrentLinkedQueue<>()).poll();
    return m != null ? m : factory(source).newModel(batch);
  }

  static void giveBack(ModelSource source, CompiledModel model) {
    model.release();
    IDLE.get(source.key() + ':' + model.maxBatch()).add(model);
  }

  /** How many models this JVM has compiled: what tests read to see that none is compiled per row or task. */
  static int compilations() {
    return COMPILATIONS.get();
  }
}
