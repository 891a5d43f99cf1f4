package dev.adjoint.data;

import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads IDX files, the format MNIST ships in, gzipped or not: one file per input and
 * target. A file starts with two zero bytes, a type code (0x08 unsigned byte, 0x09 signed
 * byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double), the number of dimensions and each
 * dimension as a big-endian int; the values follow, big-endian, in C order. The first
 * dimension counts the samples, and the others only need to hold as many values as a
 * sample of the column: images {@code [N, 28, 28]} feed {@code f32[B, 784]}.
 */
public final class Idx {
  private Idx() {}

  /**
   * A data set with one column per spec, in the order of {@code specs}.
   *
   * @param files the file of each input and target, by name
   * @param specs the model's inputs and targets, in model order
   * @param inputs which of them are inputs: {@code scale} multiplies their floating-point values
   * @param classCounts the number of classes of each class target, whose labels must be 0 .. count-1
   * @param scale the factor of the inputs' values ({@code 1 / 255} maps bytes to [0, 1])
   * @throws DataException when a file is missing, is no IDX file, does not fit its spec, or
   *     holds a different number of samples than the others
   */
  public static Dataset read(Map<String, Path> files, Map<String, TensorSpec> specs, Set<String> inputs,
      Map<String, Integer> classCounts, double scale) {
    return read(files, specs, inputs, classCounts, scale, Map.of());
  }

  /**
   * As {@link #read(Map, Map, Set, Map, double)}, with the values of i32 columns checked
   * against the limits the model puts on them ({@code limits}, by column).
   *
   * @throws DataException also naming the file and sample of a value outside its limit, or of
   *     a value that is NaN, infinite, or too large for its column's dtype
   */
  public static Dataset read(Map<String, Path> files, Map<String, TensorSpec> specs, Set<String> inputs,
      Map<String, Integer> classCounts, double scale, Map<String, IdLimit> limits) {
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("scale must be a finite number > 0, got " + scale);
    }
    RawColumns.checkFiles("idx", files, specs);
    Map<String, RawArray> arrays = new LinkedHashMap<>();
    for (String name : specs.keySet()) {
      Path file = files.get(name);
      arrays.put(name, parse(file.toString(), BinaryFiles.read(file, Idx::header)));
    }
    RawColumns.checkSameSize(arrays);
    List<Column> columns = new ArrayList<>();
    for (Map.Entry<String, TensorSpec> e : specs.entrySet()) {
      TensorSpec spec = e.getValue();
      boolean scaled = inputs.contains(e.getKey()) && spec.dtype() != DType.I32;
      columns.add(RawColumns.toColumn(arrays.get(e.getKey()), spec, classCounts.get(e.getKey()),
          scaled ? scale : 1, limits.get(e.getKey())));
    }
    return new Dataset(RawColumns.rows(arrays), columns);
  }

  /** The array an IDX file holds; {@code file} names it in messages. */
  static RawArray parse(String file, byte[] bytes) {
    return BinaryFiles.array(file, header(file, bytes), bytes);
  }

  /**
   * The header at the start of {@code bytes} (the whole file, or only its start): two zero
   * bytes, a known type code, at least one dimension, none negative, and at most
   * Integer.MAX_VALUE elements.
   */
  static ArrayHeader header(String file, byte[] bytes) {
    if (bytes.length < 4 || bytes[0] != 0 || bytes[1] != 0) {
      throw new DataException(file + ": not an IDX file: it starts with " + hex(bytes, 4)
          + ", expected 00 00, a type code and the number of dimensions");
    }
    ElementType type = type(file, bytes[2] & 0xFF);
    int rank = bytes[3] & 0xFF;
    if (rank == 0) {
      throw new DataException(file + ": the file has no dimensions; expected the samples as the first");
    }
    int header = 4 + 4 * rank;
    if (bytes.length < header) {
      throw new DataException(file + ": the file ends inside its header of " + rank + " dimensions");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    int[] dims = new int[rank];
    for (int i = 0; i < rank; i++) {
      dims[i] = b.getInt(4 + 4 * i);
    }
    ArrayHeader.elements(file, dims);
    return new ArrayHeader(dims, type, ByteOrder.BIG_ENDIAN, header);
  }

  private static ElementType type(String file, int code) {
    return switch (code) {
      case 0x08 -> ElementType.U8;
      case 0x09 -> ElementType.I8;
      case 0x0B -> ElementType.I16;
      case 0x0C -> ElementType.I32;
      case 0x0D -> ElementType.F32;
      case 0x0E -> ElementType.F64;
      default -> throw new DataException(file + ": unknown IDX type code " + String.format("0x%02X", code)
          + "; expected 0x08 (unsigned byte), 0x09 (signed byte), 0x0B (short), 0x0C (int), 0x0D (float) or "
          + "0x0E (double)");
    };
  }

  private static String hex(byte[] bytes, int count) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(count, bytes.length); i++) {
      out.append(i > 0 ? " " : "").append(String.format("%02x", bytes[i] & 0xFF));
    }
    return bytes.length == 0 ? "nothing (the file is empty)" : out.toString();
  }
}
