package dev.adjoint.runtime.checkpoint;

import dev.adjoint.runtime.model.DType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The JSON header of a safetensors file: laying tensors out when writing, and checking every
 * number of a header read from a file before anything is read with it.
 */
final class SafetensorsHeader {
  /** The key of the free-form string map. */
  static final String METADATA = "__metadata__";
  /** The reference implementation's limit on the header's length, in bytes. */
  static final long MAX_LENGTH = 100_000_000L;
  /** The header is padded with spaces to a multiple of this, so that data starts aligned. */
  static final int ALIGNMENT = 8;

  private static final Set<String> ENTRY_KEYS = Set.of("dtype", "shape", "data_offsets");

  /** Where one tensor lies in the data section (offsets relative to its start). */
  record Slot(String name, DType dtype, int[] shape, int size, long begin, long end) {
  }

  private SafetensorsHeader() {
  }

  /** The order tensors are written in: by descending dtype alignment, then by name (as UTF-8 bytes). */
  static List<String> order(Map<String, TensorData> tensors) {
    List<String> names = new ArrayList<>(tensors.keySet());
    names.sort(Comparator.comparingInt((String n) -> WireType.alignmentRank(tensors.get(n).dtype()))
        .thenComparing(dev.adjoint.runtime.text.CodePointOrder.COMPARATOR));
    return names;
  }

  /**
   * The header's bytes for tensors written in {@code order}: compact JSON, {@code __metadata__}
   * first (keys sorted, left out when empty), then the entries in data order, padded with
   * spaces to a multiple of {@value #ALIGNMENT} bytes.
   */
  static byte[] encode(List<String> order, Map<String, TensorData> tensors, Map<String, String> metadata) {
    StringBuilder json = new StringBuilder("{");
    if (!metadata.isEmpty()) {
      JsonQuoting.appendQuoted(json, METADATA, "");
      json.append(":{");
      String sep = "";
      for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
        if (e.getValue() == null) {
          throw new IllegalArgumentException("metadata key '" + e.getKey() + "' has a null value");
        }
        json.append(sep);
        JsonQuoting.appendQuoted(json, e.getKey(), "metadata key '" + e.getKey() + "'");
        json.append(':');
        JsonQuoting.appendQuoted(json, e.getValue(), "the value of metadata key '" + e.getKey() + "'");
        sep = ",";
      }
      json.append('}');
    }
    long offset = 0;
    for (String name : order) {
      if (name.equals(METADATA)) {
        throw new IllegalArgumentException("a tensor cannot be called " + METADATA + ": the format reserves it");
      }
      TensorData t = tensors.get(name);
      long end = offset + (long) t.size() * WireType.size(t.dtype());
      json.append(json.length() > 1 ? "," : "");
      JsonQuoting.appendQuoted(json, name, "tensor name '" + name + "'");
      json.append(":{\"dtype\":\"").append(WireType.name(t.dtype())).append("\",\"shape\":[");
      int[] shape = t.shape();
      for (int i = 0; i < shape.length; i++) {
        json.append(i > 0 ? "," : "").append(shape[i]);
      }
      json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
      offset = end;
    }
    json.append('}');
    byte[] text = json.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (text.length + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    byte[] out = new byte[padded];
    System.arraycopy(text, 0, out, 0, text.length);
    for (int i = text.length; i < padded; i++) {
      out[i] = ' ';
    }
    return out;
  }

