package dev.adjoint.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write that fails part-way leaves the previous file as it was and no temporary file behind. */
class AtomicWriteTest {
  @TempDir
  Path dir;

  private List<String> files() throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  private static Map<String, TensorData> tensors(float value) {
    float[] big = new float[300_000];
    Arrays.fill(big, value);
    return Map.of("big", TensorData.f32(new int[] {300_000}, big),
        "small", TensorData.f64(new int[] {2}, new double[] {value, value}));
  }

  @Test
  void aWriterThatFailsAfterSomeTensorsLeavesThePreviousFile() throws IOException {
    Path file = dir.resolve("model.safetensors");
    Safetensors.write(file, tensors(1), Map.of("version", "old"));
    byte[] before = Files.readAllBytes(file);

    int[] written = {0};
    IllegalStateException boom = new IllegalStateException("disk pulled out");
    IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
        Safetensors.write(file, tensors(2), Map.of("version", "new"), () -> {
          if (++written[0] == 1) {
            throw boom;
          }
        }));
    assertSame(boom, thrown);
    assertEquals(1, written[0], "the failure came after the first tensor's bytes were written");
    assertArrayEquals(before, Files.readAllBytes(file));
    assertEquals(List.of("model.safetensors"), files());
    assertEquals("old", Safetensors.read(file).metadata().get("version"));
  }

  @Test
  void aFailedFirstWriteLeavesNothing() throws IOException {
    Path file = dir.resolve("first.safetensors");
    assertThrows(IllegalStateException.class, () -> Safetensors.write(file, tensors(1), Map.of(), () -> {
      throw new IllegalStateException("crash");
    }));
    assertEquals(List.of(), files());
  }

  @Test
  void anIoFailureIsACheckpointExceptionAndTheTargetIsUntouched() throws IOException {
    Path file = dir.resolve("data.bin");
    Files.write(file, new byte[] {1, 2, 3});
    CheckpointException e = assertThrows(CheckpointException.class, () -> AtomicFile.write(file, channel -> {
      channel.write(ByteBuffer.wrap(new byte[] {9, 9, 9, 9, 9}));
      throw new IOException("No space left on device");
    }));
    assertEquals(file + ": could not be written (No space left on device); the previous file,"
        + " if any, is unchanged", e.getMessage());
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
    assertEquals(List.of("data.bin"), files());
  }

  @Test
  void aFolderInTheTargetsPlaceIsReportedWithoutTheExceptionsClass() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("out"));
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> AtomicFile.write(folder, channel -> channel.write(ByteBuffer.wrap(new byte[] {1}))));
    assertTrue(e.getMessage().startsWith(folder + ": could not be written ("), e.getMessage());
    assertFalse(e.getMessage().contains("java.nio"), e.getMessage());
    assertTrue(Files.isDirectory(folder));
  }

  @Test
  void aMissingFolderIsReported() {
    Path file = dir.resolve("no/such/folder/model.safetensors");
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> Safetensors.write(file, tensors(1), Map.of()));
    assertEquals(file + ": cannot be written: the folder " + file.getParent() + " does not exist", e.getMessage());
  }

  @Test
  void aSuccessfulWriteLeavesOnlyTheTarget() throws IOException {
    Path file = dir.resolve("ok.bin");
    AtomicFile.write(file, channel -> channel.write(ByteBuffer.wrap(new byte[] {4, 5})));
    AtomicFile.write(file, channel -> channel.write(ByteBuffer.wrap(new byte[] {6})));
    assertArrayEquals(new byte[] {6}, Files.readAllBytes(file));
    assertEquals(List.of("ok.bin"), files());
  }

  @Test
  void aRelativePathIsWrittenInTheWorkingDirectorysSense() throws IOException {
    Path file = dir.resolve("rel.bin");
    Path relative = Path.of("").toAbsolutePath().relativize(file);
    AtomicFile.write(relative, channel -> channel.write(ByteBuffer.wrap(new byte[] {7})));
    assertTrue(Files.exists(file));
    assertEquals(List.of("rel.bin"), files());
  }
}
