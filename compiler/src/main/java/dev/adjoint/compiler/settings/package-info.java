/**
 * Train-block settings as typed values: optimizers, schedules, regularizers, clipping, data,
 * split, metrics and early stopping, with torch.optim's defaults. The front end makes them
 * from the block's text; autodiff, codegen and training read them. This package sits below
 * both and depends only on {@code ir} and {@code source}.
 */
package dev.adjoint.compiler.settings;
