package dev.adjoint.runtime.checkpoint;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What {@link Safetensors#read} found in a file: its tensors in file order and its metadata. */
public final class TensorFile {
  private final Path file;
  private final Map<String, TensorData> tensors;
  private final Map<String, String> metadata;

  TensorFile(Path file, Map<String, TensorData> tensors, Map<String, String> metadata) {
    this.file = file;
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** The file that was read. */
  public Path file() {
    return file;
  }

  /** Tensors by name, in the order of their data in the file. */
  public Map<String, TensorData> tensors() {
    return tensors;
  }

  /** The header's {@code __metadata__}; empty when the file has none. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The tensor called {@code name}; throws, naming the file, when there is none. */
  public TensorData tensor(String name) {
    TensorData t = tensors.get(name);
    if (t == null) {
      throw new CheckpointException(file, "has no tensor '" + name + "'; it has: "
          + String.join(", ", tensors.keySet()));
    }
    return t;
  }
}
