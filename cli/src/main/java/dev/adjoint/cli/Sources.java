package dev.adjoint.cli;

import dev.adjoint.compiler.codegen.GeneratedModel;
import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.frontend.ModelUnit;

/** The generated class of a model: the full model, or its predictor ({@code Name}Predictor). */
final class Sources {
  private Sources() {}

  static GeneratedModel generate(ModelUnit unit, String packageName, boolean predictor) {
    String className = ModelCompiler.className(unit.name());
    return predictor ? ModelCompiler.generatePredictor(unit, packageName, className + "Predictor")
        : ModelCompiler.generate(unit, packageName, className);
  }
}
