package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.source.SourceSpan;

/** A hyperparameter set from outside the model: {@code train m(hidden = 128)} or {@code --set hidden=128}. */
public record HyperOverride(String name, SourceSpan nameSpan, Value value, SourceSpan valueSpan) {}
