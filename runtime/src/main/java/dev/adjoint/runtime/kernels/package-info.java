/**
 * Matrix products for generated training code: {@link dev.adjoint.runtime.kernels.Gemm}
 * (static entry points on a shared engine) and {@link dev.adjoint.runtime.kernels.GemmEngine}
 * (an explicit thread count).
 *
 * <p>The implementation follows GotoBLAS/BLIS: blocks of A and B are packed into contiguous
 * micro-panels (which also absorbs the transposed layouts A·Bᵀ and Aᵀ·B, so the backward pass
 * never materializes a transpose), and a register-blocked micro-kernel multiplies them: 4 rows
 * by 2 vectors of {@code jdk.incubator.vector} with fused multiply-add when the JVM has that
 * module, a scalar kernel over the same panels when it does not. The choice is automatic and
 * needs no JVM flag; {@code -Dadjoint.vector=false} forces the fallback. Bias and ReLU are
 * applied as the tile is stored. Threads take disjoint blocks of C and the k blocking is
 * fixed, so results do not depend on the thread count. Packing buffers live per thread and are
 * reused: a steady-state product allocates nothing.
 */
package dev.adjoint.runtime.kernels;
