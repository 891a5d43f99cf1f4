package dev.adjoint.runtime.ops;

/**
 * Ids into tables: embedding lookups, their gradient, and one-hot rows. A negative id is
 * padding (a zero row, skipped when scattering); an id past the table is a data error.
 */
public final class Indexing {
  private Indexing() {}

  /** out[i, :] = table[ids[i], :] for i &lt; count, zeros for negative ids. */
  public static void gather(float[] table, int rows, int width, int[] ids, int count, float[] out) {
    for (int i = 0; i < count; i++) {
      int id = ids[i];
      int o = i * width;
      if (id < 0) {
        java.util.Arrays.fill(out, o, o + width, 0f);
        continue;
      }
      checkId(id, rows);
      System.arraycopy(table, id * width, out, o, width);
    }
  }

  public static void gather(double[] table, int rows, int width, int[] ids, int count, double[] out) {
    for (int i = 0; i < count; i++) {
      int id = ids[i];
      int o = i * width;
      if (id < 0) {
        java.util.Arrays.fill(out, o, o + width, 0.0);
        continue;
      }
      checkId(id, rows);
      System.arraycopy(table, id * width, out, o, width);
    }
  }

  /** The same for i32 tables (ids looked up by ids). */
  public static void gather(int[] table, int rows, int width, int[] ids, int count, int[] out) {
    for (int i = 0; i < count; i++) {
      int id = ids[i];
      int o = i * width;
      if (id < 0) {
        java.util.Arrays.fill(out, o, o + width, 0);
        continue;
      }
      checkId(id, rows);
      System.arraycopy(table, id * width, out, o, width);
    }
  }

  /** out = zeros[rows, width]; out[ids[i], :] += updates[i, :] for i &lt; count, skipping negative ids. */
  public static void scatterAdd(int[] ids, int count, float[] updates, int rows, int width, float[] out) {
    java.util.Arrays.fill(out, 0, rows * width, 0f);
    for (int i = 0; i < count; i++) {
      int id = ids[i];
      if (id < 0) {
        continue;
      }
      checkId(id, rows);
      int o = id * width;
      int u = i * width;
      for (int j = 0; j < width; j++) {
        out[o + j] += updates[u + j];
      }
    }
  }

  public static void scatterAdd(int[] ids, int count, double[] updates, int rows, int width, double[] out) {
    java.util.Arrays.fill(out, 0, rows * width, 0.0);
    for (int i = 0; i < count; i++) {
      int id = ids[i];
      if (id < 0) {
        continue;
      }
      checkId(id, rows);
      int o = id * width;
      int u = i * width;
      for (int j = 0; j < width; j++) {
        out[o + j] += updates[u + j];
      }
    }
  }

  public static void scatterAdd(int[] ids, int count, int[] updates, int rows, int width, int[] out) {
    java.util.Arrays.fill(out, 0, rows * width, 0);
    for (int i = 0; i < count; i++) {
      int id = ids[i];
      if (id < 0) {
        continue;
      }
      checkId(id, rows);
      int o = id * width;
      int u = i * width;
      for (int j = 0; j < width; j++) {
        out[o + j] += updates[u + j];
      }
    }
  }

  /** out[i, :] = one-hot of ids[i] over {@code classes}; ids outside [0, classes) give zeros. */
  public static void oneHot(int[] ids, int count, int classes, float[] out) {
    java.util.Arrays.fill(out, 0, count * classes, 0f);
    for (int i = 0; i < count; i++) {
      int id = ids[i];
      if (id >= 0 && id < classes) {
        out[i * classes + id] = 1f;
      }
    }
  }

  public static void oneHot(int[] ids, int count, int classes, double[] out) {
    java.util.Arrays.fill(out, 0, count * classes, 0.0);
    for (int i = 0; i < count; i++) {
      int id = ids[i];
      if (id >= 0 && id < classes) {
        out[i * classes + id] = 1.0;
      }
    }
  }

  public static void oneHot(int[] ids, int count, int classes, int[] out) {
    java.util.Arrays.fill(out, 0, count * classes, 0);
    for (int i = 0; i < count; i++) {
      int id = ids[i];
      if (id >= 0 && id < classes) {
        out[i * classes + id] = 1;
      }
    }
  }

  private static void checkId(int id, int rows) {
    if (id >= rows) {
      throw new IllegalArgumentException("id " + id + " is out of range for a table of " + rows + " rows");
    }
  }
}
