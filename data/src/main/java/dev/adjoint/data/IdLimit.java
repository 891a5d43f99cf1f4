package dev.adjoint.data;

import java.util.Objects;
import java.util.Set;

/**
 * The integers an i32 column may hold because of how the model uses them: ids below the row
 * count of the table they pick rows of, class indices below the class count. Checked as the
 * data is read, so that a bad id is named with its file and row before training rather than
 * failing inside a step (an id past a table) or adding nothing to the loss (a class past the
 * count).
 *
 * @param count values 0 .. count - 1 are allowed
 * @param negativesAllowed whether negative values are allowed too (padding ids, which pick no row)
 * @param exempt values allowed whatever the range (the {@code ignore_index} of a loss)
 * @param use what limits the values, for messages: {@code "the 10 rows of e.table (model.nn:7:7)"}
 */
public record IdLimit(int count, boolean negativesAllowed, Set<Integer> exempt, String use) {
  public IdLimit {
    if (count < 0) {
      throw new IllegalArgumentException("an id limit cannot be " + count);
    }
    exempt = Set.copyOf(exempt);
    Objects.requireNonNull(use, "use");
  }

  /** Whether {@code value} is allowed. */
  public boolean allows(long value) {
    if (value == (int) value && exempt.contains((int) value)) {
      return true;
    }
    return value >= 0 ? value < count : negativesAllowed;
  }

  /** {@code "value 12 is out of range for tokens: expected 0..9, the 10 rows of e.table"}. */
  String message(long value, String column) {
    StringBuilder out = new StringBuilder("value ").append(value)
        .append(" is out of range for ").append(column).append(": expected ")
        .append(count == 0 ? "none" : "0.." + (count - 1));
    if (negativesAllowed) {
      out.append(" or a negative id (padding)");
    }
    if (!exempt.isEmpty()) {
      out.append(" or ").append(exempt.size() == 1 ? exempt.iterator().next() : new java.util.TreeSet<>(exempt).toString());
    }
    return out.append(", ").append(use).toString();
  }
}
