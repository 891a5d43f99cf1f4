package dev.adjoint.compiler.passes;

import static dev.adjoint.compiler.passes.PassTesting.assertSameValues;
import static dev.adjoint.compiler.passes.PassTesting.logsOfProbabilities;
import static dev.adjoint.compiler.passes.PassTesting.randomFeed;
import static dev.adjoint.compiler.passes.PassTesting.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.autodiff.TrainingGraph;
import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.golden.Golden;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Mode;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.TextDump;
import dev.adjoint.compiler.source.SourceFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every example and valid program through both pipelines, each stage verified: the
 * optimized training graph computes what the unoptimized one does (outputs, loss, state
 * updates and gradients, same seed and step), and the optimized inference graph what the
 * forward graph computes in inference mode. No log of a probability survives the
 * stabilize phase.
 */
class PipelineTest {
  /** Stable rewrites change the last bits of what the graph as written computed. */
  private static final double RTOL = 1e-9;
  private static final double ATOL = 1e-12;

  private static List<Path> programs() {
    List<Path> files = new ArrayList<>(Golden.nnFiles(Golden.repo().resolve("examples")));
    files.addAll(Golden.nnFiles(Golden.resources().resolve("programs/valid")));
    return files;
  }

  private static List<ModelUnit> models(Path nn) throws IOException {
    Compilation c = Frontend.compile(SourceFile.read(nn, nn.getFileName().toString()));
    assertTrue(c.ok(), c.diagnostics().format());
    return c.models();
  }

  @Test
  void thereArePrograms() {
    assertTrue(programs().size() >= 10, "examples and valid programs: " + programs());
  }

  @TestFactory
  Stream<DynamicTest> everyProgramOptimizesToTheSameValues() {
    return programs().stream().map(nn -> DynamicTest.dynamicTest(Golden.repo().relativize(nn).toString(), () -> {
      for (ModelUnit unit : models(nn)) {
        Graph forward = unit.graph();
        if (forward.loss() != null) {
          checkTraining(forward);
        }
        checkInference(forward);
        if (forward.loss() != null) {
          checkEvaluation(forward);
        }
      }
    }));
  }

  private static Graph stage(List<Pipeline.StageResult> results, String name) {
    return results.stream().filter(r -> r.stage().name().equals(name)).findFirst().orElseThrow().graph();
  }

  private static void checkTraining(Graph forward) {
    List<Pipeline.StageResult> results = Pipeline.training().run(forward, true);
    assertEquals(Pipeline.training().stages().size(), results.size());
    Graph stabilized = stage(results, "stabilize/cse");
    assertEquals(List.of(), logsOfProbabilities(stabilized),
        forward.name() + ": a log of a probability after the stabilize phase:\n" + TextDump.dump(stabilized));
    Graph optimized = results.get(results.size() - 1).graph();
    Graph reference = TrainingGraph.of(forward);
    assertEquals(reference.gradients().keySet(), optimized.gradients().keySet());
    for (int batch : new int[] {3, 1}) {
      Feed feed = randomFeed(forward, batch, 100 + batch);
      assertSameValues(reference, optimized, feed, RTOL, ATOL);
      Map<String, F64Tensor> v = values(optimized, feed);
      v.forEach((name, t) -> assertTrue(PassTesting.allFinite(t), forward.name() + " " + name + ": " + t));
    }
  }

  private static void checkInference(Graph forward) {
    List<Pipeline.StageResult> results = Pipeline.inference().run(forward, true);
    Graph optimized = results.get(results.size() - 1).graph();
    assertTrue(InferenceExtraction.isInferenceOnly(optimized), forward.name());
    assertEquals(forward.outputs().keySet(), optimized.outputs().keySet());
    for (int batch : new int[] {3, 1}) {
      Feed feed = randomFeed(forward, batch, 200 + batch).withMode(Mode.INFERENCE);
      Map<String, F64Tensor> expected = values(forward, feed);
      Map<String, F64Tensor> actual = values(optimized, feed.withMode(Mode.TRAINING));
      for (String name : optimized.outputs().keySet()) {
        F64Tensor want = expected.get("output " + name);
        F64Tensor got = actual.get("output " + name);
        assertTrue(got.allClose(want, RTOL, ATOL), forward.name() + " output " + name + ": expected " + want
            + ", got " + got);
      }
    }
  }

