package dev.adjoint.compiler.settings;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The parameters an option applies to, {@code on = (weights, "h.b")} or {@code decay_on = all}:
 * groups by role and names of parameters, in the order written.
 *
 * @param tuple whether the block wrote a tuple rather than one name (dumps show it as written)
 */
public record ParamSelection(List<Item> items, boolean tuple) {

  /** One item of a selection: a {@link ParamGroup} or a parameter's name. */
  public sealed interface Item permits ParamGroup, ParamSelection.Name {
    /** The item as the train block writes it. */
    String text();
  }

  /** A parameter by its name in the .nn file, such as {@code "h.b"}. */
  public record Name(String text) implements Item {}

  /** The default of {@code on =} and {@code decay_on =}: everything but biases and norm parameters. */
  public static final ParamSelection DEFAULT = new ParamSelection(List.of(ParamGroup.WEIGHTS, ParamGroup.EMBEDDINGS),
      true);

  public ParamSelection {
    items = List.copyOf(items);
    if (items.isEmpty() || !tuple && items.size() != 1) {
      throw new IllegalArgumentException("a selection is one item or a tuple of them, got " + items);
    }
  }

  /** The selection of written names: group names are groups, other names parameters. */
  public static ParamSelection of(List<String> written, boolean tuple) {
    return new ParamSelection(written.stream()
        .map(w -> ParamGroup.named(w) != null ? (Item) ParamGroup.named(w) : new Name(w)).toList(), tuple);
  }

  /** The names of the graph's parameters that the selection covers, in graph order. */
  public Set<String> resolve(Graph graph) {
    Set<String> out = new LinkedHashSet<>();
    for (Node p : graph.params()) {
      Attrs.Param param = p.attrs(Attrs.Param.class);
      if (items.stream().anyMatch(item -> covers(item, param))) {
        out.add(param.name());
      }
    }
    return out;
  }

  private static boolean covers(Item item, Attrs.Param param) {
    return item instanceof ParamGroup group ? group.covers(param.role()) : item.text().equals(param.name());
  }

  /** {@code ("weights", "h.b")}, or {@code "all"} when one name was written. */
  @Override
  public String toString() {
    return OptionText.names(items.stream().map(Item::text).toList(), tuple);
  }
}
