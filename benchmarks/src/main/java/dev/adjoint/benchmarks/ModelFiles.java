package dev.adjoint.benchmarks;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.codegen.ModelFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A model's .nn file written to a fresh temporary folder, beside the {@code x.npy} and
 * {@code y.npy} that its train block names. A train block must name data files that exist
 * (the compiler checks), so the benchmarks write their generated batch there: the files
 * are real, and {@code adjoint train} could train on them.
 */
public final class ModelFiles {
  private ModelFiles() {}

  /** The workload's .nn file with its batch, in a new temporary folder. */
  public static Path write(BenchData data) {
    Workload w = data.workload();
    return data.classes() != null
        ? write(w.modelName(), w.text(), data.inputs(), w.inputs(), data.classes())
        : write(w.modelName(), w.text(), data.inputs(), w.inputs(), data.targets(), w.outputs());
  }

  /** {@code name.nn} with inputs x [rows, features] and class indices y [rows]. */
  public static Path write(String name, String text, float[] x, int features, int[] classes) {
    Path dir = newFolder();
    writeNpy(dir.resolve("x.npy"), "<f4", new int[] {x.length / features, features}, floats(x));
    writeNpy(dir.resolve("y.npy"), "<i4", new int[] {classes.length}, ints(classes));
    return writeText(dir.resolve(name + ".nn"), text);
  }

  /** {@code name.nn} with inputs x [rows, features] and regression targets y [rows, width]. */
  public static Path write(String name, String text, float[] x, int features, float[] targets, int width) {
    Path dir = newFolder();
    writeNpy(dir.resolve("x.npy"), "<f4", new int[] {x.length / features, features}, floats(x));
    writeNpy(dir.resolve("y.npy"), "<f4", new int[] {targets.length / width, width}, floats(targets));
    return writeText(dir.resolve(name + ".nn"), text);
  }

  /** Writes ids {@code x} and classes {@code y} (both i32, {@code width} per sample) and the .nn text into a new temporary folder. */
  public static Path writeIds(String name, String text, int[] x, int[] y, int width) {
    Path dir = newFolder();
    writeNpy(dir.resolve("x.npy"), "<i4", new int[] {x.length / width, width}, ints(x));
    writeNpy(dir.resolve("y.npy"), "<i4", new int[] {y.length / width, width}, ints(y));
    return writeText(dir.resolve(name + ".nn"), text);
  }

  /** Compiles a .nn file written by one of the {@code write} methods, then deletes its folder. */
  public static ModelFactory compileAndDelete(Path file) {
    try {
      return Adjoint.compile(file);
    } finally {
      deleteFolder(file.getParent());
    }
  }

  /** The text of this package's resource {@code NAME.nn}. */
  public static String resource(String name) {
    try (InputStream in = ModelFiles.class.getResourceAsStream(name + ".nn")) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + ".nn is missing from the benchmarks jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a folder and everything in it; quietly does nothing for null. */
  public static void deleteFolder(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  private static Path newFolder() {
    try {
      return Files.createTempDirectory("adjoint-bench-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path writeText(Path file, String text) {
    try {
      return Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** NumPy format 1.0: magic, header length, a Python dict padded to 64 bytes, little-endian data. */
  private static void writeNpy(Path file, String descr, int[] shape, ByteBuffer data) {
    String dims = IntStream.of(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    StringBuilder header = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': ("
        + dims + (shape.length == 1 ? "," : "") + "), }");
    while ((10 + header.length() + 1) % 64 != 0) {
      header.append(' ');
    }
    header.append('\n');
    ByteBuffer head = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
    head.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
        .putShort((short) header.length());
    byte[] bytes = new byte[10 + header.length() + data.remaining()];
    System.arraycopy(head.array(), 0, bytes, 0, 10);
    byte[] text = header.toString().getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(text, 0, bytes, 10, text.length);
    data.get(bytes, 10 + text.length, data.remaining());
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ByteBuffer floats(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return b;
  }

  private static ByteBuffer ints(int[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(values);
    return b;
  }
}
