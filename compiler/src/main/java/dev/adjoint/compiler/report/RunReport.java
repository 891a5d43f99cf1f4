package dev.adjoint.compiler.report;

import dev.adjoint.compiler.autodiff.TrainingGraph;
import dev.adjoint.compiler.codegen.GraphSet;
import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.passes.Pipeline;
import dev.adjoint.compiler.runs.RecordedRun;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code adjoint report RUN_DIR}: one self-contained HTML page of a training run (no network:
 * CSS, SVG and images inline, no script needed): the curves, the metrics per epoch, the model's
 * graph as written and its inference graph after the passes (drawn by {@link LayeredLayout},
 * so no Graphviz is needed), the log of both pipelines, and the generated predictor class, each
 * graph node a link to the method it became.
 */
public final class RunReport {
  private RunReport() {}

  /** The page. */
  public static String html(RecordedRun run) {
    ModelUnit unit = run.unit();
    Graph prediction = GraphSet.of(unit.graph()).prediction();
    String className = ModelCompiler.className(unit.name()) + "Predictor";
    CodeListing code = CodeListing.of(
        ModelCompiler.generatePredictor(unit, ModelCompiler.DEFAULT_PACKAGE, className).source());
    StringBuilder page = new StringBuilder();
    String title = "Run of " + unit.name() + " (" + unit.graph().span().shortLocation() + ")";
    page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(Html.escape(title)).append("</title>\n<style>\n").append(ReportStyle.CSS).append("</style>\n</head>\n<body>\n");
    page.append("<h1>").append(Html.escape(title)).append("</h1>\n<p>Run folder <code>").append(Html.escape(
        run.folder().toString())).append("</code>, checkpoint <code>").append(Html.escape(String.valueOf(
        run.checkpoint().getFileName()))).append("</code>.</p>\n");
    page.append("<nav><a href=\"#curves\">curves</a> <a href=\"#metrics\">metrics</a> <a href=\"#graph-before\">graph "
        + "as written</a> <a href=\"#graph-after\">graph after the passes</a> <a href=\"#passes\">pass log</a> "
        + "<a href=\"#code\">generated code</a></nav>\n");
    curves(page, run);
    metrics(page, run);
    page.append("<section id=\"graph-before\">\n<h2>The graph as written</h2>\n<p>Each node links to the first "
        + "generated method made from its line of the .nn file.</p>\n<div class=\"scroll\">\n")
        .append(SvgGraph.render(unit.graph(), "before", n -> code.methodOfPlace(n.span().shortLocation())))
        .append("</div>\n</section>\n");
    Map<Node, Integer> numbers = numbers(prediction);
    page.append("<section id=\"graph-after\">\n<h2>The inference graph after the passes</h2>\n<p>What the "
        + "predictor class computes; each node links to the method that computes it.</p>\n<div class=\"scroll\">\n")
        .append(SvgGraph.render(prediction, "after", n -> {
          String method = code.methodOfNode(numbers.get(n));
          return method != null || n.op().isSource() ? method : code.methodOfPlace(n.span().shortLocation());
        }))
        .append("</div>\n</section>\n");
    passes(page, unit);
    page.append("<section id=\"code\">\n<h2>Generated code: ").append(className).append("</h2>\n<pre class=\"code\">")
        .append(code.html()).append("</pre>\n</section>\n</body>\n</html>\n");
    return page.toString();
  }

  private static void curves(StringBuilder page, RecordedRun run) {
    page.append("<section id=\"curves\">\n<h2>Curves</h2>\n");
    Optional<byte[]> png = run.image("curves.png");
    if (png.isEmpty()) {
      page.append("<p>The run folder has no curves.png.</p>\n");
    } else {
      page.append("<img id=\"curves-image\" alt=\"loss and metrics per epoch\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(png.get())).append("\">\n");
    }
    for (String split : List.of("train", "val", "test")) {
      run.image("confusion-" + split + ".png").ifPresent(image -> page.append("<figure><img alt=\"confusion matrix, ")
          .append(split).append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(image))
          .append("\"><figcaption>confusion matrix, ").append(split).append("</figcaption></figure>\n"));
    }
    page.append("</section>\n");
  }

  private static void metrics(StringBuilder page, RecordedRun run) {
    page.append("<section id=\"metrics\">\n<h2>Metrics per epoch</h2>\n");
    List<List<String>> rows = run.history();
    if (rows.isEmpty()) {
      page.append("<p>The run folder has no history.csv.</p>\n</section>\n");
      return;
    }
    int best = run.bestEpoch();
    page.append(best > 0 ? "<p>The restored best epoch, " + best + ", is marked.</p>\n" : "");
    page.append("<table id=\"metrics-table\">\n<tr>");
    rows.get(0).forEach(h -> page.append("<th>").append(Html.escape(h)).append("</th>"));
    page.append("</tr>\n");
    for (List<String> row : rows.subList(1, rows.size())) {
      boolean isBest = best > 0 && row.get(0).equals(Integer.toString(best));
      page.append(isBest ? "<tr class=\"best\">" : "<tr>");
      row.forEach(cell -> page.append("<td>").append(Html.escape(cell)).append("</td>"));
      page.append("</tr>\n");
    }
    page.append("</table>\n</section>\n");
  }

  /** Each stage of the training and inference pipelines: how often it fired and the node count after it. */
  private static void passes(StringBuilder page, ModelUnit unit) {
    page.append("<section id=\"passes\">\n<h2>Pass log</h2>\n");
    if (unit.graph().loss() != null) {
      Graph objective = TrainingGraph.objective(unit.graph(),
          unit.hasTrain() ? unit.train().regularizers() : List.of());
      passLog(page, "training", Pipeline.training(), objective);
    }
    passLog(page, "inference", Pipeline.inference(), unit.graph());
    page.append("</section>\n");
  }

  private static void passLog(StringBuilder page, String name, Pipeline pipeline, Graph input) {
    page.append("<h3>").append(name).append(" pipeline</h3>\n<table class=\"passes\">\n<tr><th>stage</th><th>fired</th>"
        + "<th>nodes after</th></tr>\n<tr><td>(as written)</td><td></td><td>").append(input.nodes().size())
        .append("</td></tr>\n");
    for (Pipeline.StageResult r : pipeline.run(input, false)) {
      page.append(r.fired() > 0 ? "<tr class=\"fired\">" : "<tr>").append("<td>").append(Html.escape(r.stage().name()))
          .append("</td><td>").append(r.fired()).append("</td><td>").append(r.graph().nodes().size())
          .append("</td></tr>\n");
    }
    page.append("</table>\n");
  }

  private static Map<Node, Integer> numbers(Graph graph) {
    Map<Node, Integer> numbers = new IdentityHashMap<>();
    graph.nodes().forEach(n -> numbers.putIfAbsent(n, numbers.size()));
    return numbers;
  }
}