  /** The metadata of a parsed header; empty when it has none. */
  static Map<String, String> metadata(Path file, Map<String, Object> header) {
    Object value = header.get(METADATA);
    Map<String, String> metadata = new LinkedHashMap<>();
    if (value == null) {
      return metadata;
    }
    if (!(value instanceof Map)) {
      throw new CheckpointException(file, METADATA + " must be an object of strings");
    }
    for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
      if (!(e.getValue() instanceof String)) {
        throw new CheckpointException(file, METADATA + " must map strings to strings, but '" + e.getKey()
            + "' maps to " + kind(e.getValue()));
      }
      metadata.put((String) e.getKey(), (String) e.getValue());
    }
    return metadata;
  }

  /**
   * The tensors of a parsed header, ordered by offset, after checking that each entry is
   * complete, its dtype known, its shape and offsets consistent, and that the entries cover the
   * data section of {@code dataLength} bytes exactly, without gaps or overlaps.
   */
  static List<Slot> slots(Path file, Map<String, Object> header, long dataLength) {
    List<Slot> slots = new ArrayList<>();
    for (Map.Entry<String, Object> e : header.entrySet()) {
      if (!e.getKey().equals(METADATA)) {
        slots.add(slot(file, e.getKey(), e.getValue(), dataLength));
      }
    }
    slots.sort(Comparator.comparingLong(Slot::begin).thenComparingLong(Slot::end));
    long covered = 0;
    Slot previous = null;
    for (Slot s : slots) {
      if (s.begin() < covered) {
        throw new CheckpointException(file, "the data of tensor '" + s.name() + "' " + range(s)
            + " overlaps that of tensor '" + previous.name() + "' " + range(previous));
      }
      if (s.begin() > covered) {
        throw new CheckpointException(file, "bytes " + covered + ".." + s.begin()
            + " of the data section, before tensor '" + s.name() + "' " + range(s) + ", belong to no tensor");
      }
      covered = s.end();
      previous = s;
    }
    if (covered != dataLength) {
      throw new CheckpointException(file, "the file is " + (dataLength - covered) + " bytes longer than its tensors: "
          + "the data section has " + dataLength + " bytes but the tensors cover " + covered);
    }
    return slots;
  }

  private static Slot slot(Path file, String name, Object value, long dataLength) {
    if (!(value instanceof Map)) {
      throw new CheckpointException(file, "the entry of tensor '" + name + "' must be an object, not " + kind(value));
    }
    Map<?, ?> entry = (Map<?, ?>) value;
    for (Object key : entry.keySet()) {
      if (!ENTRY_KEYS.contains(key)) {
        throw new CheckpointException(file, "tensor '" + name + "' has an unexpected field '" + key
            + "'; an entry has dtype, shape and data_offsets");
      }
    }
    DType dtype = WireType.parse(file, name, field(file, name, entry, "dtype", String.class));
    long[] dims = field(file, name, entry, "shape", long[].class);
    long[] offsets = field(file, name, entry, "data_offsets", long[].class);
    if (offsets.length != 2) {
      throw new CheckpointException(file, "tensor '" + name + "' has " + offsets.length
          + " data_offsets; it needs two, [begin, end]");
    }
    int[] shape = new int[dims.length];
    long size = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] > Integer.MAX_VALUE) {
        throw new CheckpointException(file, "tensor '" + name + "' has dimension " + dims[i] + ", too large for Java");
      }
      shape[i] = (int) dims[i];
      size *= shape[i];
      if (size > Integer.MAX_VALUE) {
        throw new CheckpointException(file, "tensor '" + name + "' of shape " + Arrays.toString(dims).replace(" ", "")
            + " has more elements than a Java array can hold");
      }
    }
    long begin = offsets[0];
    long end = offsets[1];
    if (begin > end) {
      throw new CheckpointException(file, "tensor '" + name + "' has data_offsets [" + begin + "," + end
          + "] that end before they begin");
    }
    if (end > dataLength) {
      throw new CheckpointException(file, "tensor '" + name + "' has data_offsets [" + begin + "," + end
          + "] past the end of the data section, which has " + dataLength + " bytes (the file is truncated or the"
          + " offsets are wrong)");
    }
    long bytes = size * WireType.size(dtype);
    if (end - begin != bytes) {
      throw new CheckpointException(file, "tensor '" + name + "' is " + WireType.name(dtype) + " of shape "
          + TensorData.shapeText(shape) + ", which takes " + bytes + " bytes, but its data_offsets [" + begin + ","
          + end + "] span " + (end - begin));
    }
    return new Slot(name, dtype, shape, (int) size, begin, end);
  }

  private static <T> T field(Path file, String name, Map<?, ?> entry, String key, Class<T> type) {
    Object value = entry.get(key);
    if (value == null) {
      throw new CheckpointException(file, "tensor '" + name + "' has no " + key);
    }
    if (!type.isInstance(value)) {
      throw new CheckpointException(file, "tensor '" + name + "' has a " + key + " that is " + kind(value)
          + ", not " + (type == String.class ? "a string" : "an array of integers"));
    }
    return type.cast(value);
  }

  private static String range(Slot s) {
    return "[" + s.begin() + "," + s.end() + "]";
  }

  private static String kind(Object value) {
    return value instanceof String ? "a string" : value instanceof long[] ? "an array" : "an object";
  }
}
