/**
 * The data of training: {@link dev.adjoint.data.Dataset}, an immutable table with a
 * column per model input and target; loaders for the sources of train blocks
 * ({@link dev.adjoint.data.Csv}, {@link dev.adjoint.data.Idx},
 * {@link dev.adjoint.data.Npy}); reproducible splits and per-epoch orders
 * ({@link dev.adjoint.data.Splits}, {@link dev.adjoint.data.Permutations});
 * standardization fitted on the training split ({@link dev.adjoint.runtime.predict.Standardizer});
 * and {@link dev.adjoint.data.Batches}, which copies rows into a model's input
 * buffers without allocating. Every problem with the data is a
 * {@link dev.adjoint.data.DataException} whose message names the file, line, column,
 * the value found and what was expected.
 */
package dev.adjoint.data;
