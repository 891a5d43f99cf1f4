package dev.adjoint.data;

import dev.adjoint.runtime.model.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads NumPy {@code .npy} files (format versions 1, 2 and 3), one per input and target:
 * bool, integer and floating-point arrays of either byte order, in C order. The first
 * dimension counts the samples and the others only need to hold as many values as a sample
 * of the column; values are converted to the column's dtype (whole numbers only for i32).
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  /** The longest header dict read, in bytes: NumPy itself refuses more than 10,000 by default. */
  static final int MAX_HEADER = 65_535;

  private Npy() {}

  /**
   * A data set with one column per spec, in the order of {@code specs}.
   *
   * @param files the file of each input and target, by name
   * @param specs the model's inputs and targets, in model order
   * @param classCounts the number of classes of each class target, whose values must be 0 .. count-1
   * @throws DataException when a file is missing, is no .npy file, does not fit its spec, or
   *     holds a different number of samples than the others
   */
  public static Dataset read(Map<String, Path> files, Map<String, TensorSpec> specs,
      Map<String, Integer> classCounts) {
    return read(files, specs, classCounts, Map.of());
  }

  /**
   * As {@link #read(Map, Map, Map)}, with the values of i32 columns checked against the
   * limits the model puts on them ({@code limits}, by column).
   *
   * @throws DataException also naming the file and sample of a value outside its limit, or of
   *     a value that is NaN, infinite, or too large for its column's dtype
   */
  public static Dataset read(Map<String, Path> files, Map<String, TensorSpec> specs,
      Map<String, Integer> classCounts, Map<String, IdLimit> limits) {
    RawColumns.checkFiles("npy", files, specs);
    Map<String, RawArray> arrays = new LinkedHashMap<>();
    for (String name : specs.keySet()) {
      Path file = files.get(name);
      arrays.put(name, parse(file.toString(), BinaryFiles.read(file, Npy::header)));
    }
    RawColumns.checkSameSize(arrays);
    List<Column> columns = new ArrayList<>();
    for (Map.Entry<String, TensorSpec> e : specs.entrySet()) {
      columns.add(RawColumns.toColumn(arrays.get(e.getKey()), e.getValue(), classCounts.get(e.getKey()), 1,
          limits.get(e.getKey())));
    }
    return new Dataset(RawColumns.rows(arrays), columns);
  }

  /** The array a .npy file holds; {@code file} names it in messages. */
  static RawArray parse(String file, byte[] bytes) {
    return BinaryFiles.array(file, header(file, bytes), bytes);
  }

  /**
   * The header at the start of {@code bytes} (the whole file, or only its start): the magic
   * string, a known format version, a header dict of at most {@value #MAX_HEADER} bytes that
   * ends inside {@code bytes}, and a shape of at most Integer.MAX_VALUE elements.
   */
  static ArrayHeader header(String file, byte[] bytes) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes.length <= i || bytes[i] != MAGIC[i]) {
        throw new DataException(file + ": not a .npy file: it does not start with \\x93NUMPY");
      }
    }
    if (bytes.length < 8) {
      throw new DataException(file + ": the file ends inside its .npy header");
    }
    int major = bytes[6] & 0xFF;
    if (major < 1 || major > 3) {
      throw new DataException(file + ": .npy format version " + major + "." + (bytes[7] & 0xFF)
          + " is not supported; expected 1.0, 2.0 or 3.0");
    }
    ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int lengthBytes = major == 1 ? 2 : 4;
    if (bytes.length < 8 + lengthBytes) {
      throw new DataException(file + ": the file ends inside its .npy header");
    }
    long headerLength = major == 1 ? le.getShort(8) & 0xFFFF : le.getInt(8) & 0xFFFF_FFFFL;
    if (headerLength > MAX_HEADER) {
      throw new DataException(file + ": the .npy header announces " + headerLength + " bytes, more than the "
          + MAX_HEADER + " Adjoint reads (NumPy writes a few hundred)");
    }
    int start = 8 + lengthBytes + (int) headerLength;
    if (bytes.length < start) {
      throw new DataException(file + ": the file ends inside its .npy header");
    }
    String text = new String(bytes, 8 + lengthBytes, (int) headerLength,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    NpyHeader header = NpyHeader.parse(file, text);
    ArrayHeader.elements(file, header.shape());
    return new ArrayHeader(header.shape(), header.type(), header.order(), start);
  }
}
