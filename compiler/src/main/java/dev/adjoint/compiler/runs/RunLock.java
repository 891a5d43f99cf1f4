package dev.adjoint.compiler.runs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock a run holds on its folder, so that two runs never write the same checkpoints: an
 * operating-system lock on {@code run.lock} ({@link FileChannel#tryLock}), which ends with the
 * process however it ends, and the holder's process id written in the file, so that a refused
 * run can say who holds it. The file stays when the run ends; a stale one is harmless.
 */
final class RunLock implements AutoCloseable {
  static final String FILE = "run.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Locks {@code folder} (which exists) or refuses with the process id of the run holding it. */
  static RunLock acquire(Path folder) {
    Path file = folder.resolve(FILE);
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this process, by another run in it
      }
      if (lock == null) {
        String holder = holder(channel);
        channel.close();
        throw new RunFolderException(folder, "is in use by another run (" + holder + "); wait for it to end, or "
            + "train into another folder with --out");
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      return new RunLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock the run folder " + folder, e);
    }
  }

  /** "process 1234", as the holder wrote it, or a plain "another process" when it has not yet. */
  private static String holder(FileChannel channel) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(32);
    channel.read(bytes, 0);
    String pid = new String(bytes.array(), 0, bytes.position(), StandardCharsets.US_ASCII).strip();
    return pid.matches("[0-9]{1,19}") ? "process " + pid : "another process";
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // the failure being reported matters more
      }
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the lock of the run folder", e);
    }
  }
}
