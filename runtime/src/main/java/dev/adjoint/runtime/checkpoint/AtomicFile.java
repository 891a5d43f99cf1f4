package dev.adjoint.runtime.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file so that a crash at any moment leaves either the old file or the new one,
 * never a torn one: the content goes to {@code name.tmp-<random>} in the same folder, is
 * forced to the device, renamed over the target in one atomic step, and the folder is forced
 * too where the platform allows (so that the rename itself survives a power loss). On failure
 * the temporary file is deleted and the target is untouched. A process killed mid-write may
 * leave a {@code .tmp-} file behind; it is never read and can be deleted.
 */
public final class AtomicFile {
  /** Writes a file's content. */
  @FunctionalInterface
  public interface Content {
    void writeTo(FileChannel channel) throws IOException;
  }

  private AtomicFile() {
  }

  /** Writes {@code content} to {@code target}, atomically replacing any file there. */
  public static void write(Path target, Content content) {
    Path absolute = target.toAbsolutePath();
    Path folder = absolute.getParent();
    Path temp = null;
    boolean moved = false;
    try {
      temp = createTemp(absolute);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        content.writeTo(channel);
        channel.force(true);
      }
      Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      forceFolder(folder);
    } catch (AtomicMoveNotSupportedException e) {
      throw new CheckpointException(target, "cannot be replaced atomically on this file system; nothing was written",
          e);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(target, "cannot be written: the folder " + folder + " does not exist", e);
    } catch (IOException e) {
      throw new CheckpointException(target, "could not be written (" + reason(e) + "); the previous file, if any, is unchanged",
          e);
    } finally {
      if (!moved && temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // The original failure matters more; a stray temporary file is harmless.
        }
      }
    }
  }

  /** An I/O failure in words, without the exception's class name. */
  private static String reason(IOException e) {
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
        : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static Path createTemp(Path target) throws IOException {
    for (int attempt = 0; ; attempt++) {
      String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
      Path temp = target.resolveSibling(target.getFileName() + ".tmp-" + suffix);
      try {
        return Files.createFile(temp);
      } catch (FileAlreadyExistsException e) {
        if (attempt == 9) {
          throw e;
        }
      }
    }
  }

  /** Makes the rename durable: fsync of the folder, where directories can be opened (not on Windows). */
  private static void forceFolder(Path folder) {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // The platform cannot force a directory; the rename is still atomic.
    }
  }
}
