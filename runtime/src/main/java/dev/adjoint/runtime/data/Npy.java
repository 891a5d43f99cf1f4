package dev.adjoint.runtime.data;

import dev.adjoint.runtime.model.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
    RawColumns.checkFiles("npy", files, specs);
    Map<String, RawArray> arrays = new LinkedHashMap<>();
    for (String name : specs.keySet()) {
      Path file = files.get(name);
      arrays.put(name, parse(file.toString(), BinaryFiles.read(file)));
    }
    RawColumns.checkSameSize(arrays);
    List<Column> columns = new ArrayList<>();
    for (Map.Entry<String, TensorSpec> e : specs.entrySet()) {
      columns.add(RawColumns.toColumn(arrays.get(e.getKey()), e.getValue(), classCounts.get(e.getKey()), 1));
    }
    return new Dataset(RawColumns.rows(arrays), columns);
  }

  /** The array a .npy file holds; {@code file} names it in messages. */
  static RawArray parse(String file, byte[] bytes) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes.length <= i || bytes[i] != MAGIC[i]) {
        throw new DataException(file + ": not a .npy file: it does not start with \\x93NUMPY");
      }
    }
    if (bytes.length < 10) {
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
    long start = 8L + lengthBytes + headerLength;
    if (bytes.length < start) {
      throw new DataException(file + ": the file ends inside its .npy header");
    }
    String text = new String(bytes, 8 + lengthBytes, (int) headerLength,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    NpyHeader header = NpyHeader.parse(file, text);
    long elements = 1;
    for (int d : header.shape()) {
      elements *= d;
      if (elements > Integer.MAX_VALUE) {
        throw new DataException(file + ": shape " + Arrays.toString(header.shape())
            + " holds more values than an array can");
      }
    }
    long expected = elements * header.type().width;
    long actual = bytes.length - start;
    if (actual != expected) {
      throw new DataException(file + ": the header announces " + expected + " bytes of data (shape "
          + Arrays.toString(header.shape()) + " of " + header.type().width + " bytes), but the file has "
          + actual);
    }
    ByteBuffer data = ByteBuffer.wrap(bytes, (int) start, (int) expected).slice().order(header.order());
    return new RawArray(file, header.shape(), header.type(), data);
  }
}
