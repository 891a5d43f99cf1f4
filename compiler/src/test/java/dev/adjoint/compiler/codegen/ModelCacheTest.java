package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ModelCompiler#compile} caches classes by a hash of the optimized graphs, the
 * optimizer, the clipping and the class name: the same model compiled again (even parsed
 * anew) is the same factory and class; any change that changes the generated code is not.
 */
class ModelCacheTest {
  private static final String MODEL = """
      model cached(hidden = 4) {
        input  x: f32[B, 3]
        target y: f32[B, 1]
        h = dense(x, hidden, act = relu)
        output p = dense(h, 1)
        loss = mse(p, y)
      }
      """;

  private static ModelUnit unit(List<String> sets) {
    Compilation c = Frontend.compile(SourceFile.of("cached.nn", MODEL), sets);
    assertTrue(c.ok(), c.diagnostics().format());
    return c.models().get(0);
  }

  @Test
  void theSameModelCompiledTwiceIsTheSameCachedFactory() {
    ModelUnit unit = unit(List.of());
    ModelFactory first = ModelCompiler.compile(unit);
    assertSame(first, ModelCompiler.compile(unit), "the same unit");
    ModelFactory reparsed = ModelCompiler.compile(unit(List.of()));
    assertSame(first, reparsed, "the same text parsed again");
    assertSame(first.type(), reparsed.type());
    assertEquals(first.key(), reparsed.key());
  }

  @Test
  void aModelNoLongerUsedUnloadsWithItsClassLoaderWhileALiveOneStaysCached() throws InterruptedException {
    // hidden = 17 is compiled by this test only
    WeakReference<ClassLoader> dropped = trainedThenDropped(List.of("hidden=17"));
    CompiledModel kept = ModelCompiler.compile(unit(List.of("hidden=18"))).newModel(2);
    long deadline = System.nanoTime() + 60_000_000_000L;
    List<byte[]> pressure = new ArrayList<>();
    while (dropped.get() != null && System.nanoTime() < deadline) {
      System.gc();
      pressure.add(new byte[1 << 16]);
      if (pressure.size() > 256) {
        pressure.clear();
      }
      Thread.sleep(10);
    }
    assertNull(dropped.get(), "the class loader of a model nobody uses is still reachable after a minute of GCs");
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    assertSame(kept.getClass(), ModelCompiler.compile(unit(List.of("hidden=18"))).type(),
        "a model in use keeps its factory cached, though nothing else holds the factory");
  }

  /** The class loader of a model compiled, trained a step and dropped with its factory. */
  private static WeakReference<ClassLoader> trainedThenDropped(List<String> sets) {
    ModelFactory factory = ModelCompiler.compile(unit(sets));
    CompiledModel model = factory.newModel(2);
    model.trainStep(2);
    model.predict(2);
    return new WeakReference<>(factory.type().getClassLoader());
  }

  @Test
  void aChangedHyperparameterMakesAnotherClass() {
    ModelFactory four = ModelCompiler.compile(unit(List.of()));
    ModelFactory five = ModelCompiler.compile(unit(List.of("hidden=5")));
    assertNotSame(four, five);
    assertNotSame(four.type(), five.type());
    assertNotEquals(four.key(), five.key());
    assertSame(five, ModelCompiler.compile(unit(List.of("hidden=5"))), "and that one is cached too");
    assertSame(four, ModelCompiler.compile(unit(List.of("hidden=4"))), "the default set explicitly is the default");
  }

  @Test
  void aChangedOptimizerClippingOrPenaltyMakesAnotherClass() {
    List<String> settings = List.of("optimizer sgd(lr = 0.1)", "optimizer sgd(lr = 0.2)",
        "optimizer sgd(lr = 0.1, momentum = 0.9)", "optimizer sgd(lr = 0.1)\nclip value(1)",
        "optimizer sgd(lr = 0.1)\nclip value(2)", "optimizer sgd(lr = 0.1)\nclip global_norm(1)",
        "optimizer sgd(lr = 0.1)\nregularize l2(0.1)", "optimizer sgd(lr = 0.1)\nregularize l1(0.1)");
    java.util.Set<Class<?>> types = new java.util.HashSet<>();
    for (String setting : settings) {
      ModelFactory factory = ModelCompiler.compile(TrainedModels.unit("f32", setting));
      types.add(factory.type());
      assertSame(factory, ModelCompiler.compile(TrainedModels.unit("f32", setting)), setting + " again");
    }
    assertEquals(settings.size(), types.size(), "one class per setting");
  }
}
