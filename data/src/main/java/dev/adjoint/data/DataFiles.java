package dev.adjoint.data;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Says what a data path is when it is not a regular file (a folder, a pipe, a device), so
 * that it is named as what it is rather than "not found", and never read: a FIFO would block
 * and {@code /dev/zero} never end.
 */
public final class DataFiles {
  /** The file type bits of a Unix mode. */
  private static final int TYPE_BITS = 0170000;
  private static final int FIFO = 0010000;
  private static final int CHARACTER_DEVICE = 0020000;
  private static final int BLOCK_DEVICE = 0060000;
  private static final int SOCKET = 0140000;

  private DataFiles() {}

  /**
   * Null when {@code file} (its link followed) is a regular file; else what it is instead:
   * {@code "no such file"}, {@code "is a folder, not a file"}, {@code "is a named pipe (FIFO), not
   * a regular file"} and the like.
   */
  public static String problem(Path file) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? "is a symbolic link to nothing" : "no such file";
    } catch (AccessDeniedException e) {
      return "cannot be read: permission denied";
    } catch (IOException e) {
      return "cannot be read: " + e.getMessage();
    }
    if (a.isRegularFile()) {
      return null;
    }
    if (a.isDirectory()) {
      return "is a folder, not a file";
    }
    return "is " + kind(file) + ", not a regular file";
  }

  /** Throws a {@link DataException} naming the file and what it is, unless it is a regular file. */
  public static void requireRegular(Path file) {
    String problem = problem(file);
    if (problem != null) {
      throw new DataException(file + ": " + problem);
    }
  }

  private static String kind(Path file) {
    try {
      int type = (Integer) Files.getAttribute(file, "unix:mode") & TYPE_BITS;
      return switch (type) {
        case FIFO -> "a named pipe (FIFO)";
        case CHARACTER_DEVICE -> "a character device";
        case BLOCK_DEVICE -> "a block device";
        case SOCKET -> "a socket";
        default -> "a special file";
      };
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
      return "a special file";
    }
  }
}
