package dev.adjoint.compiler.runs;

import dev.adjoint.runtime.features.TextFeatures;
import dev.adjoint.runtime.features.WordVocabulary;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The vocabulary of a {@code features words(...)} source as a run decides it: recorded in a
 * checkpoint (a resumed run, {@code eval}, {@code predict}), else built once from the training
 * texts ({@link WordVocabulary#build}) and then kept for the validation and test sets, and
 * recorded in the run's checkpoints ({@link #metadata}). Other features need none.
 */
public final class TrainedVocabulary {
  private List<String> words;

  private TrainedVocabulary(List<String> words) {
    this.words = words;
  }

  /** A vocabulary to build from the first training texts it is given. */
  public static TrainedVocabulary fresh() {
    return new TrainedVocabulary(null);
  }

  /** The vocabulary a checkpoint's metadata records, or one to build when it records none. */
  public static TrainedVocabulary recorded(Map<String, String> metadata) {
    TextFeatures features = TextFeatures.fromMetadata(metadata);
    return new TrainedVocabulary(features == null || features.vocabulary().isEmpty() ? null : features.vocabulary());
  }

  /**
   * {@code declared} with its vocabulary: the decided one, or one built now from
   * {@code trainingTexts}; {@code declared} itself for features other than words.
   */
  TextFeatures features(TextFeatures declared, Supplier<List<String>> trainingTexts) {
    if (declared.kind() != TextFeatures.Kind.WORDS) {
      return declared;
    }
    if (words == null) {
      words = WordVocabulary.build(declared, trainingTexts.get());
    }
    return declared.withVocabulary(words);
  }

  /** What a checkpoint records of it: the words by rank, or nothing when none was built. */
  Map<String, String> metadata() {
    return words == null ? Map.of() : Map.of(TextFeatures.VOCABULARY_KEY, String.join("\n", words));
  }
}
