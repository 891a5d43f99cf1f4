package dev.adjoint.compiler.ir;

/**
 * How the back ends compute a primitive: either a {@link ElementKernel} (one output element
 * from the same-index elements of the inputs, evaluated and emitted from the definition
 * itself), or a {@link BackendKernel}, one of the closed set of kernels that the interpreter
 * and the code generator each implement in an exhaustive switch.
 */
public sealed interface Kernel permits ElementKernel, BackendKernel {}
