package dev.adjoint.runtime.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The featurizer against values computed independently in Python, with
 * {@code int(hashlib.md5(gram.encode("utf-8")).hexdigest(), 16) % buckets} (the script:
 * for each order n, {@code t[i:i+n]} of the lowercased text, the offset of the order added;
 * distinct ids in first occurrence; weight = count / number of n-grams of the order).
 */
class TextFeaturizerTest {
  /** The lab's features: 1-, 2- and 3-grams into 521, 1031 and 1031 buckets, relative frequencies. */
  private static final TextFeatures LAB = TextFeatures.ngrams("grams", "freq", TextFeatures.Weighting.FREQUENCY,
      List.of(1, 2, 3), List.of(521, 1031, 1031), true, TextFeatures.Normalization.NONE);

  // python3 feat.py banana  (the script above)
  @Test
  void banana() {
    int[] ids = new int[12];
    float[] weights = new float[12];
    int n = new TextFeaturizer(LAB).featurize("Banana", ids, weights, 0, 12);
    assertEquals(9, n);
    assertArrayEquals(new int[] {361, 141, 107, 618, 705, 1257, 2067, 2299, 1811, -1, -1, -1}, ids);
    assertArrayEquals(new float[] {1 / 6f, 0.5f, 1 / 3f, 0.2f, 0.4f, 0.4f, 0.25f, 0.5f, 0.25f, 0, 0, 0}, weights,
        1e-7f);
  }

  // python3 feat.py "Żółć gęślą": ż ó ł ć ' ' g ę ś l ą, then 9 bigrams, 8 trigrams, all distinct
  @Test
  void polishLettersAreCodePointsHashedAsUtf8() {
    int[] ids = new int[30];
    float[] weights = new float[30];
    int n = new TextFeaturizer(LAB).featurize("Żółć gęślą", ids, weights, 0, 30);
    assertEquals(27, n);
    assertArrayEquals(new int[] {299, 230, 129, 308, 135, 51, 208, 138, 322, 200, 787, 1133, 1509, 1339, 1073,
        1398, 591, 1001, 772, 1606, 2235, 2311, 1568, 1614, 2324, 2081, 1802, -1, -1, -1}, ids);
    float[] expected = new float[30];
    Arrays.fill(expected, 0, 10, 0.1f);
    Arrays.fill(expected, 10, 19, 1 / 9f);
    Arrays.fill(expected, 19, 27, 0.125f);
    assertArrayEquals(expected, weights, 1e-7f);
  }

  // python3 -c '... [h(g, 5) for g in "banana"]' gives 3, 2, 0, 2, 0, 2: a and n collide with nothing,
  // counts b 1, a 3, n 2
  @Test
  void countsOfCollidingGramsAddUp() {
    TextFeatures counts = TextFeatures.ngrams("g", "c", TextFeatures.Weighting.COUNT, List.of(1), List.of(5), true,
        TextFeatures.Normalization.NONE);
    int[] ids = new int[4];
    float[] weights = new float[4];
    assertEquals(3, new TextFeaturizer(counts).featurize("banana", ids, weights, 0, 4));
    assertArrayEquals(new int[] {3, 2, 0, -1}, ids);
    assertArrayEquals(new float[] {1, 3, 2, 0}, weights);
  }

  // python3 -c 'unicodedata.normalize("NFKC", "ﬁＡ").lower()' is "fia": buckets 160, 185, 141 of 521
  @Test
  void nfkcFoldsLigaturesAndFullWidthLettersBeforeLowercasing() {
    TextFeatures nfkc = TextFeatures.ngrams("g", null, TextFeatures.Weighting.COUNT, List.of(1), List.of(521), true,
        TextFeatures.Normalization.NFKC);
    int[] ids = new int[3];
    assertEquals(3, new TextFeaturizer(nfkc).featurize("ﬁＡ", ids, null, 0, 3));
    assertArrayEquals(new int[] {160, 185, 141}, ids);
  }

