package dev.adjoint.compiler.fuzz;

import dev.adjoint.compiler.AdjointException;
import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.data.DataException;
import dev.adjoint.runtime.checkpoint.CheckpointException;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import dev.adjoint.train.TrainingDivergedException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One mutant through what {@code adjoint train} does with it: {@code check}; then, for each
 * model it accepts, code generation and in-process compilation, a model for a batch of
 * {@link #BATCH}, two training steps on a small synthetic batch (class targets and ids in
 * range) and a prediction. Models beyond the fuzzer's budget ({@link #MAX_NODES} graph nodes,
 * {@link #MAX_ELEMENTS} tensor elements) are checked but not compiled: a test cannot afford
 * them, and their limits have tests of their own.
 */
final class MutantRun {
  /** What became of a mutant. */
  enum Outcome {
    /** {@code check} reported errors. */
    REJECTED,
    /** Every model compiled and trained (or predicted, without a loss). */
    TRAINED,
    /** Accepted, but too large for the fuzzer's budget. */
    OVER_BUDGET
  }

  /** The stage a mutant failed in. */
  enum Stage {
    CHECK, COMPILE, ALLOCATE, TRAIN
  }

  /** An exception that is not one of the project's errors for bad input: a bug. */
  static final class InternalError extends Exception {
    private static final long serialVersionUID = 1L;
    private final Stage stage;

    InternalError(Stage stage, Throwable cause) {
      super(stage + ": " + cause, cause);
      this.stage = stage;
    }

    Stage stage() {
      return stage;
    }
  }

  static final int BATCH = 3;
  static final int MAX_NODES = 3_000;
  static final long MAX_ELEMENTS = 4_000_000;

  private MutantRun() {}

  /** Runs the program in {@code file}; an exception that is not a user error is an {@link InternalError}. */
  static Outcome run(Path file) throws InternalError {
    Compilation c;
    try {
      c = Frontend.compile(SourceFile.read(file, "mutant.nn"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the mutant back", e);
    } catch (Throwable e) {
      throw new InternalError(Stage.CHECK, e);
    }
    if (!c.ok()) {
      return Outcome.REJECTED;
    }
    Outcome outcome = Outcome.TRAINED;
    for (ModelUnit unit : c.models()) {
      if (overBudget(unit.graph())) {
        outcome = Outcome.OVER_BUDGET;
        continue;
      }
      train(unit);
    }
    return outcome;
  }

  private static void train(ModelUnit unit) throws InternalError {
    Stage stage = Stage.COMPILE;
    try {
      CompiledModel model = ModelCompiler.compile(unit).newModel(BATCH);
      stage = Stage.ALLOCATE;
      fill(model, unit.graph());
      stage = Stage.TRAIN;
      if (model.hasLoss()) {
        model.trainStep(BATCH);
        model.trainStep(BATCH);
      }
      model.predict(BATCH);
    } catch (AdjointException | DataException | CheckpointException | TrainingDivergedException userError) {
      // said to the user in words: not what the fuzzer looks for
    } catch (Throwable e) {
      throw new InternalError(stage, e);
    }
  }

  /** Inputs from a fixed pattern in [-1, 1]; class targets cycle through their classes; ids are 0. */
  private static void fill(CompiledModel model, Graph graph) {
    for (Node input : graph.inputs()) {
      Attrs.Input attrs = input.attrs(Attrs.Input.class);
      Tensor tensor = model.inputs().get(attrs.name());
      if (tensor == null) {
        continue; // read by nothing the model computes (a target without a loss), so not an input of its class
      }
      long size = input.shape().size(BATCH);
      for (int i = 0; i < size; i++) {
        double value = attrs.classes() > 0 ? i % attrs.classes()
            : attrs.dtype().isFloat() ? ((i * 7919) % 17) / 8.0 - 1 : 0;
        tensor.set(i, value);
      }
    }
  }

  private static boolean overBudget(Graph graph) {
    if (graph.nodes().size() > MAX_NODES) {
      return true;
    }
    long elements = 0;
    for (Node node : graph.nodes()) {
      elements += node.shape().size(BATCH);
    }
    return elements > MAX_ELEMENTS;
  }
}
