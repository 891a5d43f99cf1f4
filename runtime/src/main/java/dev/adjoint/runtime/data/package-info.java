/**
 * The data of training: {@link dev.adjoint.runtime.data.Dataset}, an immutable table with a
 * column per model input and target; loaders for the sources of train blocks
 * ({@link dev.adjoint.runtime.data.Csv}, {@link dev.adjoint.runtime.data.Idx},
 * {@link dev.adjoint.runtime.data.Npy}); reproducible splits and per-epoch orders
 * ({@link dev.adjoint.runtime.data.Splits}, {@link dev.adjoint.runtime.data.Permutations});
 * standardization fitted on the training split ({@link dev.adjoint.runtime.data.Standardizer});
 * and {@link dev.adjoint.runtime.data.Batches}, which copies rows into a model's input
 * buffers without allocating. Every problem with the data is a
 * {@link dev.adjoint.runtime.data.DataException} whose message names the file, line, column,
 * the value found and what was expected.
 */
package dev.adjoint.runtime.data;
