package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.settings.CheckedModel;
import dev.adjoint.compiler.settings.TrainConfig;
import java.util.List;

/**
 * One model of a compiled file: its forward graph (built with the hyperparameters its
 * train block and the command line set) and its checked training configuration, if any.
 *
 * @param sets the command line's {@code --set NAME=VALUE} that apply to this model (it
 *     declares NAME), as written; a run records them in its checkpoints
 */
public record ModelUnit(Declaration.Model declaration, Graph graph, TrainConfig train, List<String> sets)
    implements CheckedModel {

  public ModelUnit {
    sets = List.copyOf(sets);
  }

  /** A model built without {@code --set}. */
  public ModelUnit(Declaration.Model declaration, Graph graph, TrainConfig train) {
    this(declaration, graph, train, List.of());
  }

  @Override
  public String name() {
    return declaration.name();
  }

  @Override
  public boolean hasTrain() {
    return train != null;
  }
}
