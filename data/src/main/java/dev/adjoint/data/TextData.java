package dev.adjoint.data;

import dev.adjoint.runtime.features.TextFeatures;
import dev.adjoint.runtime.features.TextFeaturizer;
import dev.adjoint.runtime.model.TensorSpec;
import dev.adjoint.runtime.text.Suggestions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of a {@link TextTable} featurized into a data set: each text through one
 * {@link TextFeaturizer} into the inputs its {@link TextFeatures} name, stored ragged (ids and
 * weights without their padding: memory proportional to the ids present, not to rows times
 * the input's width; {@link Batches} pads each row as it copies it into the model), each label into the
 * class target's index (by its declared names, or as an index when it declares a count only).
 */
public final class TextData {
  private TextData() {}

  /**
   * The data set of {@code rows}: the features' inputs, and the target when {@code target} is not null.
   *
   * @param specs the model's inputs and targets by name
   * @param classNames the target's class names, empty when it declares a count only
   * @throws DataException naming the file and line of a label that is no class
   */
  public static Dataset load(TextTable.Rows rows, TextFeatures features, Map<String, TensorSpec> specs,
      String target, List<String> classNames, int classCount) {
    int n = rows.size();
    TensorSpec idSpec = specs.get(features.ids());
    int width = idSpec.sampleSize();
    int[] rowIds = new int[width];
    float[] rowWeights = new float[width];
    int[] offsets = new int[n + 1];
    int[] ids = new int[Math.max(16, n)];
    float[] weights = features.weights() == null ? null : new float[ids.length];
    int[] lengths = features.lengths() == null ? null : new int[n];
    TextFeaturizer featurizer = new TextFeaturizer(features);
    for (int r = 0; r < n; r++) {
      int kept = featurizer.featurize(rows.texts().get(r), rowIds, rowWeights, 0, width);
      int at = offsets[r];
      if (at + kept > ids.length) {
        int grown = Math.max(at + kept, 2 * ids.length);
        ids = Arrays.copyOf(ids, grown);
        weights = weights == null ? null : Arrays.copyOf(weights, grown);
      }
      System.arraycopy(rowIds, 0, ids, at, kept);
      if (weights != null) {
        System.arraycopy(rowWeights, 0, weights, at, kept);
      }
      offsets[r + 1] = at + kept;
      if (lengths != null) {
        lengths[r] = kept;
      }
    }
    Dataset.Builder data = Dataset.builder(n).addRagged(idSpec, Arrays.copyOf(ids, offsets[n]), offsets, -1);
    if (weights != null) {
      data.addRagged(specs.get(features.weights()), Arrays.copyOf(weights, offsets[n]), offsets, 0f);
    }
    if (lengths != null) {
      data.add(specs.get(features.lengths()), lengths);
    }
    if (target != null) {
      data.add(specs.get(target), labels(rows, classNames, classCount));
    }
    return data.build();
  }

  /** Each row's class index. */
  static int[] labels(TextTable.Rows rows, List<String> classNames, int classCount) {
    Map<String, Integer> index = new HashMap<>();
    for (int c = 0; c < classNames.size(); c++) {
      index.put(classNames.get(c), c);
    }
    int[] out = new int[rows.size()];
    for (int r = 0; r < out.length; r++) {
      String label = rows.labels().get(r);
      Integer c = classNames.isEmpty() ? asIndex(label, classCount) : index.get(label);
      if (c == null) {
        String closest = classNames.isEmpty() ? null : Suggestions.closest(label, classNames);
        throw new DataException(rows.where(r) + ": label \"" + label + "\" is not a class: "
            + (classNames.isEmpty() ? "expected a class index in 0 .. " + (classCount - 1)
                : (closest == null ? "" : "did you mean \"" + closest + "\"? ") + "the classes are "
                    + String.join(", ", classNames)));
      }
      out[r] = c;
    }
    return out;
  }

  private static Integer asIndex(String label, int classCount) {
    try {
      int c = Integer.parseInt(label);
      return c >= 0 && c < classCount ? c : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