  @Test
  void aRowKeepsTheFirstIdsItHasRoomForAndWritesAtItsOffset() {
    int[] ids = new int[8];
    Arrays.fill(ids, 7);
    float[] weights = new float[8];
    assertEquals(4, new TextFeaturizer(LAB).featurize("banana", ids, weights, 2, 4));
    assertArrayEquals(new int[] {7, 7, 361, 141, 107, 618, 7, 7}, ids);
    assertEquals(0.5f, weights[3], 1e-7f);
    assertEquals(9, new TextFeaturizer(LAB).distinct("banana"));
  }

  @Test
  void aShortTextHasNoGramsOfLongerOrders() {
    int[] ids = new int[4];
    float[] weights = new float[4];
    assertEquals(1, new TextFeaturizer(LAB).featurize("a", ids, weights, 0, 4));
    assertArrayEquals(new int[] {141, -1, -1, -1}, ids);
    assertArrayEquals(new float[] {1, 0, 0, 0}, weights);
    assertEquals(0, new TextFeaturizer(LAB).featurize("", ids, weights, 0, 4));
    assertArrayEquals(new int[] {-1, -1, -1, -1}, ids);
  }

  @Test
  void bytesAreUtf8AfterLowercasing() {
    TextFeatures bytes = TextFeatures.bytes("b", "len", true, TextFeatures.Normalization.NONE);
    int[] ids = new int[5];
    assertEquals(4, new TextFeaturizer(bytes).featurize("Ça!", ids, null, 0, 5));
    assertArrayEquals(new int[] {0xC3, 0xA7, 'a', '!', -1}, ids);
    assertEquals(2, new TextFeaturizer(bytes).featurize("Ça!", ids, null, 0, 2));
    assertEquals(256, bytes.idCount());
  }

  // python3 -c 'h("bana", 1000003), h("😀a", 97)' gives 738309 and 34: longer grams, astral code points
  @Test
  void longerOrdersAndAstralCodePointsHashTheirUtf8Bytes() {
    NgramHasher hasher = new NgramHasher(new int[] {1000003, 97});
    int[] bana = "bana".codePoints().toArray();
    assertEquals(738309, hasher.bucket(0, bana, 0, 4));
    int[] emoji = "😀a".codePoints().toArray();
    assertEquals(34, hasher.bucket(1, emoji, 0, 2));
    assertEquals(34, hasher.bucket(1, emoji, 0, 2), "the cached bucket");
  }

  @Test
  void theCacheAgreesWithTheHashThroughManyGramsAndRefills() {
    NgramHasher hasher = new NgramHasher(new int[] {1031});
    int[] cps = new int[3];
    for (int i = 0; i < 40_000; i++) {
      cps[0] = 'a' + i % 26;
      cps[1] = 0x100 + i / 26 % 500;
      cps[2] = 0x1F600 + i % 7;
      int expected = hasher.hash(0, cps, 0, 3);
      assertEquals(expected, hasher.bucket(0, cps, 0, 3));
      assertEquals(expected, hasher.bucket(0, cps, 0, 3));
    }
  }

  /**
   * Lowercasing code point by code point, without a string, gives String.toLowerCase(Locale.ROOT)'s
   * rows: on every code point of the BMP beside a capital, and on the two texts that take the
   * string's way (İ becomes two code points; a final Σ becomes ς).
   */
  @Test
  void lowercasingPerCodePointAgreesWithTheStringsLowercase() {
    TextFeaturizer featurizer = new TextFeaturizer(LAB);
    for (String text : List.of("ΟΔΟΣ ΟΔΟΣ.", "İstanbul'da İzmir", "Straße ÀÉÎ 😀X", "ǅemal ǈ")) {
      assertSameRow(featurizer, text, text.toLowerCase(java.util.Locale.ROOT));
    }
    for (int cp = 0; cp < 0x10000; cp++) {
      if (!Character.isSurrogate((char) cp)) {
        String text = "A" + (char) cp + "Ω";
        assertSameRow(featurizer, text, text.toLowerCase(java.util.Locale.ROOT));
      }
    }
  }

