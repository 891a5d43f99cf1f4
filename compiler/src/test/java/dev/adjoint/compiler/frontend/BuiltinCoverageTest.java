package dev.adjoint.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every built-in function has its values checked: each is named by a {@link Covers} on a
 * test method of the value tests, and every name there is a real built-in.
 */
class BuiltinCoverageTest {
  private static final List<Class<?>> VALUE_TESTS = List.of(ActivationValuesTest.class, MathValuesTest.class,
      AnalysisValuesTest.class, AxisValuesTest.class, LayerValuesTest.class, LossValuesTest.class, JoinValuesTest.class,
      SelectionValuesTest.class, ProductValuesTest.class,
      PoolValuesTest.class, ConvValuesTest.class, DifferentiationValuesTest.class, RecurrentValuesTest.class,
      AttentionValuesTest.class);

  private static Set<String> covered() {
    Set<String> names = new TreeSet<>();
    for (Class<?> c : VALUE_TESTS) {
      for (Method m : c.getDeclaredMethods()) {
        Covers covers = m.getAnnotation(Covers.class);
        if (covers != null) {
          names.addAll(List.of(covers.value()));
        }
      }
    }
    return names;
  }

  @Test
  void everyBuiltinHasAValueTest() {
    Set<String> missing = new TreeSet<>(BuiltinTable.standard().names());
    missing.removeAll(covered());
    assertTrue(missing.isEmpty(), "built-ins without a value test (add one and mark it @Covers): " + missing);
  }

  @Test
  void everyCoveredNameIsABuiltin() {
    Set<String> unknown = new TreeSet<>(covered());
    unknown.removeAll(BuiltinTable.standard().names());
    assertEquals(Set.of(), unknown, "@Covers names that are not built-ins");
  }
}
