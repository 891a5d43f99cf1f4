package dev.adjoint.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * DOT to SVG through Graphviz's {@code dot -Tsvg}, for {@code adjoint graph --format svg}.
 * The program is {@code dot} on the PATH, or the one the system property {@value #PROPERTY}
 * names; when it is missing or fails, {@link Failure} says so in a sentence.
 */
final class GraphvizSvg {
  /** System property naming the Graphviz program to run instead of {@code dot}. */
  static final String PROPERTY = "adjoint.dot";
  private static final long TIMEOUT_SECONDS = 120;

  private GraphvizSvg() {}

  /** Why no SVG came out: Graphviz missing, failing or too slow. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message, null, false, false);
    }
  }

  /** The SVG of a DOT text. */
  static String render(String dot) {
    String program = System.getProperty(PROPERTY, "dot");
    Process process;
    try {
      process = new ProcessBuilder(List.of(program, "-Tsvg")).start();
    } catch (IOException e) {
      throw new Failure("--format svg runs Graphviz's '" + program + "', which is not installed or not on the PATH: "
          + "install Graphviz (e.g. apt-get install graphviz), or print DOT with --format dot and convert it elsewhere");
    }
    ByteArrayOutputStream svg = new ByteArrayOutputStream();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    Thread readOut = drain(process.getInputStream(), svg);
    Thread readErr = drain(process.getErrorStream(), errors);
    try (OutputStream in = process.getOutputStream()) {
      in.write(dot.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // dot stopped reading: its exit status and messages below say why
    }
    try {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new Failure("Graphviz's '" + program + "' did not finish within " + TIMEOUT_SECONDS + " s; "
            + "print DOT with --format dot instead");
      }
      readOut.join();
      readErr.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted while Graphviz ran");
    }
    if (process.exitValue() != 0) {
      String message = errors.toString(StandardCharsets.UTF_8).strip();
      throw new Failure("Graphviz's '" + program + "' failed (exit " + process.exitValue() + ")"
          + (message.isEmpty() ? "" : ": " + message.lines().findFirst().orElse("")));
    }
    return svg.toString(StandardCharsets.UTF_8);
  }

  private static Thread drain(InputStream from, ByteArrayOutputStream to) {
    Thread t = new Thread(() -> {
      try (from) {
        from.transferTo(to);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, "graphviz-output");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
