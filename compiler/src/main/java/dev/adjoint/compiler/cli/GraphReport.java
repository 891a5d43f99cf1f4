package dev.adjoint.compiler.cli;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.ir.TextDump;

/** A model's text dump followed by its checked train block, as {@code adjoint graph} prints it. */
public final class GraphReport {
  private GraphReport() {}

  public static String text(ModelUnit unit) {
    String dump = TextDump.dump(unit.graph());
    if (!unit.hasTrain()) {
      return dump;
    }
    return dump + "train " + unit.name() + "\n" + unit.train().describe();
  }
}
