package dev.adjoint.compiler.runs;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.data.DataException;
import dev.adjoint.data.TextTable;
import dev.adjoint.runtime.predict.Predictor;
import dev.adjoint.runtime.text.CodePointOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * The one place that decides the class names of a classifier's one class target, in this
 * order: declared in the .nn file ({@code class[B] of ("en", "fr")}); else recorded in a
 * checkpoint (a resumed run, {@code eval}, {@code predict}); else, for a target that declares
 * a count only, collected from the labels of the first rows it is given, which are the
 * training set's ({@link DataSources} reads it first): sorted by code point (as Python's
 * {@code sorted}, whatever the files' order), and exactly as many as the declared count. When
 * every training label is a class index 0 .. N-1, the labels are indices and the classes
 * are named by them ("0", "1", ...), as before names could be collected.
 *
 * <p>Once decided, the names hold for every later set: a validation or test label that is
 * not among collected names is an error naming its file and line and saying how to fix it.
 */
public final class TargetClasses {
  private final Node target;
  private final Attrs.Input attrs;
  private List<String> names;
  private boolean collected;
  private String collectedFrom;

  private TargetClasses(Node target, List<String> names) {
    this.target = target;
    this.attrs = target == null ? null : target.attrs(Attrs.Input.class);
    this.names = names;
  }

  /** The classes of {@code graph}'s class target as its declaration names them, else undecided until the training rows. */
  public static TargetClasses of(Graph graph) {
    Node target = classTarget(graph);
    return new TargetClasses(target, target == null || target.attrs(Attrs.Input.class).classNames().isEmpty()
        ? null : target.attrs(Attrs.Input.class).classNames());
  }

  /** As {@link #of(Graph)}, with the names a checkpoint's metadata records for a target that declares none. */
  public static TargetClasses recorded(Graph graph, Map<String, String> metadata) {
    TargetClasses classes = of(graph);
    if (classes.target != null && classes.names == null && metadata.containsKey(Predictor.CLASSES_KEY)) {
      List<String> recorded = Predictor.lines(metadata.get(Predictor.CLASSES_KEY));
      classes.names = recorded.equals(indexNames(classes.attrs.classes())) ? List.of() : List.copyOf(recorded);
      classes.collected = !classes.names.isEmpty();
      classes.collectedFrom = "the training set, as the checkpoint records them";
    }
    return classes;
  }

  /** The model's one target of two classes or more, or null. */
  private static Node classTarget(Graph graph) {
    List<Node> targets = graph.inputs().stream()
        .filter(n -> n.attrs(Attrs.Input.class).target() && n.attrs(Attrs.Input.class).classes() >= 2).toList();
    return targets.size() == 1 ? targets.get(0) : null;
  }

  /**
   * The names the labels of {@code rows} are read by: the decided ones, or, when undecided,
   * those collected from {@code rows} (the training set); empty when the labels are class
   * indices. Every label of {@code rows} is checked to be a class first.
   *
   * @throws DataException naming the file of the training labels when they hold more or fewer
   *     classes than the target declares, or the file and line of a label that is no collected class
   */
  public List<String> labelNames(TextTable.Rows rows) {
    if (names == null) {
      names = collect(rows);
    }
    if (collected) {
      Set<String> known = new HashSet<>(names);
      for (int r = 0; r < rows.size(); r++) {
        String label = rows.labels().get(r);
        if (!known.contains(label)) {
          throw new DataException(rows.where(r) + ": label \"" + label + "\" is not among the " + names.size()
              + " classes collected from " + collectedFrom + " (" + String.join(", ", names) + "); a class "
              + "the training set lacks cannot be learnt: declare the classes of target " + attrs.name()
              + " by name in the .nn file (" + target.span().location() + "), e.g. class[B] of ("
              + String.join(", ", quotedPlus(names, label)) + ")");
        }
      }
    }
    return names;
  }

  /** The names collected from the training rows, or empty when their labels are all class indices. */
  private List<String> collect(TextTable.Rows rows) {
    int count = attrs.classes();
    if (rows.labels().stream().allMatch(label -> isIndex(label, count))) {
      return List.of();
    }
    TreeSet<String> distinct = new TreeSet<>(CodePointOrder.COMPARATOR);
    distinct.addAll(rows.labels());
    List<String> found = List.copyOf(distinct);
    if (found.size() != count) {
      throw new DataException(rows.file() + ": the labels of the training set name " + found.size() + " classes ("
          + String.join(", ", found) + "), but target " + attrs.name() + " declares " + count + " ("
          + target.span().location() + "), as many as the model's output scores: declare class[B] of "
          + found.size() + " and an output of " + found.size() + " classes, or name the classes in the .nn file");
    }
    collected = true;
    collectedFrom = "the training set " + rows.file();
    return found;
  }

  private static boolean isIndex(String label, int count) {
    if (label.isEmpty() || label.length() > 10 || !label.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    return Long.parseLong(label) < count;
  }

  /** The names, decided: declared, recorded or collected; the indices' names when the labels are indices. */
  public List<String> names() {
    if (attrs == null) {
      return List.of();
    }
    return names == null || names.isEmpty() ? indexNames(attrs.classes()) : names;
  }

  /** The names of classes that have names (declared or collected); empty for classes numbered by their indices. */
  public List<String> namedClasses() {
    return names == null ? List.of() : names;
  }

  /** Whether the names were collected from labels (now, or by the run that wrote the checkpoint). */
  public boolean collected() {
    return collected;
  }

  private static List<String> indexNames(int count) {
    return IntStream.range(0, count).mapToObj(Integer::toString).toList();
  }

  private static List<String> quotedPlus(List<String> names, String extra) {
    TreeSet<String> all = new TreeSet<>(CodePointOrder.COMPARATOR);
    all.addAll(names);
    all.add(extra);
    List<String> out = new ArrayList<>();
    all.forEach(n -> out.add("\"" + n.replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
    return out;
  }
}