  private static void checkEvaluation(Graph forward) {
    List<Pipeline.StageResult> results = Pipeline.evaluation().run(forward, true);
    Graph optimized = results.get(results.size() - 1).graph();
    for (int batch : new int[] {3, 1}) {
      Feed feed = randomFeed(forward, batch, 300 + batch).withMode(Mode.INFERENCE);
      F64Tensor want = PassTesting.evaluate(forward, feed).loss();
      F64Tensor got = PassTesting.evaluate(optimized, feed.withMode(Mode.TRAINING)).loss();
      assertTrue(got.allClose(want, RTOL, ATOL),
          forward.name() + " evaluation loss: expected " + want + ", got " + got);
    }
  }

  @Test
  void noLogOfAProbabilitySurvivesTheStabilizePhase() {
    Graph forward = PassTesting.compile("""
        model t {
          input  x: f64[B, 3]
          target y: class[B] of 3
          target yes: class[B] of 2
          target t: f64[B, 3]
          z = dense(x, 3)
          s = dense(x, 1)
          output probs = softmax(z)
          output logs = log(softmax(z)) + log(sigmoid(z)) + log(1 - sigmoid(z))
          loss = cross_entropy(probs, y, label_smoothing = 0.1) + cross_entropy(softmax(z), t, reduction = sum) +
              nll(log(softmax(z)), y) + kl_div(t, probs) + bce(sigmoid(s), yes) +
              cross_entropy(sigmoid(z), t) + mean(logs) - sum(t * log(softmax(z)))
        }
        """);
    assertTrue(logsOfProbabilities(forward).size() >= 8, "as written: " + logsOfProbabilities(forward));
    Pipeline training = Pipeline.training();
    List<Pipeline.StageResult> results = training.run(forward, true, training.stagesThrough("stabilize/cse"));
    Graph stabilized = results.get(results.size() - 1).graph();
    assertEquals(List.of(), logsOfProbabilities(stabilized), TextDump.dump(stabilized));
    assertEquals(0, PassTesting.count(stabilized, Op.SIGMOID), "bce fused, the other sigmoids' logs rewritten");
    assertTrue(PassTesting.count(stabilized, Op.SOFTMAX_CROSS_ENTROPY) >= 3);
    assertEquals(1, PassTesting.count(stabilized, Op.SIGMOID_BCE));
    Graph optimized = training.apply(forward);
    for (int batch : new int[] {4, 0}) {
      Feed feed = randomFeed(forward, batch, 400 + batch);
      assertSameValues(TrainingGraph.of(forward), optimized, feed, RTOL, ATOL);
    }
  }

  @Test
  void stopGradientLeavesNoNodeInTheOptimizedGraphs() throws IOException {
    Graph forward = models(Golden.resources().resolve("programs/valid/analysis.nn")).get(0).graph();
    assertTrue(PassTesting.count(forward, Op.STOP_GRADIENT) > 0);
    assertEquals(0, PassTesting.count(Pipeline.training().apply(forward), Op.STOP_GRADIENT));
    assertEquals(0, PassTesting.count(Pipeline.inference().apply(forward), Op.STOP_GRADIENT));
  }

  // ---- stages ----------------------------------------------------------------------------

  @Test
  void thePhasesRunInTheirDocumentedOrder() {
    List<String> front = List.of("canonicalize/cse", "canonicalize/constant-folding",
        "canonicalize/algebraic-simplification", "stabilize/log-softmax", "stabilize/softmax-cross-entropy",
        "stabilize/sigmoid-bce", "stabilize/log-sigmoid", "stabilize/cse");
    List<String> optimize = List.of("optimize/stop-gradient-removal", "optimize/constant-folding",
        "optimize/algebraic-simplification",
        "optimize/dropout-scale-folding", "optimize/transpose-folding", "optimize/cse", "optimize/dce",
        "fuse/embedding-bag", "fuse/conv-epilogue", "fuse/elementwise-fusion", "fuse/loop-body-fusion");
    List<String> training = new ArrayList<>(front);
    training.addAll(List.of("differentiate/differentiate", "differentiate/cse"));
    training.addAll(optimize);
    assertEquals(training, Pipeline.training().stageNames());
    List<String> inference = new ArrayList<>(front);
    inference.addAll(List.of("extract/inference", "extract/batch-norm-folding", "extract/cse"));
    inference.addAll(optimize);
    assertEquals(inference, Pipeline.inference().stageNames());
  }

