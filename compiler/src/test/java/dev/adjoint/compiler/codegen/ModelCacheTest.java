package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.source.SourceFile;
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
