package dev.adjoint.runtime.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The floating-point tensors of a safetensors file written by another framework (PyTorch's
 * {@code save_file(model.state_dict())}, Hugging Face's {@code model.safetensors}), as f32:
 * F32 as it is, F64 rounded, F16 and BF16 widened exactly. Tensors of other dtypes (integer
 * counters such as batch norm's {@code num_batches_tracked}, booleans) are not weights: they
 * are listed in {@link #skipped}, not read. The header is checked as Adjoint's own
 * checkpoints' is (sizes, offsets inside the file).
 *
 * @param tensors by name, in the file's order: the values widened to f32 and the shape
 * @param skipped the names of the tensors that are not floating point, with their dtypes
 */
public record ForeignWeights(Map<String, Tensor> tensors, Map<String, String> skipped) {

  /** One tensor: its shape as the file gives it, and its values in row-major order. */
  public record Tensor(int[] shape, float[] values) {}

  /** Reads {@code file}; throws a {@link CheckpointException} naming what is wrong with it. */
  public static ForeignWeights read(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long fileLength = channel.size();
      Map<String, Object> header = Safetensors.header(file, channel);
      long dataStart = channel.position();
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      Map<String, String> skipped = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : header.entrySet()) {
        if (e.getKey().equals(SafetensorsHeader.METADATA)) {
          continue;
        }
        if (!(e.getValue() instanceof Map<?, ?> entry)) {
          throw new CheckpointException(file, "tensor '" + e.getKey() + "' is not described by an object");
        }
        String dtype = String.valueOf(entry.get("dtype"));
        int width = switch (dtype) {
          case "F64" -> 8;
          case "F32" -> 4;
          case "F16", "BF16" -> 2;
          default -> 0;
        };
        if (width == 0) {
          skipped.put(e.getKey(), dtype);
          continue;
        }
        int[] shape = shape(file, e.getKey(), entry.get("shape"));
        long[] offsets = offsets(file, e.getKey(), entry.get("data_offsets"));
        long count = 1;
        for (int d : shape) {
          count = Math.min(count * d, Long.MAX_VALUE / 16); // saturates: only compared with the offsets below
        }
        if (count > Integer.MAX_VALUE - 8 || offsets[1] - offsets[0] != count * width
            || dataStart + offsets[1] > fileLength) {
          throw new CheckpointException(file, "tensor '" + e.getKey() + "' of dtype " + dtype + " and shape "
              + java.util.Arrays.toString(shape) + " does not fit its data offsets " + offsets[0] + ".." + offsets[1]
              + " in a file of " + fileLength + " bytes");
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) (count * width)).order(ByteOrder.LITTLE_ENDIAN);
        channel.position(dataStart + offsets[0]);
        TensorCodec.readFully(channel, bytes);
        bytes.flip();
        tensors.put(e.getKey(), new Tensor(shape, decode(dtype, bytes, (int) count)));
      }
      return new ForeignWeights(tensors, skipped);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file, "no such file", e);
    } catch (IOException e) {
      throw new CheckpointException(file, "could not be read (" + e + ")", e);
    }
  }

  private static float[] decode(String dtype, ByteBuffer bytes, int count) {
    float[] out = new float[count];
    for (int i = 0; i < count; i++) {
      out[i] = switch (dtype) {
        case "F64" -> (float) bytes.getDouble();
        case "F32" -> bytes.getFloat();
        case "F16" -> halfToFloat(bytes.getShort());
        default -> Float.intBitsToFloat((bytes.getShort() & 0xffff) << 16); // BF16: the high half of an f32
      };
    }
    return out;
  }

  /** An IEEE 754 half-precision value, exactly (every half is an f32). */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) { // infinity or NaN
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) { // zero or subnormal: mantissa * 2^-24
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  private static int[] shape(Path file, String name, Object value) {
    if (!(value instanceof long[] dims)) {
      throw new CheckpointException(file, "tensor '" + name + "' has no shape list");
    }
    int[] out = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) {
        throw new CheckpointException(file, "tensor '" + name + "' has a dimension that is not a size: " + dims[i]);
      }
      out[i] = (int) dims[i];
    }
    return out;
  }

  private static long[] offsets(Path file, String name, Object value) {
    if (!(value instanceof long[] pair) || pair.length != 2 || pair[0] < 0 || pair[1] < pair[0]) {
      throw new CheckpointException(file, "tensor '" + name + "' has data offsets that are not [begin, end]");
    }
    return pair;
  }
}
