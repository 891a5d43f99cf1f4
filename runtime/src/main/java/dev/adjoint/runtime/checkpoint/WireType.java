package dev.adjoint.runtime.checkpoint;

import dev.adjoint.runtime.model.DType;
import java.nio.file.Path;
import java.util.Set;

/** The safetensors names of Adjoint's dtypes ({@code "F32"}) and their sizes in bytes. */
final class WireType {
  /** Dtypes the format defines that Adjoint does not read, for a precise message. */
  private static final Set<String> OTHERS = Set.of("BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4", "F6_E2M3",
      "F6_E3M2", "I16", "U16", "F16", "BF16", "U32", "I64", "U64", "C64");

  private WireType() {
  }

  static String name(DType dtype) {
    return dtype.name();
  }

  static int size(DType dtype) {
    return dtype == DType.F64 ? 8 : 4;
  }

  /**
   * The order of the reference writer: larger (more aligned) dtypes first, which with a header
   * padded to 8 bytes keeps every tensor's data aligned to its element size.
   */
  static int alignmentRank(DType dtype) {
    switch (dtype) {
      case F64:
        return 0;
      case F32:
        return 1;
      default:
        return 2;
    }
  }

  /** The dtype a header names; throws, naming the tensor, for any other. */
  static DType parse(Path file, String tensor, String name) {
    for (DType d : DType.values()) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    if (OTHERS.contains(name)) {
      throw new CheckpointException(file, "tensor '" + tensor + "' has dtype " + name
          + ", which Adjoint does not read; it reads F32, F64 and I32");
    }
    throw new CheckpointException(file, "tensor '" + tensor + "' has unknown dtype \"" + name
        + "\"; Adjoint reads F32, F64 and I32");
  }
}
