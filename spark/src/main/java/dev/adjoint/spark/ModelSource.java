package dev.adjoint.spark;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.frontend.ModelUnit;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A .nn model as Spark ships it to executors: the file's text (not its path, which an executor
 * may not see), the name errors are reported under, the model's name (null: the file's first)
 * and {@code --set} overrides. Its {@link #key} names the model in each JVM's caches.
 */
public record ModelSource(String fileName, String text, String model, List<String> sets) implements Serializable {
  public ModelSource {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(text, "text");
    sets = List.copyOf(sets);
  }

  /** The model {@code model} (null: the first) of the file at {@code file}. */
  public static ModelSource read(Path file, String model, List<String> sets) {
    try {
      return new ModelSource(file.toString(), Files.readString(file), model, sets);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The checked model: its graph and train block; throws the compiler's diagnostics when it has errors. */
  public ModelUnit unit() {
    return Adjoint.check(fileName, text, model, sets);
  }

  /** The SHA-256 of everything that defines the compiled class, in hex. */
  public String key() {
    return sha256((fileName + '\0' + text + '\0' + model + '\0' + String.join("\0", sets))
        .getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
