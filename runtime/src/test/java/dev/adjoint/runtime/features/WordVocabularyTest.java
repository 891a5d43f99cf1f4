package dev.adjoint.runtime.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Words, the vocabulary built from a tiny corpus, and the exact ids of a sentence. */
class WordVocabularyTest {
  private static final TextFeatures WORDS = TextFeatures.words("w", "n", 4, true, TextFeatures.Normalization.NFC);

  /**
   * Counts after lowercasing: the 3, cat 2, sat 2, a 1, mat 1, on 1, dog 1; "the" first, then
   * cat and sat (a tie, by code point), then the first of the ones (a): a vocabulary of 4.
   */
  private static final List<String> CORPUS = List.of("The cat sat.", "A dog sat on the mat", "the CAT");

  @Test
  void wordsAreRunsOfLettersDigitsAndMarks() {
    assertEquals(List.of("l", "homme", "a", "2", "bras", "x9"), WordVocabulary.words("l'homme a 2 bras, x9!"));
    // a decomposed é (e + U+0301) and a Devanagari vowel sign stay in their word
    assertEquals(List.of("e\u0301te\u0301", "\u0928\u092E\u0938\u094D\u0924\u0947"),
        WordVocabulary.words("  e\u0301te\u0301 \u0928\u092E\u0938\u094D\u0924\u0947"));
    assertEquals(List.of(), WordVocabulary.words(" -- "));
    assertEquals(List.of("\uD835\uDC00b"), WordVocabulary.words("\uD835\uDC00b"), "a letter beyond the BMP");
  }

  @Test
  void theVocabularyIsTheMostFrequentWordsTiesByCodePoint() {
    assertEquals(List.of("the", "cat", "sat", "a"), WordVocabulary.build(WORDS, CORPUS));
    // by code point, "Z" (U+005A) before "a": a tie is not broken by case-insensitive order
    TextFeatures cased = TextFeatures.words("w", null, 2, false, TextFeatures.Normalization.NONE);
    assertEquals(List.of("Z", "a"), WordVocabulary.build(cased, List.of("a Z b")));
    assertEquals(List.of("b", "a"), WordVocabulary.build(cased, List.of("a b b c")).subList(0, 2));
  }

  @Test
  void aSentenceBecomesItsWordsIdsWithZeroOutOfVocabulary() {
    TextFeatures built = WORDS.withVocabulary(WordVocabulary.build(WORDS, CORPUS));
    TextFeaturizer featurizer = new TextFeaturizer(built);
    int[] ids = new int[8];
    assertEquals(7, featurizer.featurize("The big cat, the mat; a CAT", ids, null, 0, 8));
    assertArrayEquals(new int[] {1, 0, 2, 1, 0, 4, 2, -1}, ids, "the, big (out), cat, the, mat (out), a, cat; -1 pads");
    assertEquals(7, featurizer.distinct("The big cat, the mat; a CAT"));
    int[] narrow = new int[3];
    assertEquals(3, featurizer.featurize("sat sat the cat", narrow, null, 0, 3), "the first words that fit");
    assertArrayEquals(new int[] {3, 3, 1}, narrow);
    assertEquals(5, built.idCount(), "4 words and the out-of-vocabulary id");
  }

  @Test
  void theFeaturesAndVocabularyGoThroughACheckpointsMetadata() {
    TextFeatures built = WORDS.withVocabulary(List.of("the", "cat", "sat", "a"));
    assertEquals("words ids=w lengths=n vocabulary=4 lowercase=true normalize=nfc", built.toText());
    Map<String, String> metadata = Map.of(TextFeatures.METADATA_KEY, built.toText(), TextFeatures.VOCABULARY_KEY,
        String.join("\n", built.vocabulary()));
    assertEquals(built, TextFeatures.fromMetadata(metadata));
    assertEquals(WORDS, TextFeatures.fromMetadata(Map.of(TextFeatures.METADATA_KEY, WORDS.toText())));
    assertNull(TextFeatures.fromMetadata(Map.of()));
    assertThrows(IllegalArgumentException.class, () -> WORDS.withVocabulary(List.of("a", "b", "c", "d", "e")));
  }
}
