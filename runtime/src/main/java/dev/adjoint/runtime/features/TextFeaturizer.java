package dev.adjoint.runtime.features;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One text into one input row as {@link TextFeatures} say: the same code for the data loader,
 * {@code eval}, {@code predict} and embedded predictors, so that a model sees at prediction
 * what it saw in training.
 *
 * <p>For n-grams: the text's code points after normalization and lowercasing; for each order
 * n in turn, every run of n consecutive code points (none when the text is shorter than n),
 * its id the order's offset plus {@link NgramHasher}'s bucket. The row holds the distinct ids
 * in order of first occurrence (orders ascending, each left to right), colliding n-grams
 * counted together, at most the row's width of them (the rest left out; the weights are
 * computed over all the n-grams), then -1 (and weight 0) to the end of the row.
 *
 * <p>For words: the prepared text's words ({@link WordVocabulary#words}) in order, each a
 * vocabulary word's rank plus one or 0 out of the vocabulary, at most the row's width of them,
 * then -1.
 *
 * <p>Not thread-safe (its scratch and its hasher's cache): one per thread. For n-grams without
 * normalization it allocates nothing per text once its scratch has grown to the longest.
 */
public final class TextFeaturizer {
  private final TextFeatures features;
  private final NgramHasher hasher;
  private final int[] offsets;
  /** Per id, its place in the current text's list plus one; 0 when absent. Reset after each text. */
  private final int[] place;
  private int[] found = new int[256];
  private int[] counts = new int[256];
  private int[] orderOf = new int[256];
  private int[] codePoints = new int[256];
  private final int[] perOrder;
  /** Words: each vocabulary word's id (its rank plus one). */
  private final Map<String, Integer> wordIds = new HashMap<>();

  public TextFeaturizer(TextFeatures features) {
    this.features = features;
    int orders = features.orders().size();
    int[] buckets = new int[orders];
    offsets = new int[orders];
    for (int k = 0; k < orders; k++) {
      buckets[k] = features.buckets().get(k);
      offsets[k] = features.offset(k);
    }
    hasher = features.kind() == TextFeatures.Kind.NGRAMS ? new NgramHasher(buckets) : null;
    place = features.kind() == TextFeatures.Kind.NGRAMS ? new int[features.idCount()] : new int[0];
    perOrder = new int[orders];
    for (int i = 0; i < features.vocabulary().size(); i++) {
      wordIds.put(features.vocabulary().get(i), i + 1);
    }
  }

  public TextFeatures features() {
    return features;
  }

  /** The text as the features see it: normalized, then lowercased if asked. */
  public String prepare(String text) {
    String out = features.normalization().form == null ? text : Normalizer.normalize(text, features.normalization().form);
    return features.lowercase() ? out.toLowerCase(Locale.ROOT) : out;
  }

  /**
   * Writes the row of {@code text} into {@code ids[at .. at + width)} and, when not null,
   * {@code weights[at .. at + width)}; returns the ids written before the padding. For bytes,
   * the weights are left alone.
   */
  public int featurize(String text, int[] ids, float[] weights, int at, int width) {
    return featurize(text, ids, at, weights, at, width);
  }

  /** As {@link #featurize(String, int[], float[], int, int)}, the ids at {@code idsAt} and the weights at {@code weightsAt}. */
  public int featurize(String text, int[] ids, int idsAt, float[] weights, int weightsAt, int width) {
    return switch (features.kind()) {
      case BYTES -> bytes(prepare(text), ids, idsAt, width);
      case WORDS -> words(prepare(text), ids, idsAt, width);
      case NGRAMS -> ngrams(text, ids, idsAt, weights, weightsAt, width);
    };
  }

  /** The number of distinct ids of {@code text}'s row, however wide: what a row needs to keep them all. */
  public int distinct(String text) {
    if (features.kind() == TextFeatures.Kind.BYTES) {
      return prepare(text).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
    if (features.kind() == TextFeatures.Kind.WORDS) {
      return WordVocabulary.words(prepare(text)).size();
    }
    int n = collect(text);
    clear(n);
    return n;
  }

  private int bytes(String prepared, int[] ids, int at, int width) {
    byte[] utf8 = prepared.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int kept = Math.min(width, utf8.length);
    for (int i = 0; i < kept; i++) {
      ids[at + i] = utf8[i] & 0xFF;
    }
    Arrays.fill(ids, at + kept, at + width, -1);
    return kept;
  }

  /** The first {@code width} words' ids (0 out of the vocabulary), then -1; returns the ids written. */
  private int words(String prepared, int[] ids, int at, int width) {
    List<String> words = WordVocabulary.words(prepared);
    int kept = Math.min(width, words.size());
    for (int i = 0; i < kept; i++) {
      ids[at + i] = wordIds.getOrDefault(words.get(i), 0);
    }
    Arrays.fill(ids, at + kept, at + width, -1);
    return kept;
  }

  private int ngrams(String text, int[] ids, int at, float[] weights, int weightsAt, int width) {
    if (features.byOrder()) {
      return byOrder(text, ids, at, weights, weightsAt, width);
    }
    int distinct = collect(text);
    int kept = Math.min(width, distinct);
    boolean frequency = features.weighting() == TextFeatures.Weighting.FREQUENCY;
    for (int i = 0; i < kept; i++) {
      ids[at + i] = found[i];
      if (weights != null) {
        weights[weightsAt + i] = frequency ? (float) ((double) counts[i] / perOrder[orderOf[i]]) : counts[i];
      }
    }
    Arrays.fill(ids, at + kept, at + width, -1);
    if (weights != null) {
      Arrays.fill(weights, weightsAt + kept, weightsAt + width, 0f);
    }
    clear(distinct);
    return kept;
  }

  /**
   * Order k's distinct ids, less its offset, into its block of places_k (the first of them
   * that fit), then -1 (weight 0) to the block's end; returns the width, since padding lies
   * between the blocks.
   */
  private int byOrder(String text, int[] ids, int at, float[] weights, int weightsAt, int width) {
    int distinct = collect(text);
    boolean frequency = features.weighting() == TextFeatures.Weighting.FREQUENCY;
    Arrays.fill(ids, at, at + width, -1);
    if (weights != null) {
      Arrays.fill(weights, weightsAt, weightsAt + width, 0f);
    }
    int block = 0;
    int i = 0;
    for (int k = 0; k < offsets.length; k++) {
      int places = features.places().get(k);
      int used = 0;
      for (; i < distinct && orderOf[i] == k; i++) {
        if (used < places && block + used < width) {
          ids[at + block + used] = found[i] - offsets[k];
          if (weights != null) {
            weights[weightsAt + block + used] = frequency ? (float) ((double) counts[i] / perOrder[k]) : counts[i];
          }
          used++;
        }
      }
      block += places;
    }
    clear(distinct);
    return width;
  }

  /**
   * Fills found, counts, orderOf and perOrder for the text; returns the number of distinct ids.
   * Without normalization, each code point is lowercased as it is read, with no string made:
   * {@code Character.toLowerCase} gives what {@code String.toLowerCase(Locale.ROOT)} gives for
   * every code point but two, İ (U+0130, two code points) and Σ (U+03A3, final sigma depends
   * on the next letter), so a text holding either goes through {@link #prepare} instead.
   */
  private int collect(String text) {
    boolean perCodePoint = features.normalization().form == null
        && (!features.lowercase() || text.indexOf('\u0130') < 0 && text.indexOf('\u03A3') < 0);
    String source = perCodePoint ? text : prepare(text);
    boolean lower = perCodePoint && features.lowercase();
    int length = 0;
    for (int i = 0; i < source.length(); ) {
      int cp = source.codePointAt(i);
      if (length == codePoints.length) {
        codePoints = Arrays.copyOf(codePoints, 2 * length);
      }
      codePoints[length++] = lower ? Character.toLowerCase(cp) : cp;
      i += Character.charCount(cp);
    }
    int distinct = 0;
    for (int k = 0; k < offsets.length; k++) {
      int n = features.orders().get(k);
      perOrder[k] = Math.max(0, length - n + 1);
      for (int i = 0; i + n <= length; i++) {
        int id = offsets[k] + hasher.bucket(k, codePoints, i, n);
        int p = place[id];
        if (p == 0) {
          if (distinct == found.length) {
            grow();
          }
          found[distinct] = id;
          counts[distinct] = 1;
          orderOf[distinct] = k;
          place[id] = ++distinct;
        } else {
          counts[p - 1]++;
        }
      }
    }
    return distinct;
  }

  private void clear(int distinct) {
    for (int i = 0; i < distinct; i++) {
      place[found[i]] = 0;
    }
  }

  private void grow() {
    found = Arrays.copyOf(found, 2 * found.length);
    counts = Arrays.copyOf(counts, found.length);
    orderOf = Arrays.copyOf(orderOf, found.length);
  }
}
