package dev.adjoint.compiler.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generated Java as HTML with an anchor on each method ({@code code-matmul3}), and where
 * each node went: the method that computes it, which is the kernel method called under the
 * comments that name the node ({@code // %5 = add ...}, then {@code matmul3(this.x, ...);}),
 * or the method whose own comments name it (a loop, a random draw); a node computed inside
 * another's method, such as a bias added by the product, goes there too. Likewise for the
 * first method made from each .nn place ({@code // softmax.nn:7:12}).
 */
final class CodeListing {
  private static final Pattern METHOD = Pattern.compile("^\\s*(?:public|private|protected|static|final|\\s)*"
      + "(?:void|double|float|int|boolean)\\s+(\\w+)\\s*\\(");
  private static final Pattern NODE = Pattern.compile("^\\s*// %(\\d+) = ");
  private static final Pattern PLACE = Pattern.compile("^\\s*// (\\S+\\.nn:\\d+:\\d+)\\s");
  /** A statement calling a method of the class (or of a part class): {@code matmul3(this.x, B);}. */
  private static final Pattern CALL = Pattern.compile("^\\s*(?:\\w+\\.)?(\\w+)\\(.*\\);$");

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
    String[] lines = source.split("\n", -1);
    Set<String> declared = new HashSet<>();
    for (String line : lines) {
      Matcher m = METHOD.matcher(line);
      if (m.find() && !line.contains("=")) {
        declared.add(m.group(1));
      }
    }
    String method = null;
    // the nodes and places named by the comments just read, which the next call computes
    List<Integer> nodes = new ArrayList<>();
    List<String> places = new ArrayList<>();
    for (String line : lines) {
      Matcher m = METHOD.matcher(line);
      if (m.find() && !line.contains("=")) {
        method = "code-" + m.group(1);
        nodes.clear();
        places.clear();
        html.append("<span class=\"method\" id=\"").append(method).append("\">").append(Html.escape(line))
            .append("</span>\n");
        continue;
      }
      Matcher node = NODE.matcher(line);
      Matcher place = PLACE.matcher(line);
      Matcher call = CALL.matcher(line);
      if (method != null && node.find()) {
        nodes.add(Integer.parseInt(node.group(1)));
      } else if (method != null && place.find()) {
        places.add(place.group(1));
      } else if (call.find() && !line.contains("=") && declared.contains(call.group(1))) {
        String callee = "code-" + call.group(1);
        nodes.forEach(n -> byNode.putIfAbsent(n, callee));
        places.forEach(p -> byPlace.putIfAbsent(p, callee));
        nodes.clear();
        places.clear();
      } else if (!line.strip().startsWith("//")) {
        // comments of the method itself, followed by its code
        String own = method;
        nodes.forEach(n -> byNode.putIfAbsent(n, own));
        places.forEach(p -> byPlace.putIfAbsent(p, own));
        nodes.clear();
        places.clear();
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
