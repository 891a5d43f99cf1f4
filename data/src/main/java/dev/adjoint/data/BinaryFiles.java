package dev.adjoint.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads an IDX or .npy file, gunzipping it when it starts with the gzip magic bytes 1f 8b.
 * The header is read and checked first, from the start of the file only; then the file must
 * hold exactly the data the header announces. A compressed file is decompressed only up to
 * that length (a file that decompresses to more is refused there, so a gzip bomb costs no
 * more than its header says), and only when its header announces no more than its size can
 * hold at deflate's best ratio.
 */
final class BinaryFiles {
  /** How much of the start is read for the header: more than an IDX header or a .npy header Adjoint reads. */
  static final int PREFIX = 1 << 17;
  /** The most bytes one file may hold: the largest Java array. */
  static final long MAX_BYTES = Integer.MAX_VALUE - 8;
  /** Deflate's best compression ratio is 1032 to 1; anything announcing more is not what it claims. */
  static final long MAX_GZIP_RATIO = 1100;

  /** Reads the header of a format from the start of a file. */
  interface HeaderReader {
    ArrayHeader header(String file, byte[] start);
  }

  private BinaryFiles() {}

  /** The whole (decompressed) file, once its header announced exactly what it holds. */
  static byte[] read(Path file, HeaderReader format) {
    DataFiles.requireRegular(file);
    String name = file.toString();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      long size = Files.size(file);
      raw.mark(2);
      boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
      raw.reset();
      try (InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw) {
        return read(name, in, size, gzip, format);
      }
    } catch (NoSuchFileException e) {
      throw new DataException(name + ": no such file", e);
    } catch (IOException e) {
      throw new DataException(name + ": cannot read the file: " + e, e);
    }
  }

  private static byte[] read(String file, InputStream in, long size, boolean gzip, HeaderReader format) {
    byte[] start = readUpTo(file, in, PREFIX, gzip);
    ArrayHeader header = format.header(file, start);
    long data = header.dataBytes();
    long total = header.dataOffset() + data;
    if (total > MAX_BYTES) {
      throw new DataException(file + ": the header announces " + data + " bytes of data (" + header.layout()
          + "), more than one array can hold");
    }
    if (!gzip && size != total) {
      throw mismatch(file, header, size - header.dataOffset());
    }
    if (gzip && total > size * MAX_GZIP_RATIO) {
      throw new DataException(file + ": the header announces " + data + " bytes of data (" + header.layout()
          + "), more than a gzip file of " + size + " bytes can hold");
    }
    if (start.length > total) {
      throw more(file, header);
    }
    byte[] bytes;
    try {
      bytes = new byte[(int) total];
    } catch (OutOfMemoryError e) {
      throw new DataException(file + ": " + total + " bytes do not fit in memory; give Java more with "
          + "ADJOINT_JAVA_OPTS=-Xmx8g (or more)", e);
    }
    System.arraycopy(start, 0, bytes, 0, start.length);
    int read = start.length + readInto(file, in, bytes, start.length, gzip);
    if (read < total) {
      throw mismatch(file, header, read - header.dataOffset());
    }
    if (gzip && readUpTo(file, in, 1, true).length > 0) {
      throw more(file, header);
    }
    return bytes;
  }

  /** The array of a file whose {@code header} was read from {@code bytes}, once its data has the announced length. */
  static RawArray array(String file, ArrayHeader header, byte[] bytes) {
    long expected = header.dataBytes();
    long actual = bytes.length - (long) header.dataOffset();
    if (actual != expected) {
      throw mismatch(file, header, actual);
    }
    ByteBuffer data = ByteBuffer.wrap(bytes, header.dataOffset(), (int) expected).slice().order(header.order());
    return new RawArray(file, header.dims(), header.type(), data);
  }

  private static DataException mismatch(String file, ArrayHeader header, long actual) {
    return new DataException(file + ": the header announces " + header.dataBytes() + " bytes of data ("
        + header.layout() + "), but the file has " + actual);
  }

  private static DataException more(String file, ArrayHeader header) {
    return new DataException(file + ": the file decompresses to more than the " + header.dataBytes()
        + " bytes of data its header announces (" + header.layout() + ")");
  }

  private static byte[] readUpTo(String file, InputStream in, int count, boolean gzip) {
    try {
      return in.readNBytes(count);
    } catch (IOException e) {
      throw unreadable(file, e, gzip);
    }
  }

  private static int readInto(String file, InputStream in, byte[] bytes, int from, boolean gzip) {
    try {
      return in.readNBytes(bytes, from, bytes.length - from);
    } catch (IOException e) {
      throw unreadable(file, e, gzip);
    }
  }

  private static DataException unreadable(String file, IOException e, boolean gzip) {
    return new DataException(file + ": " + (gzip ? "cannot gunzip the file: " : "cannot read the file: ")
        + e.getMessage(), e);
  }
}
