package dev.adjoint.compiler.settings;

import dev.adjoint.compiler.ir.Graph;

/**
 * A model as the back end takes it from the front end: its forward graph and its train
 * block's settings. The front end's {@code ModelUnit} is one; the back end sees only this,
 * so that it depends on nothing above {@code ir} and {@code settings}.
 */
public interface CheckedModel {

  /** The model's name in the .nn file. */
  String name();

  /** The forward graph, built with the hyperparameters the train block and command line set. */
  Graph graph();

  /** The checked train block, or null when the model has none. */
  TrainConfig train();

  default boolean hasTrain() {
    return train() != null;
  }
}
