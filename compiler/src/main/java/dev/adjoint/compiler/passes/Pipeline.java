package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.autodiff.FunctionSpec;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Verifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The order of passes, in one place. A graph goes through named phases, as PyTensor's
 * modes do: canonicalize (common subexpressions, constants, identities), stabilize
 * (log-softmax, softmax with cross-entropy, sigmoid with binary cross-entropy, logs of
 * sigmoids — before
 * differentiation, so that the fused ops' own derivatives make the backward pass), then
 * for training: differentiate, and optimize the training graph (dropout scale, transposes
 * into products, dead code, a convolution's bias and relu into its kernel, elementwise
 * loops); for inference: extract the inference graph, fold batch norms into the
 * convolutions before them, and optimize it the same way. CSE runs again after every phase that builds new nodes.
 * Every stage has its own {@code phase/pass} name, so that each can be named.
 */
public final class Pipeline {

  /** A pass at its place in a pipeline: {@code stabilize/softmax-cross-entropy}. */
  public record Stage(String phase, Pass pass) {
    public String name() {
      return phase + "/" + pass.name();
    }
  }

  /** What a stage did: the graph after it and how many times it fired. */
  public record StageResult(Stage stage, Graph graph, int fired) {}

  private final String name;
  private final List<Stage> stages;

  private Pipeline(String name, List<Stage> stages) {
    this.name = name;
    this.stages = List.copyOf(stages);
  }

  /** From the forward graph to the optimized training graph, gradients included. */
  public static Pipeline training() {
    List<Stage> stages = new ArrayList<>(front());
    stages.add(new Stage("differentiate", new Differentiation()));
    stages.add(new Stage("differentiate", new CommonSubexpressions()));
    stages.addAll(optimize("optimize"));
    return new Pipeline("training", stages);
  }

  /** From the forward graph to the optimized inference graph: outputs only. */
  public static Pipeline inference() {
    return extracting("inference", false);
  }

  /** From the forward graph to the graph that evaluates it: outputs and loss as inference behaves. */
  public static Pipeline evaluation() {
    return extracting("evaluation", true);
  }

  /**
   * Canonicalize and stabilize only: what {@code grad} and {@code jvp} in the language run on
   * the expression they differentiate, so that a derivative taken while the model is built
   * goes through the fused ops' stable rules (softmax(z) - t, not 1/p) as training's does.
   */
  public static Pipeline stabilization() {
    return new Pipeline("stabilization", front());
  }

  /**
   * From the forward graph to the optimized graph of one of its derivatives, stabilized
   * before it is differentiated as training is: what {@code codegen.FunctionCompiler} compiles.
   */
  public static Pipeline function(FunctionSpec spec) {
    List<Stage> stages = new ArrayList<>(front());
    stages.add(new Stage("differentiate", new FunctionExtraction(spec)));
    stages.add(new Stage("differentiate", new CommonSubexpressions()));
    stages.addAll(optimize("optimize"));
    return new Pipeline("function", stages);
  }

  private static Pipeline extracting(String name, boolean keepLoss) {
    List<Stage> stages = new ArrayList<>(front());
    stages.add(new Stage("extract", new InferenceExtraction(keepLoss)));
    stages.add(new Stage("extract", new BatchNormFolding()));
    stages.add(new Stage("extract", new CommonSubexpressions()));
    stages.addAll(optimize("optimize"));
    return new Pipeline(name, stages);
  }

  private static List<Stage> front() {
    return List.of(
        new Stage("canonicalize", new CommonSubexpressions()),
        new Stage("canonicalize", new ConstantFolding()),
        new Stage("canonicalize", new AlgebraicSimplification()),
        new Stage("stabilize", new LogSoftmaxRewrite()),
        new Stage("stabilize", new SoftmaxCrossEntropyFusion()),
        new Stage("stabilize", new SigmoidBceFusion()),
        new Stage("stabilize", new LogSigmoidRewrite()),
        new Stage("stabilize", new CommonSubexpressions()));
  }

  private static List<Stage> optimize(String phase) {
    return List.of(
        new Stage(phase, new StopGradientRemoval()),
        new Stage(phase, new ConstantFolding()),
        new Stage(phase, new AlgebraicSimplification()),
        new Stage(phase, new DropoutScaleFolding()),
        new Stage(phase, new TransposeFolding()),
        new Stage(phase, new CommonSubexpressions()),
        new Stage(phase, new DeadCode()),
        new Stage("fuse", new EmbeddingBagFusion()),
        new Stage("fuse", new ConvEpilogueFusion()),
        new Stage("fuse", new ElementwiseFusion()),
        new Stage("fuse", new LoopBodyFusion()));
  }

  public String name() {
    return name;
  }

  public List<Stage> stages() {
    return stages;
  }

  /** Runs every stage; with {@code verify}, checks the graph after each and names the stage that broke it. */
  public List<StageResult> run(Graph graph, boolean verify) {
    return run(graph, verify, stages.size());
  }

  /** Runs the first {@code count} stages. */
  public List<StageResult> run(Graph graph, boolean verify, int count) {
    List<StageResult> results = new ArrayList<>();
    Graph current = graph;
    for (Stage stage : stages.subList(0, count)) {
      Pass.Result r = stage.pass().run(current);
      if (verify) {
        Verifier.check(r.graph(), "after " + stage.name());
      }
      current = r.graph();
      results.add(new StageResult(stage, current, r.fired()));
    }
    return results;
  }

  /** The final graph. */
  public Graph apply(Graph graph) {
    List<StageResult> results = run(graph, false);
    return results.isEmpty() ? graph : results.get(results.size() - 1).graph();
  }

  /**
   * How many stages to run to stop after {@code query}: a full {@code phase/pass} name, a
   * phase name (its last stage: {@code stabilize} runs the whole phase), or a pass name that
   * runs once; 0 when none matches. A name that is both a phase and a pass
   * ({@code differentiate}) means the phase.
   *
   * @throws IllegalArgumentException when a bare pass name runs several times
   */
  public int stagesThrough(String query) {
    List<Integer> matches = new ArrayList<>();
    int phaseEnd = 0;
    for (int i = 0; i < stages.size(); i++) {
      Stage s = stages.get(i);
      if (s.name().equals(query)) {
        return i + 1;
      }
      if (s.phase().equals(query)) {
        phaseEnd = i + 1;
      }
      if (s.pass().name().equals(query)) {
        matches.add(i);
      }
    }
    if (phaseEnd > 0) {
      return phaseEnd;
    }
    if (matches.size() > 1) {
      List<String> names = matches.stream().map(i -> stages.get(i).name()).toList();
      throw new IllegalArgumentException("'" + query + "' runs " + matches.size() + " times in the " + name
          + " pipeline; name one: " + String.join(", ", names));
    }
    return matches.isEmpty() ? 0 : matches.get(0) + 1;
  }

  /** Every phase name, in order. */
  public List<String> phaseNames() {
    return stages.stream().map(Stage::phase).distinct().toList();
  }

  /** Every stage name, in order. */
  public List<String> stageNames() {
    return stages.stream().map(Stage::name).toList();
  }
}
