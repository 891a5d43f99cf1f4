package dev.adjoint.compiler.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.codegen.GeneratedModel;
import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.gradcheck.GradientCheckProgramsTest;
import dev.adjoint.compiler.testing.RandomFeeds;
import dev.adjoint.runtime.model.CompiledModel;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.codehaus.commons.compiler.CompileException;
import org.codehaus.janino.SimpleCompiler;

/**
 * One model of a documentation example taken past the front end: the pass pipeline and code
 * generation for the model class (compiled in process by Janino) and for the predictor class
 * ({@code adjoint compile --inference}), then one training step when the model has a loss, on
 * a small random batch of its declared input shapes and class counts, and a prediction. The
 * data files of a train block are not read: only a run of {@code adjoint train} reads them.
 */
final class CompiledExample {
  static final int BATCH = 3;
  private static final long SEED = 11;

  private CompiledExample() {}

  /** Compiles and runs {@code unit}; {@code where} names it in failure messages. */
  static void check(ModelUnit unit, String where) throws CompileException {
    compilePredictor(unit);
    CompiledModel model = ModelCompiler.compile(unit).newModel(BATCH);
    model.initialize(SEED);
    fillInputs(model, unit);
    if (model.hasLoss()) {
      double loss = model.trainStep(BATCH);
      assertTrue(Double.isFinite(loss), where + ": the first training step's loss is " + loss);
      model.params().forEach((name, param) -> assertFinite(param.spec().size(BATCH), param::get,
          where + ": parameter " + name + " after one training step"));
      GradientCheckProgramsTest.assertPasses(unit, where);
    }
    model.predict(BATCH);
    model.outputs().forEach((name, output) -> assertFinite(output.spec().size(BATCH), output::get,
        where + ": output " + name));
  }

  /** The predictor's generated source compiles (it is only written to disk by the command line). */
  private static void compilePredictor(ModelUnit unit) throws CompileException {
    GeneratedModel predictor = ModelCompiler.generatePredictor(unit, ModelCompiler.DEFAULT_PACKAGE,
        ModelCompiler.className(unit.name()) + "Predictor");
    SimpleCompiler janino = new SimpleCompiler();
    janino.setParentClassLoader(CompiledModel.class.getClassLoader());
    janino.cook(predictor.fileName(), predictor.source());
  }

  /** Gaussian floats, class indices below the class count, ids in [-1, 10) (-1 is padding). */
  private static void fillInputs(CompiledModel model, ModelUnit unit) {
    Random random = new Random(SEED);
    for (var input : unit.graph().inputs()) {
      var values = RandomFeeds.input(input, BATCH, random).data();
      var buffer = model.input(input.sourceName());
      for (int i = 0; i < values.length; i++) {
        buffer.set(i, values[i]);
      }
    }
  }

  private static void assertFinite(int size, IntToDoubleFunction values, String what) {
    for (int i = 0; i < size; i++) {
      double v = values.applyAsDouble(i);
      assertTrue(Double.isFinite(v), what + " has " + v + " at " + i);
    }
  }
}
