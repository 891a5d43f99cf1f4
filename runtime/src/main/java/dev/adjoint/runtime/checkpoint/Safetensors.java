package dev.adjoint.runtime.checkpoint;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes the safetensors format of Hugging Face, which PyTorch reads with
 * {@code safetensors.torch.load_file(path)} (and NumPy, JAX and others with their bindings).
 *
 * <p>The layout, all integers little-endian:
 * <pre>
 * bytes 0..8        N, an unsigned 64-bit integer: the header's length in bytes
 * bytes 8..8+N      the header: UTF-8 JSON, padded with spaces so that N is a multiple of 8
 *                   {"__metadata__":{"key":"value",...},
 *                    "name":{"dtype":"F32","shape":[2,3],"data_offsets":[begin,end]},...}
 * bytes 8+N..end    the data section: each tensor's elements in C order (last index fastest),
 *                   at [begin, end) relative to the start of the data section
 * </pre>
 * Written as the reference implementation writes: {@code __metadata__} first and only when not
 * empty (keys sorted), then the tensors by descending dtype size (F64, F32, I32) and by name,
 * packed one after the other from offset 0, so every tensor is aligned to its element size.
 * Dtypes are F32, F64 and I32; a scalar has shape {@code []} and one element; an empty tensor
 * has a zero dimension and {@code begin == end}.
 *
 * <p>Reading trusts nothing: the header length must fit the file and a 100 MB limit, the
 * header must be well-formed JSON of exactly the shape above, every dtype known, every
 * tensor's offsets inside the data section and as long as its dtype and shape require, and the
 * tensors must cover the data section exactly, without gaps or overlaps. Any failure is a
 * {@link CheckpointException} naming the file and the problem.
 *
 * <p>Writing is atomic ({@link AtomicFile}): a crash leaves the previous file or the new one.
 */
public final class Safetensors {
  private Safetensors() {
  }

  /** Writes {@code tensors} and {@code metadata} to {@code file}, atomically replacing it. */
  public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata) {
    write(file, tensors, metadata, () -> { });
  }

  /**
   * As {@link #write(Path, Map, Map)}, running {@code afterEachTensor} after each tensor's data,
   * where tests inject failures.
   */
  static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata,
      Runnable afterEachTensor) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(metadata, "metadata");
    Map<String, TensorData> copy = new LinkedHashMap<>(tensors);
    copy.forEach((name, t) -> Objects.requireNonNull(t, () -> "tensor '" + name + "' is null"));
    List<String> order = SafetensorsHeader.order(copy);
    byte[] header = SafetensorsHeader.encode(order, copy, metadata);
    AtomicFile.write(file, channel -> {
      ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
      length.flip();
      TensorCodec.writeFully(channel, length);
      TensorCodec.writeFully(channel, ByteBuffer.wrap(header));
      ByteBuffer buf = TensorCodec.buffer();
      for (String name : order) {
        TensorCodec.write(channel, copy.get(name), buf);
        afterEachTensor.run();
      }
    });
  }

  /** The metadata of a file, reading and validating its header only (not its tensors). */
  public static Map<String, String> metadata(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return SafetensorsHeader.metadata(file, header(file, channel));
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file, "no such file", e);
    } catch (IOException e) {
      throw new CheckpointException(file, "could not be read (" + e + ")", e);
    }
  }

  /** The parsed JSON header of a file, the channel left at the first byte after it. */
  static Map<String, Object> header(Path file, FileChannel channel) throws IOException {
    long fileLength = channel.size();
    if (fileLength < 8) {
      throw new CheckpointException(file, "is " + fileLength + " bytes long, too short for the 8-byte header length"
          + " of a safetensors file");
    }
    ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    TensorCodec.readFully(channel, prefix);
    long headerLength = prefix.getLong(0);
    if (headerLength < 0 || headerLength > SafetensorsHeader.MAX_LENGTH) {
      throw new CheckpointException(file, "declares a header of " + Long.toUnsignedString(headerLength)
          + " bytes, more than the format's limit of " + SafetensorsHeader.MAX_LENGTH + " (not a safetensors file?)");
    }
    if (8 + headerLength > fileLength) {
      throw new CheckpointException(file, "declares a header of " + headerLength + " bytes, but only "
          + (fileLength - 8) + " bytes follow the header length (truncated, or not a safetensors file?)");
    }
    ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
    TensorCodec.readFully(channel, headerBytes);
    headerBytes.flip();
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBytes).toString();
    } catch (CharacterCodingException e) {
      throw new CheckpointException(file, "has a header that is not valid UTF-8", e);
    }
    return HeaderParser.parse(file, text);
  }

  /** Reads and validates a whole file. */
  public static TensorFile read(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(file, channel);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file, "no such file", e);
    } catch (IOException e) {
      throw new CheckpointException(file, "could not be read (" + e + ")", e);
    }
  }

  private static TensorFile read(Path file, FileChannel channel) throws IOException {
    long fileLength = channel.size();
    Map<String, Object> header = header(file, channel);
    long headerLength = channel.position() - 8;
    Map<String, String> metadata = SafetensorsHeader.metadata(file, header);
    List<SafetensorsHeader.Slot> slots = SafetensorsHeader.slots(file, header, fileLength - 8 - headerLength);
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    ByteBuffer buf = TensorCodec.buffer();
    for (SafetensorsHeader.Slot s : slots) {
      Object data;
      try {
        data = TensorCodec.read(channel, s.dtype(), s.size(), buf);
      } catch (EOFException e) {
        throw new CheckpointException(file, "ended while reading tensor '" + s.name() + "': it shrank while being read",
            e);
      }
      tensors.put(s.name(), TensorData.of(s.dtype(), s.shape(), data));
    }
    return new TensorFile(file, tensors, metadata);
  }
}
