package dev.adjoint.runtime.features;

import dev.adjoint.runtime.text.CodePointOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The words of a text and the vocabulary that numbers them, for {@code features words(...)}.
 * A word is a maximal run of letters, digits and combining marks (Java's
 * {@code Character.isLetterOrDigit}, and the marks so that a decomposed accent or an Indic
 * vowel sign stays in its word), in the text as the features prepare it (normalized, then
 * lowercased if asked); everything else separates words ("l'homme" is "l" and "homme").
 * The vocabulary is the training texts' most frequent words, at most the features'
 * {@code vocabularySize}, by count descending, ties broken by code point order (as Python's
 * {@code sorted}), so that it does not depend on the order of the rows.
 */
public final class WordVocabulary {
  private WordVocabulary() {}

  /** The words of {@code prepared}, in order. */
  public static List<String> words(String prepared) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < prepared.length(); ) {
      int cp = prepared.codePointAt(i);
      boolean inWord = Character.isLetterOrDigit(cp) || Character.getType(cp) == Character.NON_SPACING_MARK
          || Character.getType(cp) == Character.COMBINING_SPACING_MARK;
      if (inWord && start < 0) {
        start = i;
      } else if (!inWord && start >= 0) {
        out.add(prepared.substring(start, i));
        start = -1;
      }
      i += Character.charCount(cp);
    }
    if (start >= 0) {
      out.add(prepared.substring(start));
    }
    return out;
  }

  /** The vocabulary of {@code features} built from the training texts {@code texts}: its words by rank. */
  public static List<String> build(TextFeatures features, Iterable<String> texts) {
    TextFeaturizer preparing = new TextFeaturizer(features);
    Map<String, Integer> counts = new HashMap<>();
    for (String text : texts) {
      for (String word : words(preparing.prepare(text))) {
        counts.merge(word, 1, Integer::sum);
      }
    }
    Comparator<Map.Entry<String, Integer>> byCount = Map.Entry.comparingByValue(Comparator.reverseOrder());
    Comparator<Map.Entry<String, Integer>> ranking = byCount.thenComparing(Map.Entry::getKey, CodePointOrder.COMPARATOR);
    return counts.entrySet().stream().sorted(ranking).limit(features.vocabularySize()).map(Map.Entry::getKey)
        .toList();
  }
}
