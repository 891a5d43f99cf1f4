package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.NameAllocator;
import java.util.List;

/**
 * Java identifiers for everything a generated class declares, made from the names in the
 * .nn file (parameter {@code h.W} becomes field {@code h_W}) by JavaPoet's name
 * allocator: always valid, never a keyword, never clashing with each other or with the
 * members of {@link dev.adjoint.runtime.model.CompiledModel}.
 */
final class Names {
  private static final List<String> RESERVED = List.of("B", "batch", "maxBatch", "seed", "step", "learningRate",
      "lr", "i", "j", "r", "o", "n", "k", "c", "modelName", "hasLoss", "trainStep", "evaluate", "predict",
      "inputs", "outputs", "params", "states", "optimizerState", "input", "output", "param", "state", "sigmoid",
      "erf", "sigmoidBce", "tanh", "log1p", "acc", "base", "rest", "source", "target", "d", "s", "first", "m", "registerInputBuffer",
      "registerOutputBuffer", "registerParamBuffer", "registerStateBuffer", "registerOptimizerStateBuffer",
      "registerGradientBuffer");

  private final NameAllocator allocator = new NameAllocator();

  Names() {
    for (String r : RESERVED) {
      allocator.newName(r, "reserved:" + r);
    }
  }

  /** A fresh field name made from {@code suggestion}. */
  String field(String suggestion) {
    return allocator.newName(suggestion);
  }

  /** A fresh method name made from {@code suggestion}. */
  String method(String suggestion) {
    return allocator.newName(suggestion);
  }
}
