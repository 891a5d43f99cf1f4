package dev.adjoint.runtime.checkpoint;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.Tensor;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Saves a compiled model's training state as a safetensors file and loads it back.
 *
 * <p>Tensors: {@code param/<name>} for each parameter, {@code optimizer/<param>/<slot>} for
 * each optimizer buffer (e.g. {@code optimizer/h.W/m}) and {@code state/<name>} for each state
 * (e.g. running statistics), each with its static shape. Metadata: {@value #VERSION_KEY},
 * {@value #MODEL_KEY}, {@value #STEP_KEY}, {@value #SEED_KEY}, {@value #LEARNING_RATE_KEY},
 * plus whatever the caller adds (the training loop adds {@value #MODEL_HASH_KEY}, its epoch,
 * schedule position and so on). In PyTorch, {@code safetensors.torch.load_file(path)} gives
 * the tensors by these names and {@code safe_open(path, "pt").metadata()} the metadata.
 *
 * <p>Loading checks everything before it touches the model, so a checkpoint that does not fit
 * leaves the model as it was.
 */
public final class Checkpoint {
  /** The checkpoint layout's version; loading refuses others. */
  public static final int VERSION = 1;
  public static final String VERSION_KEY = "adjoint.checkpoint_version";
  /** The model's name in its .nn file. */
  public static final String MODEL_KEY = "adjoint.model";
  /** Training steps taken. */
  public static final String STEP_KEY = "adjoint.step";
  /** The counter-based generator's key. */
  public static final String SEED_KEY = "adjoint.seed";
  /** The learning rate of the next step, as {@link Double#toString(double)} writes it (exact). */
  public static final String LEARNING_RATE_KEY = "adjoint.learning_rate";
  /** Where callers put the hash of the compiled graph, to check on load. */
  public static final String MODEL_HASH_KEY = "adjoint.model_hash";

  private static final Set<String> RESERVED = Set.of(VERSION_KEY, MODEL_KEY, STEP_KEY, SEED_KEY, LEARNING_RATE_KEY);
  private static final int MAX_LISTED = 20;

  private Checkpoint() {
  }

  /**
   * Writes the model's parameters, optimizer state, state, step, seed and learning rate, and
   * {@code extraMetadata}, atomically replacing {@code file}. The keys Adjoint sets itself
   * ({@value #MODEL_KEY} and the like) cannot be in {@code extraMetadata}.
   */
  public static void save(Path file, CompiledModel model, Map<String, String> extraMetadata) {
    Map<String, String> metadata = new TreeMap<>();
    for (Map.Entry<String, String> e : extraMetadata.entrySet()) {
      if (RESERVED.contains(e.getKey())) {
        throw new IllegalArgumentException("metadata key " + e.getKey() + " is set by Checkpoint.save itself");
      }
      metadata.put(e.getKey(), Objects.requireNonNull(e.getValue(), () -> "metadata " + e.getKey() + " is null"));
    }
    metadata.put(VERSION_KEY, Integer.toString(VERSION));
    metadata.put(MODEL_KEY, model.modelName());
    metadata.put(STEP_KEY, Long.toString(model.step()));
    metadata.put(SEED_KEY, Long.toString(model.seed()));
    metadata.put(LEARNING_RATE_KEY, Double.toString(model.learningRate()));
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    ModelTensors.of(model).forEach((name, t) ->
        tensors.put(name, TensorData.of(t.spec().dtype(), ModelTensors.shape(model, name, t), own(t))));
    Safetensors.write(file, tensors, metadata);
  }

  /**
   * A checkpoint's metadata, from its header alone (its tensors are not read): what to know
   * about a checkpoint before building the model to load it into.
   *
   * @throws CheckpointException when the file is missing or its header is not a safetensors header
   */
  public static Map<String, String> metadata(Path file) {
    return Safetensors.metadata(file);
  }

  /** As {@link #load(Path, CompiledModel, String)} without checking the model hash. */
  public static Map<String, String> load(Path file, CompiledModel model) {
    return load(file, model, null);
  }

  /**
   * Checks that {@code file} was saved from this model (same name, the same tensors with the
   * same dtypes and shapes, and, unless {@code expectedHash} is null, the same
   * {@value #MODEL_HASH_KEY}), then copies its values into the model and sets the model's
   * step, seed and learning rate. Returns all of the checkpoint's metadata, so that the
   * training loop can restore its own state. Throws a {@link CheckpointException} saying
   * exactly what differs, before changing anything, when the checkpoint does not fit. A
   * predictor (a model without a loss or optimizer state, as {@code adjoint compile
   * --inference} writes) loads a training checkpoint's weights and ignores its optimizer state.
   */
  public static Map<String, String> load(Path file, CompiledModel model, String expectedHash) {
    return load(file, model, expectedHash, false);
  }

  /**
   * As {@link #load(Path, CompiledModel, String)}; a checkpoint holding a NaN or an infinity
   * in any floating-point tensor (parameters, optimizer state, state) is refused, naming the
   * first such value, unless {@code allowNonFinite}: such weights make every output NaN, and
   * resuming from them trains nothing.
   */
  public static Map<String, String> load(Path file, CompiledModel model, String expectedHash,
      boolean allowNonFinite) {
    TensorFile saved = Safetensors.read(file);
    Map<String, String> metadata = saved.metadata();
    String version = required(file, metadata, VERSION_KEY);
    if (!version.equals(Integer.toString(VERSION))) {
      throw new CheckpointException(file, "is an Adjoint checkpoint of version " + version + "; this runtime reads"
          + " version " + VERSION);
    }
    String name = required(file, metadata, MODEL_KEY);
    if (!name.equals(model.modelName())) {
      throw new CheckpointException(file, "holds model '" + name + "', not '" + model.modelName() + "'");
    }
    if (expectedHash != null) {
      checkHash(file, metadata.get(MODEL_HASH_KEY), expectedHash);
    }
    long step = number(file, metadata, STEP_KEY);
    long seed = number(file, metadata, SEED_KEY);
    double learningRate = learningRate(file, metadata);
    Map<String, Tensor> tensors = ModelTensors.of(model);
    Map<String, int[]> shapes = new LinkedHashMap<>();
    tensors.forEach((n, t) -> shapes.put(n, ModelTensors.shape(model, n, t)));
    Map<String, TensorData> fromFile = saved.tensors();
    if (!model.hasLoss() && model.optimizerState().isEmpty()) {
      // a predictor: a training checkpoint's optimizer state is not its business
      fromFile = new LinkedHashMap<>(fromFile);
      fromFile.keySet().removeIf(n -> n.startsWith(ModelTensors.OPTIMIZER));
    }
    List<String> differences = Compatibility.differences(tensors, shapes, fromFile);
    if (!differences.isEmpty()) {
      throw new CheckpointException(file, describe(differences, model.modelName()));
    }
    if (!allowNonFinite) {
      checkFinite(file, tensors.keySet(), saved);
    }
    tensors.forEach((n, t) -> {
      TensorData values = saved.tensors().get(n);
      System.arraycopy(values.array(), 0, backing(t), t.offset(), values.size());
    });
    model.setStep(step);
    model.setSeed(seed);
    model.setLearningRate(learningRate);
    return Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** The tensor's array, or a copy of its elements when it is a view into a looped repeat's stacked buffer. */
  private static Object own(Tensor t) {
    Object array = backing(t);
    if (!t.isView()) {
      return array;
    }
    Object copy = java.lang.reflect.Array.newInstance(array.getClass().getComponentType(), t.capacity());
    System.arraycopy(array, t.offset(), copy, 0, t.capacity());
    return copy;
  }

  private static Object backing(Tensor t) {
    switch (t.spec().dtype()) {
      case F32:
        return t.f32();
      case F64:
        return t.f64();
      default:
        return t.i32();
    }
  }

  /** Throws, naming the first tensor and element that is NaN or infinite and how many there are. */
  private static void checkFinite(Path file, Set<String> names, TensorFile saved) {
    String first = null;
    long count = 0;
    for (String name : names) {
      TensorData t = saved.tensors().get(name);
      if (t.dtype() == DType.I32) {
        continue;
      }
      for (int i = 0; i < t.size(); i++) {
        double v = t.get(i);
        if (!Double.isFinite(v)) {
          if (first == null) {
            first = "tensor '" + name + "' holds " + v + " at element " + i;
          }
          count++;
        }
      }
    }
    if (first != null) {
      throw new CheckpointException(file, first + (count > 1 ? " (" + count + " values are not finite)" : "")
          + ": the run that saved it diverged, and a model with these weights outputs NaN; load it anyway only "
          + "when asked to (adjoint: --allow-non-finite-weights)");
    }
  }

  private static void checkHash(Path file, String saved, String expected) {
    if (saved == null) {
      throw new CheckpointException(file, "records no model hash (metadata " + MODEL_HASH_KEY
          + "), so it cannot be checked against this model's " + expected);
    }
    if (!saved.equals(expected)) {
      throw new CheckpointException(file, "was saved from a model with hash " + saved + ", but this model's hash is "
          + expected + ": the .nn file or its hyperparameters changed since");
    }
  }

  private static String describe(List<String> differences, String modelName) {
    if (differences.size() == 1) {
      return differences.get(0);
    }
    StringBuilder out = new StringBuilder("does not fit model " + modelName + " (" + differences.size()
        + " differences):");
    for (int i = 0; i < Math.min(differences.size(), MAX_LISTED); i++) {
      out.append("\n  - ").append(differences.get(i));
    }
    if (differences.size() > MAX_LISTED) {
      out.append("\n  ... and ").append(differences.size() - MAX_LISTED).append(" more");
    }
    return out.toString();
  }

  private static String required(Path file, Map<String, String> metadata, String key) {
    String value = metadata.get(key);
    if (value == null) {
      throw new CheckpointException(file, "has no metadata " + key + ": it is not an Adjoint checkpoint");
    }
    return value;
  }

  private static long number(Path file, Map<String, String> metadata, String key) {
    String text = required(file, metadata, key);
    try {
      long value = Long.parseLong(text);
      if (key.equals(STEP_KEY) && value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new CheckpointException(file, "has metadata " + key + " = \"" + text + "\", which is not "
          + (key.equals(STEP_KEY) ? "a non-negative whole number" : "a whole number"));
    }
  }

  private static double learningRate(Path file, Map<String, String> metadata) {
    String text = required(file, metadata, LEARNING_RATE_KEY);
    try {
      double value = Double.parseDouble(text);
      if (value >= 0 && !Double.isInfinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CheckpointException(file, "has metadata " + LEARNING_RATE_KEY + " = \"" + text
        + "\", which is not a finite number >= 0");
  }
}
