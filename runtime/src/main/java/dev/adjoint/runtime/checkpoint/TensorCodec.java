package dev.adjoint.runtime.checkpoint;

import dev.adjoint.runtime.model.DType;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/** Tensor values as little-endian bytes, streamed through one reusable buffer. */
final class TensorCodec {
  /** Bytes moved per system call; a multiple of every element size. */
  static final int CHUNK = 1 << 20;

  private TensorCodec() {
  }

  static ByteBuffer buffer() {
    return ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Writes the first {@code t.size()} elements of {@code t}. */
  static void write(WritableByteChannel out, TensorData t, ByteBuffer buf) throws IOException {
    int elementSize = WireType.size(t.dtype());
    int perChunk = CHUNK / elementSize;
    for (int done = 0; done < t.size(); ) {
      int n = Math.min(perChunk, t.size() - done);
      buf.clear();
      switch (t.dtype()) {
        case F32:
          buf.asFloatBuffer().put(t.f32(), done, n);
          break;
        case F64:
          buf.asDoubleBuffer().put(t.f64(), done, n);
          break;
        default:
          buf.asIntBuffer().put(t.i32(), done, n);
          break;
      }
      buf.limit(n * elementSize);
      writeFully(out, buf);
      done += n;
    }
  }

  /** Reads {@code size} elements of {@code dtype}; throws EOFException when the channel ends first. */
  static Object read(ReadableByteChannel in, DType dtype, int size, ByteBuffer buf) throws IOException {
    int elementSize = WireType.size(dtype);
    int perChunk = CHUNK / elementSize;
    Object data = dtype == DType.F32 ? new float[size] : dtype == DType.F64 ? new double[size] : new int[size];
    for (int done = 0; done < size; ) {
      int n = Math.min(perChunk, size - done);
      buf.clear();
      buf.limit(n * elementSize);
      readFully(in, buf);
      buf.flip();
      switch (dtype) {
        case F32:
          buf.asFloatBuffer().get((float[]) data, done, n);
          break;
        case F64:
          buf.asDoubleBuffer().get((double[]) data, done, n);
          break;
        default:
          buf.asIntBuffer().get((int[]) data, done, n);
          break;
      }
      done += n;
    }
    return data;
  }

  static void writeFully(WritableByteChannel out, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      out.write(buf);
    }
  }

  static void readFully(ReadableByteChannel in, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      if (in.read(buf) < 0) {
        throw new EOFException();
      }
    }
  }
}
