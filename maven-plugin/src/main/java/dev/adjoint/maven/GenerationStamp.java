package dev.adjoint.maven;

import dev.adjoint.compiler.codegen.ModelCompiler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What the last generation of one {@code .nn} file used and wrote, kept beside the generated
 * sources ({@code .adjoint/PATH.stamp}): a key (SHA-256 of the compiler's jar, the
 * package, the {@code --set} values and the file's text) and the classes written. The file is
 * up to date when the key is the same and every class is still there, so an unchanged file is
 * not compiled again, while an edit, a new setting, a new compiler or a deleted class is.
 */
final class GenerationStamp {
  private final Path stamp;
  private final Path outputRoot;
  private final String key;

  GenerationStamp(Path outputRoot, Path relativeSource, String key) {
    this.outputRoot = outputRoot;
    this.stamp = outputRoot.resolve(".adjoint").resolve(relativeSource + ".stamp");
    this.key = key;
  }

  /** The key of a generation from {@code text} into {@code packageName} with {@code sets}. */
  static String key(String text, String packageName, List<String> sets) {
    String all = "compiler " + compilerIdentity() + "\npackage " + packageName
        + "\nsets " + String.join("\u0000", sets) + "\n" + text;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(all.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * The compiler's jar as this JVM loaded it: its path, size and modification time, so that a
   * new build of the same snapshot version counts as a new compiler (its manifest's version
   * alone would not tell); "classes" when run from a class folder, as in the tests.
   */
  private static String compilerIdentity() {
    try {
      Path jar = Path.of(ModelCompiler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(jar)) {
        return jar + " " + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis();
      }
      return "classes";
    } catch (IOException | URISyntaxException | RuntimeException e) {
      return "unknown";
    }
  }

  boolean upToDate() {
    if (!Files.isRegularFile(stamp)) {
      return false;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(stamp, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return false;
    }
    if (lines.isEmpty() || !lines.get(0).equals(key)) {
      return false;
    }
    return lines.subList(1, lines.size()).stream().allMatch(c -> Files.isRegularFile(outputRoot.resolve(c)));
  }

  void write(List<Path> classes) {
    List<String> lines = new ArrayList<>();
    lines.add(key);
    classes.forEach(c -> lines.add(outputRoot.relativize(c).toString()));
    try {
      Files.createDirectories(stamp.getParent());
      Files.write(stamp, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + stamp, e);
    }
  }
}
