package dev.adjoint.spark;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.compiler.frontend.ModelUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The compiled models of this JVM (a driver's or an executor's), by {@link ModelSource#key}:
 * each model is parsed and compiled once per JVM, whatever the number of tasks, partitions and
 * rounds that use it; the classes live as long as the JVM does.
 */
final class JvmModels {
  private static final Map<String, ModelFactory> FACTORIES = new ConcurrentHashMap<>();
  private static final Map<String, ModelUnit> UNITS = new ConcurrentHashMap<>();
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

  /** How many models this JVM has compiled: what tests read to see that none is compiled per row or task. */
  static int compilations() {
    return COMPILATIONS.get();
  }
}
