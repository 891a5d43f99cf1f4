package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.settings.CheckedModel;
import dev.adjoint.compiler.settings.TrainConfig;

/**
 * One model of a compiled file: its forward graph (built with the hyperparameters its
 * train block and the command line set) and its checked training configuration, if any.
 */
public record ModelUnit(Declaration.Model declaration, Graph graph, TrainConfig train) implements CheckedModel {

  @Override
  public String name() {
    return declaration.name();
  }

  @Override
  public boolean hasTrain() {
    return train != null;
  }
}
