package dev.adjoint.cli;

import dev.adjoint.compiler.source.SourceFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads a .nn file named on the command line, saying plainly why when it cannot. */
final class SourceFiles {
  private SourceFiles() {}

  static Optional<SourceFile> read(Path path, PrintWriter err) {
    if (!Files.exists(path)) {
      err.println(path + ": error: no such file");
      return Optional.empty();
    }
    if (Files.isDirectory(path)) {
      err.println(path + ": error: this is a folder; name the .nn files in it, e.g. " + path + "/*.nn");
      return Optional.empty();
    }
    try {
      return Optional.of(SourceFile.read(path));
    } catch (MalformedInputException e) {
      err.println(path + ": error: not UTF-8 text");
      return Optional.empty();
    } catch (IOException e) {
      err.println(path + ": error: cannot read: " + e.getMessage());
      return Optional.empty();
    }
  }
}
