package dev.adjoint.runtime.predict;

import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.features.TextFeatures;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.Tensor;
import dev.adjoint.runtime.predict.Standardizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A trained model for an application: a model class (compiled in process, or generated ahead
 * of time by {@code adjoint compile}) with a checkpoint's weights (a training checkpoint's
 * optimizer state is ignored by a predictor class), the training's preprocessing applied as
 * the checkpoint records it (an {@code idx} source's scale, then the standardization), its
 * class names, and calls on raw feature rows, or on raw texts for a model trained on a
 * {@code texts(...)} source (featurized as its checkpoint's {@link TextFeatures} say). Thread-safe: each thread that calls it gets
 * buffers of its own, and all share one copy of the weights
 * ({@link CompiledModel#sharingWeights}).
 */
public final class Predictor {
  /** Checkpoint metadata: the factor an {@code idx} source multiplies its inputs by. */
  public static final String INPUT_SCALE_KEY = "adjoint.input_scale";
  /** Checkpoint metadata: the names of the model's inputs (its targets left out), one per line. */
  public static final String INPUTS_KEY = "adjoint.inputs";
  /** Checkpoint metadata: the class names of a classifier's target, one per line ({@link #lines}). */
  public static final String CLASSES_KEY = "adjoint.classes";
  /** Checkpoint metadata: the output a classifier scores its classes with. */
  public static final String CLASS_OUTPUT_KEY = "adjoint.class_output";
  /** Checkpoint metadata: where a binary classifier's one score turns to the second class. */
  public static final String CLASS_THRESHOLD_KEY = "adjoint.class_threshold";

  private final CompiledModel weights;
  private final IntFunction<? extends CompiledModel> constructor;
  private final ThreadLocal<CompiledModel> models;
  private final Standardizer standardizer;
  private final double scale;
  private final String input;
  private final String output;
  private final List<String> classNames;
  private final double threshold;
  /** A text model's featurization, from the checkpoint; null for a model of feature rows. */
  private final TextInputs text;

  private Predictor(CompiledModel weights, IntFunction<? extends CompiledModel> constructor,
      Map<String, String> metadata) {
    this.weights = weights;
    this.constructor = constructor;
    this.models = ThreadLocal.withInitial(() -> CompiledModel.sharingWeights(weights,
        () -> constructor.apply(weights.maxBatch())));
    this.standardizer = Standardizer.fromMap(metadata);
    this.scale = metadata.containsKey(INPUT_SCALE_KEY) ? Double.parseDouble(metadata.get(INPUT_SCALE_KEY)) : 1;
    List<String> inputs = metadata.containsKey(INPUTS_KEY) ? lines(metadata.get(INPUTS_KEY))
        : new ArrayList<>(weights.inputs().keySet());
    TextFeatures features = TextFeatures.fromMetadata(metadata);
    this.text = features != null ? new TextInputs(features, weights) : null;
    if (text != null) {
      inputs = List.of(text.features().ids());
    }
    if (inputs.size() != 1) {
      throw new IllegalArgumentException("model " + weights.modelName() + " has " + inputs.size() + " inputs ("
          + String.join(", ", inputs) + "); a Predictor feeds a model of one input: use the CompiledModel itself");
    }
    this.input = inputs.get(0);
    DType dtype = weights.input(input).spec().dtype();
    if (dtype == DType.I32 && text == null) {
      throw new IllegalArgumentException("model " + weights.modelName() + "'s input " + input + " holds i32 ids; "
          + "a Predictor feeds floating-point features: use the CompiledModel itself");
    }
    this.output = metadata.getOrDefault(CLASS_OUTPUT_KEY, weights.outputs().keySet().iterator().next());
    this.classNames = metadata.containsKey(CLASSES_KEY) ? List.copyOf(lines(metadata.get(CLASSES_KEY))) : List.of();
    this.threshold = metadata.containsKey(CLASS_THRESHOLD_KEY)
        ? Double.parseDouble(metadata.get(CLASS_THRESHOLD_KEY)) : Double.NaN;
  }

  /**
   * The model that {@code constructor} makes (its argument: the most rows one call takes),
   * with the weights and preprocessing of {@code checkpoint}; up to 64 rows per call.
   *
   * @throws dev.adjoint.runtime.checkpoint.CheckpointException when the checkpoint does not fit the model
   */
  public static Predictor load(IntFunction<? extends CompiledModel> constructor, Path checkpoint) {
    return load(constructor, checkpoint, 64);
  }

  /** As {@link #load(IntFunction, Path)}, each thread's buffers holding up to {@code maxBatch} rows. */
  public static Predictor load(IntFunction<? extends CompiledModel> constructor, Path checkpoint, int maxBatch) {
    CompiledModel weights = constructor.apply(maxBatch);
    Map<String, String> metadata = Checkpoint.load(checkpoint, weights);
    return new Predictor(weights, constructor, metadata);
  }

  /** The class names, in the order of the scores; empty when the checkpoint names none. */
  public List<String> classNames() {
    return classNames;
  }

  /** The number of features one row holds. */
  public int features() {
    return weights.input(input).spec().sampleSize();
  }

  /** The output for one row of raw features (as the training data held them). */
  public float[] predict(float[] features) {
    return predict(new float[][] {features})[0];
  }

  /** The output for each row, in order; rows beyond one call's buffers are taken in chunks. */
  public float[][] predict(float[][] rows) {
    if (text != null) {
      throw new IllegalStateException("model " + weights.modelName() + " reads text: call predict(String)");
    }
    CompiledModel model = models.get();
    Tensor in = model.input(input);
    Tensor out = model.output(output);
    int k = features();
    int width = out.spec().sampleSize();
    float[][] result = new float[rows.length][];
    for (int from = 0; from < rows.length; from += model.maxBatch()) {
      int count = Math.min(model.maxBatch(), rows.length - from);
      for (int r = 0; r < count; r++) {
        float[] row = rows[from + r];
        if (row.length != k) {
          throw new IllegalArgumentException("row " + (from + r) + " holds " + row.length + " features; model "
              + model.modelName() + "'s input " + input + " takes " + k);
        }
        for (int e = 0; e < k; e++) {
          in.set(r * k + e, row[e] * scale);
        }
      }
      standardizer.applyInPlace(in, count);
      model.predict(count);
      copyRows(out, width, count, result, from);
    }
    return result;
  }

  /** The first {@code count} rows of the output, each a new array, into {@code result} from {@code from}. */
  private static void copyRows(Tensor out, int width, int count, float[][] result, int from) {
    for (int r = 0; r < count; r++) {
      float[] values = new float[width];
      for (int e = 0; e < width; e++) {
        values[e] = (float) out.get(r * width + e);
      }
      result[from + r] = values;
    }
  }

  /** Whether the model reads raw text ({@link #predict(String)}): its checkpoint records text features. */
  public boolean readsText() {
    return text != null;
  }

  /** The output for one text, featurized as the training data was. */
  public float[] predict(String text) {
    return predictTexts(List.of(text))[0];
  }

  /** The output for each text, in order; texts beyond one call's buffers are taken in chunks. */
  public float[][] predictTexts(List<String> texts) {
    if (text == null) {
      throw new IllegalStateException("model " + weights.modelName() + " reads feature rows, not text: its "
          + "checkpoint records no text features; call predict(float[])");
    }
    CompiledModel model = models.get();
    Tensor out = model.output(output);
    int width = out.spec().sampleSize();
    float[][] result = new float[texts.size()][];
    for (int from = 0; from < texts.size(); from += model.maxBatch()) {
      int count = Math.min(model.maxBatch(), texts.size() - from);
      text.fill(model, texts, from, count);
      model.predict(count);
      copyRows(out, width, count, result, from);
    }
    return result;
  }

  /** The most likely class of one text, by name. */
  public String predictClass(String text) {
    return className(predict(text));
  }

  /** The most likely class of each text, by name, in order. */
  public List<String> predictClasses(List<String> texts) {
    List<String> out = new ArrayList<>(texts.size());
    for (float[] scores : predictTexts(texts)) {
      out.add(className(scores));
    }
    return out;
  }

  /** The most likely class of one row, by name. */
  public String predictClass(float[] features) {
    return className(predict(features));
  }

  private String className(float[] scores) {
    if (classNames.isEmpty()) {
      throw new IllegalStateException("the checkpoint names no classes (a model without a class target, or a "
          + "checkpoint written before they were recorded); read predict(...)'s scores instead");
    }
    for (float s : scores) {
      if (!Float.isFinite(s)) {
        throw new IllegalStateException("the model's output is not finite: " + Arrays.toString(scores));
      }
    }
    if (scores.length == 1) {
      return classNames.get(scores[0] >= threshold ? 1 : 0);
    }
    int best = 0;
    for (int c = 1; c < scores.length; c++) {
      best = scores[c] > scores[best] ? c : best;
    }
    return classNames.get(best);
  }

  /** The metadata value of {@code values}: one per line, backslashes and line breaks escaped. */
  public static String joinLines(List<String> values) {
    List<String> escaped = new ArrayList<>();
    for (String v : values) {
      escaped.add(v.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r"));
    }
    return String.join("\n", escaped);
  }

  /** The values {@link #joinLines} wrote. */
  public static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      StringBuilder v = new StringBuilder();
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c == '\\' && i + 1 < line.length()) {
          char next = line.charAt(++i);
          v.append(next == 'n' ? '\n' : next == 'r' ? '\r' : next);
        } else {
          v.append(c);
        }
      }
      out.add(v.toString());
    }
    return out;
  }
}
