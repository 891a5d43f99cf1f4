package dev.adjoint.runtime.features;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a text becomes a model's input row, as a train block's {@code features} declares it
 * and a checkpoint records it ({@link #toText}, {@link #parse}).
 *
 * <ul>
 *   <li>{@link Kind#NGRAMS}: the character n-grams of each order in {@link #orders}, hashed
 *       by {@link NgramHasher} into that order's {@link #buckets}, each order after the
 *       buckets of the orders before it (ids of order k in [offset_k, offset_k + buckets_k));
 *       the distinct ids into input {@link #ids}, their weights into input {@link #weights}
 *       (or none);
 *   <li>{@link Kind#BYTES}: the UTF-8 bytes of the text as ids 0-255 into {@link #ids}, their
 *       number into the i32 input {@link #lengths} (or none);
 *   <li>{@link Kind#WORDS}: the text's words ({@link WordVocabulary#words}) in order as ids
 *       into {@link #ids}: a word of the {@link #vocabulary} its rank plus one, any other 0
 *       (out of vocabulary); their number into {@link #lengths} (or none).
 * </ul>
 * Before either, the text is normalized ({@link #normalization}), then lowercased
 * ({@code String.toLowerCase(Locale.ROOT)}) when {@link #lowercase}.
 *
 * @param weights the f32 input of the n-grams' weights, or null for ids only
 * @param lengths the i32 input of the byte count, or null
 * @param places empty for one list of every order's ids (order k's shifted by {@link #offset}); else
 *     the places of each order's block of the row, in order: order k's ids are its buckets
 *     [0, buckets_k), for a table of its own, at most places_k of them, then -1 to the block's end
 * @param vocabularySize words: the most words the vocabulary holds (0 for other kinds)
 * @param vocabulary words: the vocabulary's words by rank, built from the training texts
 *     ({@link WordVocabulary#build}); empty until built
 */
public record TextFeatures(Kind kind, String ids, String weights, String lengths, Weighting weighting,
    List<Integer> orders, List<Integer> buckets, boolean lowercase, Normalization normalization,
    List<Integer> places, int vocabularySize, List<String> vocabulary) {

  /** Checkpoint metadata: a text model's features, as {@link #toText} writes them. */
  public static final String METADATA_KEY = "adjoint.text_features";
  /** Checkpoint metadata: the words of a words vocabulary by rank, one per line (a word holds no line break). */
  public static final String VOCABULARY_KEY = "adjoint.vocabulary";

  /** What a text becomes. */
  public enum Kind { NGRAMS, BYTES, WORDS }

  /** The weight of an n-gram's id in its bag. */
  public enum Weighting {
    /** How many times the id occurs. */
    COUNT,
    /** Its count over the number of n-grams of its order in the text (each order's weights sum to 1). */
    FREQUENCY
  }

  /** The Unicode normalization applied before lowercasing. */
  public enum Normalization {
    NONE(null), NFC(Normalizer.Form.NFC), NFKC(Normalizer.Form.NFKC);

    final Normalizer.Form form;

    Normalization(Normalizer.Form form) {
      this.form = form;
    }
  }

  public TextFeatures {
    orders = List.copyOf(orders);
    buckets = List.copyOf(buckets);
    places = List.copyOf(places);
    vocabulary = List.copyOf(vocabulary);
    if (vocabulary.size() > vocabularySize) {
      throw new IllegalArgumentException("a vocabulary of at most " + vocabularySize + " words holds "
          + vocabulary.size());
    }
    if (!places.isEmpty() && (places.size() != orders.size() || places.stream().anyMatch(p -> p < 1))) {
      throw new IllegalArgumentException("n-grams by order need a positive number of places per order, got orders "
          + orders + " and places " + places);
    }
    if (kind == Kind.NGRAMS && (orders.isEmpty() || orders.size() != buckets.size())) {
      throw new IllegalArgumentException("n-grams need one bucket count per order, got orders " + orders
          + " and buckets " + buckets);
    }
    for (int i = 0; i < orders.size(); i++) {
      if (orders.get(i) < 1 || buckets.get(i) < 1) {
        throw new IllegalArgumentException("orders and bucket counts are positive, got " + orders + " and " + buckets);
      }
    }
  }

  /** Character n-grams of {@code orders}, hashed into {@code buckets}. */
  public static TextFeatures ngrams(String ids, String weights, Weighting weighting, List<Integer> orders,
      List<Integer> buckets, boolean lowercase, Normalization normalization) {
    return new TextFeatures(Kind.NGRAMS, ids, weights, null, weighting, orders, buckets, lowercase, normalization,
        List.of(), 0, List.of());
  }

  /** The same n-grams, each order in its own block of {@code perOrder} places (see {@link #places}). */
  public TextFeatures withPlaces(List<Integer> perOrder) {
    return new TextFeatures(kind, ids, weights, lengths, weighting, orders, buckets, lowercase, normalization,
        perOrder, vocabularySize, vocabulary);
  }

  /** Whether each order has its own block of the row and its own id range from 0. */
  public boolean byOrder() {
    return !places.isEmpty();
  }

  /** UTF-8 bytes as ids. */
  public static TextFeatures bytes(String ids, String lengths, boolean lowercase, Normalization normalization) {
    return new TextFeatures(Kind.BYTES, ids, null, lengths, Weighting.COUNT, List.of(), List.of(), lowercase,
        normalization, List.of(), 0, List.of());
  }

  /** Words as ids of a vocabulary of at most {@code size} words, to be built from the training texts. */
  public static TextFeatures words(String ids, String lengths, int size, boolean lowercase,
      Normalization normalization) {
    return new TextFeatures(Kind.WORDS, ids, null, lengths, Weighting.COUNT, List.of(), List.of(), lowercase,
        normalization, List.of(), size, List.of());
  }

  /** The same words features with the vocabulary {@code words}, by rank. */
  public TextFeatures withVocabulary(List<String> words) {
    return new TextFeatures(kind, ids, weights, lengths, weighting, orders, buckets, lowercase, normalization,
        places, vocabularySize, words);
  }

  /**
   * The features a checkpoint's metadata records ({@link #METADATA_KEY}), with their
   * vocabulary ({@link #VOCABULARY_KEY}) for words; null when it records none.
   */
  public static TextFeatures fromMetadata(Map<String, String> metadata) {
    String text = metadata.get(METADATA_KEY);
    if (text == null) {
      return null;
    }
    TextFeatures features = parse(text);
    String words = metadata.get(VOCABULARY_KEY);
    return words == null || words.isEmpty() ? features : features.withVocabulary(List.of(words.split("\n")));
  }

  /**
   * The number of distinct ids over all orders (256 for bytes; for words, the vocabulary's
   * size plus one, id 0 being any word out of it); by order, each order's ids index a table of its own.
   */
  public int idCount() {
    return switch (kind) {
      case BYTES -> 256;
      case WORDS -> vocabularySize + 1;
      case NGRAMS -> buckets.stream().mapToInt(Integer::intValue).sum();
    };
  }

  /** The first id of order {@code orders.get(k)}: the bucket counts of the orders before it. */
  public int offset(int k) {
    int offset = 0;
    for (int i = 0; i < k; i++) {
      offset += buckets.get(i);
    }
    return offset;
  }

  /** The model inputs these features fill: ids first, then weights or lengths if any. */
  public List<String> inputs() {
    List<String> out = new ArrayList<>();
    out.add(ids);
    if (weights != null) {
      out.add(weights);
    }
    if (lengths != null) {
      out.add(lengths);
    }
    return out;
  }

  /**
   * One line of {@code key=value} pairs, as a checkpoint records it; {@link #parse} reads it
   * back. A words vocabulary is recorded apart ({@link #VOCABULARY_KEY}).
   */
  public String toText() {
    StringBuilder out = new StringBuilder(kind.name().toLowerCase(java.util.Locale.ROOT));
    out.append(" ids=").append(ids);
    if (weights != null) {
      out.append(" weights=").append(weights).append(" weighting=")
          .append(weighting.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (lengths != null) {
      out.append(" lengths=").append(lengths);
    }
    if (kind == Kind.WORDS) {
      out.append(" vocabulary=").append(vocabularySize);
    }
    if (kind == Kind.NGRAMS) {
      out.append(" orders=").append(join(orders)).append(" buckets=").append(join(buckets));
      if (byOrder()) {
        out.append(" places=").append(join(places));
      }
    }
    out.append(" lowercase=").append(lowercase).append(" normalize=")
        .append(normalization.name().toLowerCase(java.util.Locale.ROOT));
    return out.toString();
  }

  /** The features {@link #toText} wrote. */
  public static TextFeatures parse(String text) {
    String[] parts = text.trim().split(" ");
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("not a text feature setting: '" + parts[i] + "' in '" + text + "'");
      }
      values.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
    }
    boolean lowercase = Boolean.parseBoolean(values.getOrDefault("lowercase", "true"));
    Normalization normalization = Normalization.valueOf(values.getOrDefault("normalize", "none")
        .toUpperCase(java.util.Locale.ROOT));
    String ids = values.get("ids");
    if (ids == null) {
      throw new IllegalArgumentException("text features without ids: '" + text + "'");
    }
    return switch (parts[0]) {
      case "ngrams" -> ngrams(ids, values.get("weights"), Weighting.valueOf(values.getOrDefault("weighting",
          "count").toUpperCase(java.util.Locale.ROOT)), ints(values.get("orders")), ints(values.get("buckets")),
          lowercase, normalization).withPlaces(ints(values.get("places")));
      case "bytes" -> bytes(ids, values.get("lengths"), lowercase, normalization);
      case "words" -> words(ids, values.get("lengths"), Integer.parseInt(values.getOrDefault("vocabulary", "0")),
          lowercase, normalization);
      default -> throw new IllegalArgumentException("unknown text features '" + parts[0] + "' in '" + text + "'");
    };
  }

  private static String join(List<Integer> values) {
    return String.join(",", values.stream().map(String::valueOf).toList());
  }

  private static List<Integer> ints(String text) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    List<Integer> out = new ArrayList<>();
    for (String v : text.split(",")) {
      out.add(Integer.parseInt(v));
    }
    return out;
  }
}