  private static void assertSameRow(TextFeaturizer featurizer, String text, String lowered) {
    int[] ids = new int[64];
    float[] weights = new float[64];
    int[] expectedIds = new int[64];
    float[] expectedWeights = new float[64];
    int n = featurizer.featurize(text, ids, weights, 0, 64);
    assertEquals(featurizer.featurize(lowered, expectedIds, expectedWeights, 0, 64), n, text);
    assertArrayEquals(expectedIds, ids, text);
    assertArrayEquals(expectedWeights, weights, text);
    assertEquals(n, featurizer.distinct(text), text);
  }

  /** By order: banana's unigrams and bigrams (the values above, less the bigrams' offset 521) in their blocks. */
  @Test
  void eachOrderFillsItsOwnBlockWithItsOwnBuckets() {
    TextFeatures byOrder = TextFeatures.ngrams("g", "f", TextFeatures.Weighting.FREQUENCY, List.of(1, 2),
        List.of(521, 1031), true, TextFeatures.Normalization.NONE).withPlaces(List.of(3, 4));
    int[] ids = new int[9];
    float[] weights = new float[9];
    Arrays.fill(ids, 77);
    Arrays.fill(weights, 77);
    TextFeaturizer featurizer = new TextFeaturizer(byOrder);
    assertEquals(7, featurizer.featurize("Banana", ids, weights, 1, 7), "the whole row: padding lies between blocks");
    assertArrayEquals(new int[] {77, 361, 141, 107, 97, 184, 736, -1, 77}, ids);
    assertArrayEquals(new float[] {77, 1 / 6f, 0.5f, 1 / 3f, 0.2f, 0.4f, 0.4f, 0, 77}, weights, 1e-7f);
    TextFeaturizer cut = new TextFeaturizer(byOrder.withPlaces(List.of(2, 4)));
    assertEquals(6, cut.featurize("Banana", ids, weights, 0, 6));
    assertArrayEquals(new int[] {361, 141, 97, 184, 736, -1}, Arrays.copyOf(ids, 6));
    assertArrayEquals(new float[] {1 / 6f, 0.5f, 0.2f, 0.4f, 0.4f, 0}, Arrays.copyOf(weights, 6), 1e-7f);
    assertEquals(6, cut.featurize("", ids, null, 0, 6), "no weights asked");
    assertArrayEquals(new int[] {-1, -1, -1, -1, -1, -1}, Arrays.copyOf(ids, 6), "no n-grams of an empty text");
    assertEquals(byOrder, TextFeatures.parse(byOrder.toText()));
    assertTrue(byOrder.toText().endsWith("buckets=521,1031 places=3,4 lowercase=true normalize=none"),
        byOrder.toText());
    assertThrows(IllegalArgumentException.class, () -> byOrder.withPlaces(List.of(3)));
    assertThrows(IllegalArgumentException.class, () -> byOrder.withPlaces(List.of(3, 0)));
  }

  @Test
  void settingsRoundTripThroughTheirText() {
    assertEquals("ngrams ids=grams weights=freq weighting=frequency orders=1,2,3 buckets=521,1031,1031 "
        + "lowercase=true normalize=none", LAB.toText());
    assertEquals(LAB, TextFeatures.parse(LAB.toText()));
    TextFeatures bytes = TextFeatures.bytes("b", null, false, TextFeatures.Normalization.NFC);
    assertEquals(bytes, TextFeatures.parse(bytes.toText()));
    assertEquals(List.of("grams", "freq"), LAB.inputs());
    assertEquals(2583, LAB.idCount());
    assertEquals(1552, LAB.offset(2));
    assertThrows(IllegalArgumentException.class, () -> TextFeatures.parse("ngrams orders"));
    assertThrows(IllegalArgumentException.class, () -> TextFeatures.parse("sentences ids=x"));
    assertThrows(IllegalArgumentException.class, () -> TextFeatures.ngrams("g", null,
        TextFeatures.Weighting.COUNT, List.of(1, 2), List.of(5), true, TextFeatures.Normalization.NONE));
  }
}