  @Test
  void stageNamesAreUniqueSoThatEachCanBeNamed() {
    for (Pipeline pipeline : new Pipeline[] {Pipeline.training(), Pipeline.inference(), Pipeline.evaluation()}) {
      List<String> names = pipeline.stageNames();
      assertEquals(names.size(), new HashSet<>(names).size(), pipeline.name() + ": " + names);
      for (int i = 0; i < names.size(); i++) {
        assertEquals(i + 1, pipeline.stagesThrough(names.get(i)), names.get(i));
      }
    }
  }

  @Test
  void aBarePassNameSelectsTheStageWhenItRunsOnce() {
    Pipeline training = Pipeline.training();
    int sce = training.stagesThrough("softmax-cross-entropy");
    assertEquals("stabilize/softmax-cross-entropy", training.stageNames().get(sce - 1));
    assertEquals(sce, training.stagesThrough("stabilize/softmax-cross-entropy"));
    int differentiate = training.stagesThrough("differentiate/differentiate");
    assertTrue(differentiate > sce);
    assertEquals("differentiate", training.stages().get(differentiate - 1).pass().name());
    int extract = Pipeline.inference().stagesThrough("inference");
    assertEquals("extract/inference", Pipeline.inference().stageNames().get(extract - 1));
    assertEquals(0, training.stagesThrough("inference"), "the training pipeline does not extract");
    assertEquals(0, training.stagesThrough("magic"));
    assertEquals(0, training.stagesThrough("stabilize/dce"), "dce runs, but not in that phase");
  }

  @Test
  void aPhaseNameSelectsTheWholePhase() {
    Pipeline training = Pipeline.training();
    List<String> names = training.stageNames();
    for (String phase : training.phaseNames()) {
      int through = training.stagesThrough(phase);
      assertTrue(names.get(through - 1).startsWith(phase + "/"), phase + ": " + names.get(through - 1));
      assertTrue(through == names.size() || !names.get(through).startsWith(phase + "/"), phase + " ends there");
    }
    assertEquals("stabilize/cse", names.get(training.stagesThrough("stabilize") - 1));
    // both a phase and a pass: the phase, its cse included
    assertEquals("differentiate/cse", names.get(training.stagesThrough("differentiate") - 1));
    assertEquals(List.of("canonicalize", "stabilize", "differentiate", "optimize", "fuse"), training.phaseNames());
    Pipeline inference = Pipeline.inference();
    assertEquals(List.of("canonicalize", "stabilize", "extract", "optimize", "fuse"), inference.phaseNames());
    assertEquals("extract/cse", inference.stageNames().get(inference.stagesThrough("extract") - 1));
  }

  @Test
  void aBarePassNameThatRunsSeveralTimesIsAmbiguous() {
    Pipeline training = Pipeline.training();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> training.stagesThrough("cse"));
    List<String> cses = training.stageNames().stream().filter(n -> n.endsWith("/cse")).toList();
    assertTrue(cses.size() >= 3, cses.toString());
    for (String name : cses) {
      assertTrue(e.getMessage().contains(name), e.getMessage() + " should list " + name);
    }
    assertTrue(e.getMessage().contains("training"), e.getMessage());
  }

  @Test
  void runningThroughAStageStopsThere() {
    Graph forward = PassTesting.compile("""
        model t {
          input  x: f64[B, 3]
          target y: class[B] of 3
          output p = softmax(dense(x, 3))
          loss = cross_entropy(p, y)
        }
        """);
    Pipeline training = Pipeline.training();
    List<Pipeline.StageResult> results = training.run(forward, true, training.stagesThrough("softmax-cross-entropy"));
    Graph g = results.get(results.size() - 1).graph();
    assertEquals(1, PassTesting.count(g, Op.SOFTMAX_CROSS_ENTROPY));
    assertTrue(g.gradients().isEmpty(), "not differentiated yet");
    assertEquals(1, results.get(results.size() - 1).fired());
    Graph all = training.apply(forward);
    assertEquals(1, PassTesting.count(all, Op.SOFTMAX_CROSS_ENTROPY));
    assertEquals(2, all.gradients().size());
  }
}
