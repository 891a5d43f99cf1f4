package dev.adjoint.compiler.testing;

/**
 * Runs test code on a thread of a chosen stack size and rethrows what it threw, so that a
 * test shows a stage works within that stack (recursion per node would overflow it).
 */
public final class OnStack {
  /** Test code that may throw. */
  public interface Body {
    void run() throws Exception;
  }

  private OnStack() {}

  /** Runs {@code body} on a new thread named {@code name} with a stack of {@code bytes}. */
  public static void run(long bytes, String name, Body body) throws Throwable {
    Throwable[] failure = new Throwable[1];
    Thread thread = new Thread(null, () -> {
      try {
        body.run();
      } catch (Throwable t) {
        failure[0] = t;
      }
    }, name, bytes);
    thread.start();
    thread.join();
    if (failure[0] != null) {
      throw failure[0];
    }
  }
}
