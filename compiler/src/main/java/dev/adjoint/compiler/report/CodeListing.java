package dev.adjoint.compiler.report;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generated Java as HTML with an anchor on each method ({@code code-predict3_matmul}), and
 * where each node went: the method whose comments name the node ({@code // %5 = add ...}: a
 * node computed inside another's method, such as a bias added by the product, goes there too),
 * and the first method whose comment cites each .nn place ({@code // softmax.nn:7:12}).
 */
final class CodeListing {
  private static final Pattern METHOD = Pattern.compile("^\\s*(?:public|private|protected|static|final|\\s)*"
      + "(?:void|double|float|int|boolean)\\s+(\\w+)\\s*\\(");
  private static final Pattern NODE = Pattern.compile("^\\s*// %(\\d+) = ");
  private static final Pattern PLACE = Pattern.compile("^\\s*// (\\S+\\.nn:\\d+:\\d+)\\s");

  private final String html;
  private final Map<Integer, String> byNode;
  private final Map<String, String> byPlace;

  private CodeListing(String html, Map<Integer, String> byNode, Map<String, String> byPlace) {
    this.html = html;
    this.byNode = byNode;
    this.byPlace = byPlace;
  }

  static CodeListing of(String source) {
    StringBuilder html = new StringBuilder();
    Map<Integer, String> byNode = new HashMap<>();
    Map<String, String> byPlace = new HashMap<>();
    String method = null;
    for (String line : source.split("\n", -1)) {
      Matcher m = METHOD.matcher(line);
      if (m.find() && !line.contains("=")) {
        method = "code-" + m.group(1);
        html.append("<span class=\"method\" id=\"").append(method).append("\">").append(Html.escape(line))
            .append("</span>\n");
        continue;
      }
      Matcher node = NODE.matcher(line);
      if (method != null && node.find()) {
        byNode.putIfAbsent(Integer.parseInt(node.group(1)), method);
      }
      Matcher place = PLACE.matcher(line);
      if (method != null && place.find()) {
        byPlace.putIfAbsent(place.group(1), method);
      }
      html.append(Html.escape(line)).append('\n');
    }
    return new CodeListing(html.toString(), byNode, byPlace);
  }

  /** The escaped source with the method anchors. */
  String html() {
    return html;
  }

  /** The anchor of the method that computes node {@code %number}, or null. */
  String methodOfNode(int number) {
    return byNode.get(number);
  }

  /** The anchor of the first method made from the .nn place {@code file.nn:line:column}, or null. */
  String methodOfPlace(String place) {
    return byPlace.get(place);
  }
}
