package dev.adjoint.compiler.runs;

import dev.adjoint.compiler.autodiff.TrainingGraph;
import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Mode;
import dev.adjoint.compiler.interp.ModelParams;
import dev.adjoint.compiler.interp.NonFiniteSearch;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Primitive;
import dev.adjoint.compiler.source.SourceSpan;
import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.TensorSpec;
import dev.adjoint.train.BatchSource;
import dev.adjoint.train.Trainer;
import dev.adjoint.train.TrainingDivergedException;
import dev.adjoint.train.TrainingOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Explains a training step whose loss was not finite. The step is taken again from the
 * parameters it started with (the epoch's starting checkpoint, or the initialization, and the
 * epoch's earlier steps replayed exactly), and its forward pass is evaluated by the reference
 * interpreter rounding to f32 as compiled code does ({@link NonFiniteSearch}); the first node
 * that held a NaN or an infinity is reported at its .nn position with a hint that fits the
 * cause: the data (a non-finite input), the model (a NaN from finite values, or anything at
 * step 0, before any update), or the learning rate (values that grew over the steps). Costs
 * nothing until a run diverges.
 */
final class DivergenceReplay {
  private DivergenceReplay() {}

  /**
   * The divergence explained, or {@code diverged} as it is when the step cannot be replayed.
   *
   * @param checkpoint the checkpoint of the diverged epoch's start, or null when it is the run's first epoch
   */
  static TrainingDivergedException explain(TrainingDivergedException diverged, ModelUnit unit, ModelFactory factory,
      TrainingOptions options, int maxBatch, BatchSource train, Path checkpoint) {
    try {
      CompiledModel model = epochStart(factory, options, maxBatch, checkpoint);
      int count = Trainer.replayUntil(model, train, options, diverged.epoch(), diverged.step());
      Graph graph = unit.graph();
      Feed feed = new Feed(inputs(graph, model, count), ModelParams.of(graph, model), tensors(model.states()),
          Mode.TRAINING, model.seed(), model.step());
      NonFiniteSearch.Finding found = NonFiniteSearch.first(graph, List.of(graph.loss()), feed);
      String message = message(unit.name(), diverged, found);
      if (found != null && found.node().op() == Op.PARAM) {
        String update = previousUpdate(unit, factory, options, maxBatch, train, checkpoint, diverged);
        message = update == null ? message : paramHead(unit.name(), diverged, found) + update;
      }
      return new TrainingDivergedException(message, diverged.epoch(), diverged.step());
    } catch (RuntimeException e) {
      return diverged; // the plain report is still true; a failed look must not hide it
    }
  }

  /** A model as the diverged epoch started: initialized from the seed, or loaded from the checkpoint before it. */
  private static CompiledModel epochStart(ModelFactory factory, TrainingOptions options, int maxBatch,
      Path checkpoint) {
    CompiledModel model = factory.newModel(maxBatch);
    if (checkpoint == null) {
      model.initialize(options.seed());
      model.setSeed(options.seed());
      model.setStep(0);
    } else {
      Checkpoint.load(checkpoint, model, factory.key());
    }
    return model;
  }

  /**
   * Why the step before made a parameter non-finite: its loss was finite (or training would
   * have stopped there), so its gradient or its update was not. The step is replayed and its
   * backward pass searched for the first NaN or infinity; null when that step is not in the
   * epoch being replayed.
   */
  private static String previousUpdate(ModelUnit unit, ModelFactory factory, TrainingOptions options, int maxBatch,
      BatchSource train, Path checkpoint, TrainingDivergedException diverged) {
    long step = diverged.step() - 1;
    if (step < 0) {
      return null;
    }
    CompiledModel model = epochStart(factory, options, maxBatch, checkpoint);
    int count;
    try {
      count = Trainer.replayUntil(model, train, options, diverged.epoch(), step);
    } catch (IllegalArgumentException previousEpoch) {
      return null;
    }
    Graph training = TrainingGraph.of(unit.graph(), unit.train().regularizers());
    Feed feed = new Feed(inputs(training, model, count), ModelParams.of(training, model), tensors(model.states()),
        Mode.TRAINING, model.seed(), model.step());
    NonFiniteSearch.Finding found = NonFiniteSearch.first(training, List.copyOf(training.gradients().values()), feed);
    return backwardMessage(found, step);
  }

  /** The cause of a parameter's first non-finite value: the backward pass of step {@code step}, or its update. */
  static String backwardMessage(NonFiniteSearch.Finding found, long step) {
    if (found == null) {
      return "the update of step " + step + " made it so, though its gradients were finite: the learning rate is too"
          + " large for them; lower it, or clip the gradients (clip global_norm(1.0))";
    }
    Node node = found.node();
    String when = step == 0 ? "step 0, before any update," : "step " + step + ",";
    String domain = domainError(found);
    String advice;
    if (domain != null) {
      advice = "The derivative is not defined there (" + domain + "): guard that expression, for example keep the "
          + "argument of sqrt or log away from 0";
    } else if (step == 0) {
      advice = "The initial gradients overflow f32 (about 3.4e38; a NaN is then ∞ − ∞ or 0·∞), as they can "
          + "through a deep stack of layers, "
          + "growing layer by layer: clip them (clip global_norm(1.0)), make the model shallower or add residual "
          + "connections (h = h + block(h))";
    } else {
      advice = "The gradients grew until they overflowed f32 (a NaN is then ∞ − ∞ or 0·∞): clip them (clip global_norm(1.0)) or lower the "
          + "learning rate";
    }
    return "the update of step " + step + " made it so, because its gradient was not finite: at " + when
        + " the backward pass first produced " + found.bad() + " (from " + node.op().text() + ") in the derivative of "
        + node.span().location() + quoted(node.span()) + ". " + advice;
  }

  private static String paramHead(String model, TrainingDivergedException diverged, NonFiniteSearch.Finding found) {
    return "the loss of " + model + " stopped being a finite number at step " + diverged.step() + " (epoch "
        + diverged.epoch() + "): parameter '" + found.node().sourceName() + "' was already " + found.bad()
        + " before the step: ";
  }

  static String message(String model, TrainingDivergedException diverged, NonFiniteSearch.Finding found) {
    String head = "the loss of " + model + " stopped being a finite number at step " + diverged.step() + " (epoch "
        + diverged.epoch() + "): ";
    if (found == null) {
      return diverged.getMessage() + " (replayed in the reference interpreter, the step's values were all finite)";
    }
    Node node = found.node();
    double bad = found.bad();
    if (node.op() == Op.INPUT) {
      return head + "input '" + node.sourceName() + "' holds " + bad + " in sample " + sample(found)
          + " of the step's batch. The data has a value that is not a finite number: correct or remove that row";
    }
    if (node.op() == Op.PARAM || node.op() == Op.STATE) {
      return head + (node.op() == Op.PARAM ? "parameter '" : "state '") + node.sourceName()
          + "' was already " + bad + " before the step: an earlier update made it so. The updates grew until they "
          + "overflowed: try a lower learning rate, gradient clipping (clip global_norm(1.0)) or standardized inputs";
    }
    return head + "the first value that was not finite is " + bad + " from " + node.op().text() + " at "
        + node.span().location() + quoted(node.span()) + ". " + hint(found, diverged.step());
  }

  /** Data, model or learning rate, from the op, its inputs and the step. */
  private static String hint(NonFiniteSearch.Finding found, long step) {
    String domain = domainError(found);
    if (step == 0) {
      return "It happened at step 0, before any update, from finite inputs and initial parameters: the model itself "
          + "produces it" + (domain == null ? " (values beyond f32's range, about 3.4e38: inputs that are too large, "
          + "or a product that overflows?)" : " (" + domain + ")") + "; guard or rescale that expression";
    }
    if (domain != null) {
      return "The model computes " + domain + " after " + step + " updates from finite values: guard the argument "
          + "(for example clamp it or add a small constant), or lower the learning rate if the values grew";
    }
    return "Its inputs were finite and the values grew over " + step + " steps until they overflowed f32: try a "
        + "lower learning rate, gradient clipping (clip global_norm(1.0)) or standardized inputs";
  }

  /**
   * What makes the op undefined at its input, such as "log of 0 or a negative number", or null
   * for an overflow (also a NaN of another op, such as a loop's: ∞ − ∞ or 0·∞ after a value
   * overflowed).
   */
  private static String domainError(NonFiniteSearch.Finding found) {
    Primitive op = found.node().op();
    boolean nan = Double.isNaN(found.bad());
    if (op == Op.LOG) {
      return "log of 0 or a negative number";
    } else if (op == Op.LOG1P) {
      return "log1p of -1 or less";
    } else if (op == Op.SQRT) {
      return "sqrt of a negative number";
    } else if (op == Op.DIV || op == Op.RECIP) {
      return "a division by zero";
    } else if (op == Op.POW) {
      return nan ? "a power of a negative number" : "a power of zero or an overflow";
    }
    return null; // elsewhere a NaN is ∞ − ∞ or 0·∞: a value overflowed first
  }

  /** The sample (from 1) of a batched value's first non-finite element. */
  private static int sample(NonFiniteSearch.Finding found) {
    int[] shape = found.value().shape();
    int perSample = 1;
    for (int i = 1; i < shape.length; i++) {
      perSample *= shape[i];
    }
    return shape.length == 0 || perSample == 0 ? 1 : found.element() / perSample + 1;
  }

  /** " (`log(x)`)" when the span is one line of a file, else "". */
  private static String quoted(SourceSpan span) {
    if (span.endLine() != span.line()) {
      return "";
    }
    String line = span.file().line(span.line());
    if (span.endColumn() - 1 > line.length() || span.endColumn() <= span.column()) {
      return "";
    }
    return " (`" + line.substring(span.column() - 1, span.endColumn() - 1) + "`)";
  }

  /** The step's batch of every input of the graph, as the interpreter takes it. */
  private static Map<String, F64Tensor> inputs(Graph graph, CompiledModel model, int count) {
    Map<String, F64Tensor> out = new LinkedHashMap<>();
    for (Node input : graph.inputs()) {
      dev.adjoint.runtime.model.Tensor t = model.input(input.sourceName());
      out.put(input.sourceName(), copy(t, count));
    }
    return out;
  }

  private static Map<String, F64Tensor> tensors(Map<String, dev.adjoint.runtime.model.Tensor> group) {
    Map<String, F64Tensor> out = new LinkedHashMap<>();
    group.forEach((name, t) -> out.put(name, copy(t, 1)));
    return out;
  }

  /** A runtime tensor's values (the first {@code batch} samples of a batched one) as an interpreter tensor. */
  private static F64Tensor copy(dev.adjoint.runtime.model.Tensor t, int batch) {
    TensorSpec spec = t.spec();
    int[] shape = spec.shape().clone();
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shape[i] == TensorSpec.BATCH ? batch : shape[i];
    }
    double[] values = new double[spec.size(batch)];
    for (int i = 0; i < values.length; i++) {
      values[i] = t.get(i);
    }
    return F64Tensor.of(shape, values);
  }
}
