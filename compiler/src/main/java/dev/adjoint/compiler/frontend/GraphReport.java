package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.ir.TextDump;
import dev.adjoint.compiler.passes.Pipeline;
import java.util.List;

/** What {@code adjoint graph} prints: dumps, train blocks, pipeline reports. */
public final class GraphReport {
  private GraphReport() {}

  public static String text(ModelUnit unit) {
    String dump = TextDump.dump(unit.graph());
    if (!unit.hasTrain()) {
      return dump;
    }
    return dump + "train " + unit.name() + "\n" + unit.train().describe();
  }

  /** One line per stage: its name, how often it fired, and the node count after it. */
  public static String passes(ModelUnit unit, Pipeline pipeline, List<Pipeline.StageResult> results) {
    StringBuilder out = new StringBuilder();
    out.append("model ").append(unit.name()).append(": ").append(pipeline.name()).append(" pipeline, ")
        .append(unit.graph().nodes().size()).append(" nodes before\n");
    for (Pipeline.StageResult r : results) {
      String name = r.stage().name();
      out.append("  ").append(name).append(" ".repeat(Math.max(1, 40 - name.length())))
          .append(String.format("fired %3d   %4d nodes%n", r.fired(), r.graph().nodes().size()));
    }
    return out.toString();
  }
}
