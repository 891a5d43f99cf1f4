package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.ClassName;

/** The runtime classes generated code uses, so that JavaPoet imports them. */
final class RuntimeTypes {
  static final ClassName COMPILED_MODEL = ClassName.get("dev.adjoint.runtime.model", "CompiledModel");
  static final ClassName TENSOR_SPEC = ClassName.get("dev.adjoint.runtime.model", "TensorSpec");
  static final ClassName DTYPE = ClassName.get("dev.adjoint.runtime.model", "DType");
  static final ClassName GEMM = ClassName.get("dev.adjoint.runtime.kernels", "Gemm");
  static final ClassName PARTED_WORK = ClassName.get("dev.adjoint.runtime.kernels", "PartedWork");
  static final ClassName DOUBLE_GEMM = ClassName.get("dev.adjoint.runtime.ops", "DoubleGemm");
  static final ClassName INDEXING = ClassName.get("dev.adjoint.runtime.ops", "Indexing");
  static final ClassName SOFTMAX = ClassName.get("dev.adjoint.runtime.ops", "Softmax");
  static final ClassName COUNTER_RNG = ClassName.get("dev.adjoint.runtime.random", "CounterRng");
  static final ClassName INITIALIZERS = ClassName.get("dev.adjoint.runtime.ops", "Initializers");

  private RuntimeTypes() {}
}
