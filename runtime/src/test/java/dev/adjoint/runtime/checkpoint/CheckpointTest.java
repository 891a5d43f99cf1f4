package dev.adjoint.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.model.DType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving a model and loading it into another instance restores it exactly, or refuses with the reason. */
class CheckpointTest {
  private static final String SHAPE_HINT = ": was it trained with other hyperparameters (another --set) or another"
      + " version of the .nn file?";

  @TempDir
  Path dir;

  private Path saved(TinyModel model, Map<String, String> extra) {
    Path file = dir.resolve("tiny.safetensors");
    Checkpoint.save(file, model, extra);
    return file;
  }

  private static TinyModel trained() {
    TinyModel model = new TinyModel(4, 3);
    model.initialize(42);
    model.setStep(1234);
    model.setLearningRate(0.1 * 0.95 * 0.95);
    return model;
  }

  private String failure(Path file, TinyModel model, String expectedHash) {
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file, model, expectedHash));
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    return e.getMessage().substring(file.toString().length() + 2);
  }

  @Test
  void loadRestoresEverythingSaved() {
    TinyModel original = trained();
    Path file = saved(original, Map.of("epoch", "7", "standardization", "mean=[1.5, 2]", Checkpoint.MODEL_HASH_KEY,
        "abc123"));

    TinyModel restored = new TinyModel(4, 3);
    restored.initialize(7);
    Map<String, String> metadata = Checkpoint.load(file, restored, "abc123");

    assertArrayEquals(original.w, restored.w);
    assertArrayEquals(original.b, restored.b);
    assertArrayEquals(original.wM, restored.wM);
    assertArrayEquals(original.bM, restored.bM);
    assertArrayEquals(Arrays.copyOf(original.mean, 3), Arrays.copyOf(restored.mean, 3));
    assertArrayEquals(original.count, restored.count);
    assertEquals(1234, restored.step());
    assertEquals(42, restored.seed());
    assertEquals(original.learningRate(), restored.learningRate(), 0.0, "bit-exact");
    assertEquals("7", metadata.get("epoch"));
    assertEquals("mean=[1.5, 2]", metadata.get("standardization"));
    assertEquals("tiny", metadata.get(Checkpoint.MODEL_KEY));
    assertEquals("1", metadata.get(Checkpoint.VERSION_KEY));
  }

  @Test
  void theFileHoldsNamedTensorsOfStaticShapesAndTheCounters() {
    Path file = saved(trained(), Map.of());
    TensorFile read = Safetensors.read(file);
    assertEquals(List.of("state/bn.mean", "optimizer/h.W/m", "optimizer/h.b/m", "param/h.W", "param/h.b",
        "state/bn.count"), List.copyOf(read.tensors().keySet()), "F64 first, then F32, then I32, each by name");
    assertArrayEquals(new int[] {4, 3}, read.tensor("param/h.W").shape());
    assertArrayEquals(new int[] {4, 3}, read.tensor("optimizer/h.W/m").shape());
    assertArrayEquals(new int[] {3}, read.tensor("state/bn.mean").shape());
    assertEquals(3, read.tensor("state/bn.mean").size(), "the buffer's extra capacity is not saved");
    assertEquals(DType.F64, read.tensor("state/bn.mean").dtype());
    assertArrayEquals(new int[] {}, read.tensor("state/bn.count").shape());
    assertEquals(Map.of(Checkpoint.VERSION_KEY, "1", Checkpoint.MODEL_KEY, "tiny", Checkpoint.STEP_KEY, "1234",
        Checkpoint.SEED_KEY, "42", Checkpoint.LEARNING_RATE_KEY, Double.toString(0.1 * 0.95 * 0.95)), read.metadata());
  }

  /** A predictor (no loss, no optimizer) takes a training checkpoint's weights and leaves its optimizer state. */
  @Test
  void aPredictorLoadsATrainingCheckpointWithoutItsOptimizerState() {
    TinyModel original = trained();
    Path file = saved(original, Map.of());
    TinyModel predictor = TinyModel.predictor(4, 3);
    predictor.initialize(7);
    Checkpoint.load(file, predictor);
    assertArrayEquals(original.w, predictor.w);
    assertArrayEquals(original.b, predictor.b);
    assertArrayEquals(Arrays.copyOf(original.mean, 3), Arrays.copyOf(predictor.mean, 3));
    // a real mismatch is still refused, without the optimizer's tensors in the message
    TinyModel wider = TinyModel.predictor(4, 5);
    String message = failure(file, wider, null);
    assertTrue(message.contains("parameter h.W has shape [4,3] in the checkpoint but [4,5]"), message);
    assertFalse(message.contains("optimizer"), message);
    // a training model still needs the optimizer state
    TinyModel adam = new TinyModel("tiny", 4, 3, true);
    assertTrue(failure(file, adam, null).contains("the model has optimizer state h.W/v but the checkpoint does not"));
  }

  @Test
  void aModelWithAnotherHiddenSizeIsRefusedWithTheShapes() {
    Path file = saved(trained(), Map.of());
    TinyModel wider = new TinyModel(4, 5);
    wider.initialize(3);
    float[] before = wider.w.clone();
    String message = failure(file, wider, null);
    assertEquals("does not fit model tiny (5 differences):\n"
        + "  - parameter h.W has shape [4,3] in the checkpoint but [4,5] in the model" + SHAPE_HINT + "\n"
        + "  - parameter h.b has shape [3] in the checkpoint but [5] in the model" + SHAPE_HINT + "\n"
        + "  - optimizer state h.W/m has shape [4,3] in the checkpoint but [4,5] in the model" + SHAPE_HINT + "\n"
        + "  - optimizer state h.b/m has shape [3] in the checkpoint but [5] in the model" + SHAPE_HINT + "\n"
        + "  - state bn.mean has shape [3] in the checkpoint but [5] in the model" + SHAPE_HINT, message);
    assertArrayEquals(before, wider.w, "the model is untouched");
    assertEquals(0, wider.step());
    assertEquals(3, wider.seed());
  }

  @Test
  void aSingleDifferenceIsTheWholeMessage() {
    Path file = dir.resolve("w.safetensors");
    TinyModel model = trained();
    Checkpoint.save(file, model, Map.of());
    TensorFile read = Safetensors.read(file);
    Map<String, TensorData> tensors = new LinkedHashMap<>(read.tensors());
    tensors.put("param/h.W", TensorData.f32(new int[] {784, 128}, new float[784 * 128]));
    Safetensors.write(file, tensors, read.metadata());
    assertEquals("parameter h.W has shape [784,128] in the checkpoint but [4,3] in the model" + SHAPE_HINT,
        failure(file, new TinyModel(4, 3), null));
  }

  @Test
  void anotherModelNameIsRefused() {
    Path file = saved(trained(), Map.of());
    assertEquals("holds model 'tiny', not 'mnist'", failure(file, new TinyModel("mnist", 4, 3, false), null));
  }

  @Test
  void anotherOptimizerIsRefused() {
    Path file = saved(trained(), Map.of());
    assertEquals("the model has optimizer state h.W/v but the checkpoint does not: was it trained with another"
        + " optimizer?", failure(file, new TinyModel("tiny", 4, 3, true), null));

    TinyModel adam = new TinyModel("tiny", 4, 3, true);
    adam.initialize(1);
    Path adamFile = dir.resolve("adam.safetensors");
    Checkpoint.save(adamFile, adam, Map.of());
    assertEquals("the checkpoint has optimizer state h.W/v, which the model does not have: was it trained with"
        + " another optimizer?", failure(adamFile, new TinyModel(4, 3), null));
  }

  @Test
  void anotherDtypeIsRefused() {
    Path file = saved(trained(), Map.of());
    TensorFile read = Safetensors.read(file);
    Map<String, TensorData> tensors = new LinkedHashMap<>(read.tensors());
    tensors.put("param/h.b", TensorData.f64(new int[] {3}, new double[3]));
    Safetensors.write(file, tensors, read.metadata());
    assertEquals("parameter h.b is f64 in the checkpoint but f32 in the model",
        failure(file, new TinyModel(4, 3), null));
  }

  @Test
  void theModelHashIsCheckedWhenAsked() {
    Path file = saved(trained(), Map.of(Checkpoint.MODEL_HASH_KEY, "abc123"));
    assertEquals("was saved from a model with hash abc123, but this model's hash is def456: the .nn file or its"
        + " hyperparameters changed since", failure(file, new TinyModel(4, 3), "def456"));
    Checkpoint.load(file, new TinyModel(4, 3));

    Path unhashed = dir.resolve("unhashed.safetensors");
    Checkpoint.save(unhashed, trained(), Map.of());
    assertEquals("records no model hash (metadata adjoint.model_hash), so it cannot be checked against this model's"
        + " def456", failure(unhashed, new TinyModel(4, 3), "def456"));
  }

  @Test
  void aSafetensorsFileFromElsewhereIsNotACheckpoint() {
    Path file = dir.resolve("torch.safetensors");
    Safetensors.write(file, Map.of("weight", TensorData.f32(new int[] {1}, new float[1])), Map.of("format", "pt"));
    assertEquals("has no metadata adjoint.checkpoint_version: it is not an Adjoint checkpoint",
        failure(file, new TinyModel(4, 3), null));
  }

  @Test
  void badCountersAreRefusedBeforeTheModelChanges() {
    TinyModel model = trained();
    Path file = saved(model, Map.of());
    TensorFile read = Safetensors.read(file);
    Map<String, String> metadata = new HashMap<>(read.metadata());
    metadata.put(Checkpoint.LEARNING_RATE_KEY, "-1");
    Safetensors.write(file, read.tensors(), metadata);
    TinyModel target = new TinyModel(4, 3);
    assertEquals("has metadata adjoint.learning_rate = \"-1\", which is not a finite number >= 0",
        failure(file, target, null));
    assertEquals(0f, target.w[0]);

    metadata.put(Checkpoint.LEARNING_RATE_KEY, "0.5");
    metadata.put(Checkpoint.STEP_KEY, "12x");
    Safetensors.write(file, read.tensors(), metadata);
    assertEquals("has metadata adjoint.step = \"12x\", which is not a non-negative whole number",
        failure(file, target, null));

    metadata.put(Checkpoint.STEP_KEY, "12");
    metadata.put(Checkpoint.VERSION_KEY, "2");
    Safetensors.write(file, read.tensors(), metadata);
    assertEquals("is an Adjoint checkpoint of version 2; this runtime reads version 1", failure(file, target, null));
  }

  @Test
  void countersAtTheirLimitsLoad() {
    TinyModel model = trained();
    Path file = saved(model, Map.of());
    TensorFile read = Safetensors.read(file);
    Map<String, String> metadata = new HashMap<>(read.metadata());
    metadata.put(Checkpoint.LEARNING_RATE_KEY, "0");
    metadata.put(Checkpoint.STEP_KEY, "0");
    metadata.put(Checkpoint.SEED_KEY, "-5");
    Safetensors.write(file, read.tensors(), metadata);
    TinyModel target = new TinyModel(4, 3);
    Checkpoint.load(file, target);
    assertEquals(0.0, target.learningRate(), "a learning rate of 0 (the end of a schedule) is valid");
    assertEquals(0, target.step());
    assertEquals(-5, target.seed(), "any whole number is a seed");

    metadata.put(Checkpoint.STEP_KEY, "-1");
    Safetensors.write(file, read.tensors(), metadata);
    assertEquals("has metadata adjoint.step = \"-1\", which is not a non-negative whole number",
        failure(file, target, null));
    metadata.put(Checkpoint.STEP_KEY, "1");
    metadata.put(Checkpoint.SEED_KEY, "0.5");
    Safetensors.write(file, read.tensors(), metadata);
    assertEquals("has metadata adjoint.seed = \"0.5\", which is not a whole number", failure(file, target, null));
  }

  @Test
  void aLongListOfDifferencesIsCutAfterTwenty() {
    TinyModel wide = new TinyModel(4, 3);
    Path file = saved(wide, Map.of());
    assertEquals(2, failure(file, new TinyModel(5, 3), null).lines().filter(l -> l.startsWith("  - ")).count(),
        "h.W and its momentum differ");
    // 21 differences: all but one listed, then the count of the rest
    Map<String, TensorData> many = new LinkedHashMap<>(Safetensors.read(file).tensors());
    for (int i = 0; i < 21; i++) {
      many.put("param/extra" + i, TensorData.f32(new int[] {1}, new float[1]));
    }
    Safetensors.write(file, many, Safetensors.read(file).metadata());
    String message = failure(file, new TinyModel(4, 3), null);
    assertTrue(message.startsWith("does not fit model tiny (21 differences):"), message);
    assertEquals(20, message.lines().filter(l -> l.startsWith("  - ")).count(), message);
    assertTrue(message.endsWith("\n  ... and 1 more"), message);
    many.remove("param/extra20");
    Safetensors.write(file, many, Safetensors.read(file).metadata());
    String twenty = failure(file, new TinyModel(4, 3), null);
    assertEquals(20, twenty.lines().filter(l -> l.startsWith("  - ")).count(), twenty);
    assertTrue(!twenty.contains("more"), twenty);
  }

  @Test
  void oneNonFiniteValueIsNamedWithoutACount() {
    TinyModel original = trained();
    original.b[1] = Float.NaN;
    String message = failure(saved(original, Map.of()), new TinyModel(4, 3), null);
    assertTrue(message.startsWith("tensor 'param/h.b' holds NaN at element 1: the run that saved it diverged"),
        message);
  }

  @Test
  void extraMetadataCannotOverrideTheCounters() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        Checkpoint.save(dir.resolve("x.safetensors"), trained(), Map.of(Checkpoint.STEP_KEY, "0")));
    assertEquals("metadata key adjoint.step is set by Checkpoint.save itself", e.getMessage());
  }

  @Test
  void savingAgainReplacesTheCheckpoint() {
    TinyModel model = trained();
    Path file = saved(model, Map.of("epoch", "1"));
    model.setStep(2000);
    model.w[0] = 99f;
    Checkpoint.save(file, model, Map.of("epoch", "2"));
    TinyModel restored = new TinyModel(4, 3);
    assertEquals("2", Checkpoint.load(file, restored).get("epoch"));
    assertEquals(2000, restored.step());
    assertEquals(99f, restored.w[0]);
  }

  @Test
  void nonFiniteWeightsAreRefusedUnlessAllowed() {
    TinyModel original = trained();
    original.w[2] = Float.NaN;
    original.wM[0] = Float.POSITIVE_INFINITY;
    original.mean[1] = Double.NEGATIVE_INFINITY;
    Path file = saved(original, Map.of());
    TinyModel restored = new TinyModel(4, 3);
    restored.initialize(7);
    float[] before = restored.w.clone();
    String message = failure(file, restored, null);
    assertTrue(message.matches("tensor '[^']+' holds (NaN|Infinity|-Infinity) at element \\d+ \\(3 values are not "
        + "finite\\): the run that saved it diverged, and a model with these weights outputs NaN; load it anyway "
        + "only when asked to \\(adjoint: --allow-non-finite-weights\\)"), message);
    assertArrayEquals(before, restored.w, "a refused checkpoint leaves the model as it was");

    Checkpoint.load(file, restored, null, true);
    assertTrue(Float.isNaN(restored.w[2]));
    assertEquals(Float.POSITIVE_INFINITY, restored.wM[0]);
  }
}
