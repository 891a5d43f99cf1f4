package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.source.SourceFile;
import java.util.List;
import java.util.Optional;

/** The front end's result for one file: its models, or the diagnostics that stopped them. */
public record Compilation(SourceFile file, List<ModelUnit> models, Diagnostics diagnostics) {
  public Compilation {
    models = List.copyOf(models);
  }

  public boolean ok() {
    return !diagnostics.hasErrors();
  }

  public Optional<ModelUnit> model(String name) {
    return models.stream().filter(m -> m.name().equals(name)).findFirst();
  }
}
