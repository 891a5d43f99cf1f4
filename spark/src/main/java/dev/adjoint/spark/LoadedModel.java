package dev.adjoint.spark;

import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.data.Standardization;
import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.Tensor;
import dev.adjoint.runtime.predict.Predictor;
import dev.adjoint.runtime.predict.Standardizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A model with a checkpoint's weights, loaded once per JVM (by model and checkpoint) and
 * shared by every task on it: each task borrows a model of its own buffers over the one copy of
 * the weights ({@link CompiledModel#sharingWeights}) and gives it back, so buffers are made once
 * per concurrent task, never per row or batch. Preprocessing is {@link Predictor}'s: the
 * checkpoint's recorded input scale, then its standardization.
 */
final class LoadedModel {
  private static final Map<String, LoadedModel> LOADED = new ConcurrentHashMap<>();
  /**
   * The fewest rows a call runs: the runtime's matrix products take a row-by-row path below 4
   * rows, whose sums round differently from the blocked path's. Running at least 4 (the rows
   * past the batch hold earlier values, their outputs ignored) makes a row's outputs independent
   * of how a partition happens to fall into batches, and equal to {@link Predictor}'s on batches
   * of 4 rows or more.
   */
  static final int FEWEST_ROWS = 4;

  private final CompiledModel weights;
  private final ModelFactory factory;
  private final ConcurrentLinkedQueue<CompiledModel> idle = new ConcurrentLinkedQueue<>();
  private final Standardizer standardizer;
  private final double scale;
  private final String classOutput;
  private final List<String> classNames;
  private final double threshold;

  private LoadedModel(ModelFactory factory, int batch, byte[] checkpoint) {
    this.factory = factory;
    this.weights = factory.newModel(batch);
    Map<String, String> metadata;
    Path file = CheckpointFiles.stage(checkpoint);
    try {
      metadata = Checkpoint.load(file, weights);
    } finally {
      CheckpointFiles.delete(file);
    }
    this.standardizer = Standardization.fromMetadata(metadata);
    this.scale = metadata.containsKey(Predictor.INPUT_SCALE_KEY)
        ? Double.parseDouble(metadata.get(Predictor.INPUT_SCALE_KEY)) : 1;
    this.classOutput = metadata.get(Predictor.CLASS_OUTPUT_KEY);
    this.classNames = metadata.containsKey(Predictor.CLASSES_KEY)
        ? List.copyOf(Predictor.lines(metadata.get(Predictor.CLASSES_KEY))) : List.of();
    this.threshold = metadata.containsKey(Predictor.CLASS_THRESHOLD_KEY)
        ? Double.parseDouble(metadata.get(Predictor.CLASS_THRESHOLD_KEY)) : Double.NaN;
  }

  /** This JVM's scorer of the model with the checkpoint whose bytes are {@code checkpoint}, up to {@code batch} rows a call. */
  static LoadedModel of(ModelSource source, byte[] checkpoint, int batch) {
    String key = source.key() + ':' + ModelSource.sha256(checkpoint) + ':' + batch;
    return LOADED.computeIfAbsent(key, k -> new LoadedModel(JvmModels.factory(source), batch, checkpoint));
  }

  /** A model of buffers of its own over the shared weights; give it back with {@link #giveBack}. */
  CompiledModel borrow() {
    CompiledModel m = idle.poll();
    return m != null ? m : CompiledModel.sharingWeights(weights, () -> factory.newModel(weights.maxBatch()));
  }

  void giveBack(CompiledModel model) {
    model.release();
    idle.add(model);
  }

  /** The outputs of the first {@code count} samples written into {@code model}'s inputs: preprocessing, then predict. */
  void predict(CompiledModel model, int count) {
    for (Tensor in : model.inputs().values()) {
      if (in.spec().dtype() != DType.I32) {
        if (scale != 1) {
          int n = count * in.spec().sampleSize();
          for (int i = 0; i < n; i++) {
            in.set(i, (float) in.get(i) * scale);
          }
        }
        standardizer.applyInPlace(in, count);
      }
    }
    TaskCores.run(() -> {
      model.predict(Math.min(model.maxBatch(), Math.max(count, FEWEST_ROWS)));
      return null;
    });
  }

  /** The class names in score order; empty when the checkpoint records none. */
  List<String> classNames() {
    return classNames;
  }

  /** Sample {@code r}'s most likely class by name, as {@link Predictor#predictClass} decides; null when not finite. */
  String predictedClass(CompiledModel model, int r) {
    Tensor out = model.output(classOutput);
    int width = out.spec().sampleSize();
    for (int e = 0; e < width; e++) {
      if (!Double.isFinite(out.get(r * width + e))) {
        return null;
      }
    }
    if (width == 1) {
      return classNames.get(out.get(r) >= threshold ? 1 : 0);
    }
    int best = 0;
    for (int c = 1; c < width; c++) {
      best = out.get(r * width + c) > out.get(r * width + best) ? c : best;
    }
    return classNames.get(best);
  }

  /** Sample {@code r} of output {@code name}. */
  static float[] output(CompiledModel model, String name, int r) {
    Tensor out = model.output(name);
    int width = out.spec().sampleSize();
    float[] values = new float[width];
    for (int e = 0; e < width; e++) {
      values[e] = (float) out.get(r * width + e);
    }
    return values;
  }

  /** The most rows one call takes. */
  int maxBatch() {
    return weights.maxBatch();
  }

  /** The names of the model's outputs, in order. */
  List<String> outputs() {
    return new ArrayList<>(weights.outputs().keySet());
  }
}
