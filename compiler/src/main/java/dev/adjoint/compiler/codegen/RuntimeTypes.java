package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.ClassName;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Every class generated code names, so that JavaPoet imports the runtime's and so that
 * {@link Names} can keep each simple name (and root package) from being taken by a name
 * made from the .nn file, which would obscure the class ({@code Math.max} read as a field
 * named {@code Math}). A class that generated code names, in a {@code $T} or in text, is
 * listed here; {@code GeneratedNamesTest} checks generated sources against the list.
 */
final class RuntimeTypes {
  static final ClassName COMPILED_MODEL = ClassName.get("dev.adjoint.runtime.model", "CompiledModel");
  static final ClassName TENSOR_SPEC = ClassName.get("dev.adjoint.runtime.model", "TensorSpec");
  static final ClassName DTYPE = ClassName.get("dev.adjoint.runtime.model", "DType");
  static final ClassName GEMM = ClassName.get("dev.adjoint.runtime.kernels", "Gemm");
  static final ClassName PARTED_WORK = ClassName.get("dev.adjoint.runtime.kernels", "PartedWork");
  static final ClassName CONVOLUTION = ClassName.get("dev.adjoint.runtime.kernels", "Convolution");
  static final ClassName DOUBLE_CONVOLUTION = ClassName.get("dev.adjoint.runtime.ops", "DoubleConvolution");
  static final ClassName DOUBLE_GEMM = ClassName.get("dev.adjoint.runtime.ops", "DoubleGemm");
  static final ClassName INDEXING = ClassName.get("dev.adjoint.runtime.ops", "Indexing");
  static final ClassName BAGS = ClassName.get("dev.adjoint.runtime.ops", "Bags");
  static final ClassName MAX_POOL = ClassName.get("dev.adjoint.runtime.ops", "MaxPool");
  static final ClassName SOFTMAX = ClassName.get("dev.adjoint.runtime.ops", "Softmax");
  static final ClassName SCALARS = ClassName.get("dev.adjoint.runtime.ops", "Scalars");
  static final ClassName COUNTER_RNG = ClassName.get("dev.adjoint.runtime.random", "CounterRng");
  static final ClassName INITIALIZERS = ClassName.get("dev.adjoint.runtime.ops", "Initializers");
  static final ClassName NADAM_MOMENTUM = ClassName.get("dev.adjoint.runtime.ops", "NadamMomentum");
  static final ClassName ATTENTION = ClassName.get("dev.adjoint.runtime.kernels", "Attention");
  static final ClassName PACKED_MATRIX = ClassName.get("dev.adjoint.runtime.kernels", "PackedMatrix");
  // java.lang and java.util, named by the emitters and the op templates
  static final ClassName MATH = ClassName.get(Math.class);
  static final ClassName FLOAT = ClassName.get(Float.class);
  static final ClassName DOUBLE = ClassName.get(Double.class);
  static final ClassName INTEGER = ClassName.get(Integer.class);
  static final ClassName SYSTEM = ClassName.get(System.class);
  static final ClassName OBJECT = ClassName.get(Object.class);
  static final ClassName STRING = ClassName.get(String.class);
  static final ClassName OVERRIDE = ClassName.get(Override.class);
  static final ClassName ARRAYS = ClassName.get(java.util.Arrays.class);

  private RuntimeTypes() {}

  /** Every class above, read from the fields themselves so that the list cannot fall behind. */
  static List<ClassName> all() {
    List<ClassName> out = new ArrayList<>();
    for (Field f : RuntimeTypes.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == ClassName.class) {
        try {
          out.add((ClassName) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return out;
  }
}
