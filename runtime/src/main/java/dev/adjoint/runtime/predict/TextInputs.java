package dev.adjoint.runtime.predict;

import dev.adjoint.runtime.features.TextFeatures;
import dev.adjoint.runtime.features.TextFeaturizer;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import java.util.List;

/**
 * A text model's inputs filled from raw texts, by the features its checkpoint records: the
 * same {@link TextFeaturizer} that featurized the training data. One featurizer per calling
 * thread, as {@link Predictor} has one model per thread.
 */
final class TextInputs {
  private final TextFeatures features;
  private final ThreadLocal<TextFeaturizer> featurizers;

  TextInputs(TextFeatures features, CompiledModel model) {
    this.features = features;
    this.featurizers = ThreadLocal.withInitial(() -> new TextFeaturizer(features));
    if (!model.inputs().containsKey(features.ids())) {
      throw new IllegalArgumentException("the checkpoint's text features fill input " + features.ids() + ", which "
          + "model " + model.modelName() + " does not have; its inputs are " + String.join(", ",
              model.inputs().keySet()));
    }
  }

  TextFeatures features() {
    return features;
  }

  /** Featurizes {@code texts[from .. from + count)} into rows 0 .. count - 1 of the model's inputs. */
  void fill(CompiledModel model, List<String> texts, int from, int count) {
    TextFeaturizer featurizer = featurizers.get();
    Tensor ids = model.input(features.ids());
    int width = ids.spec().sampleSize();
    Tensor weights = read(model, features.weights());
    Tensor lengths = read(model, features.lengths());
    int[] idData = ids.i32();
    float[] weightData = weights == null ? null : weights.f32();
    for (int r = 0; r < count; r++) {
      String text = texts.get(from + r);
      if (text == null) {
        throw new IllegalArgumentException("text " + (from + r) + " is null");
      }
      int kept = featurizer.featurize(text, idData, ids.offset() + r * width, weightData,
          weights == null ? 0 : weights.offset() + r * width, width);
      if (lengths != null) {
        lengths.set(r, kept);
      }
    }
  }

  /** The model's input of that name, or null when the model does not read it (or no input is named). */
  private static Tensor read(CompiledModel model, String name) {
    return name == null || !model.inputs().containsKey(name) ? null : model.input(name);
  }
}
