/**
 * Text as a model's input, declared by a train block's {@code features} and implemented once
 * here for training, {@code eval}, {@code predict} and embedded predictors alike:
 * {@link dev.adjoint.runtime.features.TextFeatures} (what to compute, recorded in
 * checkpoints), {@link dev.adjoint.runtime.features.TextFeaturizer} (a text into a row of ids
 * and weights) and {@link dev.adjoint.runtime.features.NgramHasher} (MD5 buckets). No
 * dependency on the data loader or the training loop, and none outside the JDK.
 */
package dev.adjoint.runtime.features;
