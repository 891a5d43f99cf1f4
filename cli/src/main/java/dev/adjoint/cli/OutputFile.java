package dev.adjoint.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Which paths an output option may write: a new file or an existing regular file. The
 * atomic rename that writes the file would replace whatever is at the path, so a device
 * (such as {@code /dev/full}), a folder or a symbolic link is refused rather than replaced.
 */
final class OutputFile {
  private OutputFile() {}

  /** Why {@code path} cannot be written as an output file, or null when it can. */
  static String refusal(Path path) {
    if (Files.isSymbolicLink(path)) {
      return "is a symbolic link; name the file itself (writing would replace the link, not its target)";
    }
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      return "is a folder; -o takes the name of the file to write the predictions to";
    }
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      return "is not a regular file (a device, a pipe or a socket); -o writes a new file in its place, so it is "
          + "refused: redirect standard output instead (> " + path + ")";
    }
    return null;
  }
}
