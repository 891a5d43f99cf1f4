package dev.adjoint.runtime.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Reads a whole binary file, gunzipping it when it starts with the gzip magic bytes 1f 8b. */
final class BinaryFiles {
  private BinaryFiles() {}

  static byte[] read(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1f && (bytes[1] & 0xFF) == 0x8b) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes), 1 << 16)) {
          return in.readAllBytes();
        } catch (IOException e) {
          throw new DataException(file + ": cannot gunzip the file: " + e.getMessage(), e);
        }
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new DataException(file + ": no such file", e);
    } catch (IOException e) {
      throw new DataException(file + ": cannot read the file: " + e, e);
    }
  }
}
