package dev.adjoint.benchmarks;

/**
 * The JVM options of every benchmark fork, as constants for {@code @Fork(jvmArgsAppend = ...)}:
 * the Vector API for Adjoint's matrix-product kernels (without it they fall back to scalar
 * code), and a fixed heap so that heap resizing does not move the numbers.
 */
public final class Jvm {
  /**
   * Adjoint's vectorized kernels need the incubating Vector API module: the parent pom's
   * {@code vector.module.args}, repeated as a constant for the annotations (a test checks the copy).
   */
  public static final String VECTOR = "--add-modules=jdk.incubator.vector";
  /** Initial heap, equal to the maximum. */
  public static final String XMS = "-Xms2g";
  /** Maximum heap: W3's 25M parameters, their gradients and optimizer state fit with room. */
  public static final String XMX = "-Xmx2g";

  private Jvm() {}
}
