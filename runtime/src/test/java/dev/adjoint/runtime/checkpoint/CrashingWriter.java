package dev.adjoint.runtime.checkpoint;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The child process of {@link CrashAtomicityTest}: writes a large checkpoint over and over,
 * every tensor filled with the iteration number, until it is killed. Prints "ready" before the
 * first write and "wrote N" after each.
 */
public final class CrashingWriter {
  private CrashingWriter() {
  }

  public static void main(String[] args) {
    Path target = Path.of(args[0]);
    int size = Integer.parseInt(args[1]);
    float[] big = new float[size];
    double[] small = new double[1000];
    int[] ints = new int[777];
    System.out.println("ready");
    System.out.flush();
    for (int i = Integer.parseInt(args[2]); ; i++) {
      Arrays.fill(big, i);
      Arrays.fill(small, i);
      Arrays.fill(ints, i);
      Safetensors.write(target, Map.of("big", TensorData.f32(new int[] {size / 4, 4}, big),
          "small", TensorData.f64(new int[] {1000}, small), "ints", TensorData.i32(new int[] {777}, ints)),
          Map.of("iteration", Integer.toString(i)));
      System.out.println("wrote " + i);
      System.out.flush();
    }
  }
}
