package dev.adjoint.compiler.ir;

/** The named groups of primitive ops, as passes and the code generator see them. */
public enum OpGroup {
  /** Inputs, parameters, state and constants: no inputs of their own. */
  SOURCE,
  /** A value computed from another node's shape only (its element count). */
  SHAPE,
  /** One output element from the same-index elements of inputs of equal shape. */
  ELEMENTWISE,
  /** Sums or maxima over axes. */
  REDUCTION,
  /** Reshape, broadcast, transpose, slice, pad: data moved, not computed. */
  MOVEMENT,
  /** Gather, scatter-add and one-hot over integer ids. */
  INDEXING,
  /** Matrix products and convolutions (products of patches). */
  MATMUL,
  /** Draws from the counter-based generator. */
  RANDOM,
  /** Chooses between training and inference behaviour. */
  CONTROL,
  /** Made only by optimizing passes: stable fused forms and fused loops. */
  FUSED
}
