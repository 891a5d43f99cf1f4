package dev.adjoint.compiler.ast;

import dev.adjoint.compiler.source.SourceFile;
import java.util.List;

/** A parsed .nn file: its declarations in source order. */
public record Program(SourceFile file, List<Declaration> declarations) {
  public Program {
    declarations = List.copyOf(declarations);
  }

  public List<Declaration.Model> models() {
    return declarations.stream().filter(d -> d instanceof Declaration.Model).map(d -> (Declaration.Model) d).toList();
  }

  public List<Declaration.Def> defs() {
    return declarations.stream().filter(d -> d instanceof Declaration.Def).map(d -> (Declaration.Def) d).toList();
  }

  public List<Declaration.Train> trains() {
    return declarations.stream().filter(d -> d instanceof Declaration.Train).map(d -> (Declaration.Train) d).toList();
  }
}
