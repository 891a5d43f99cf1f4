package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Whether the compiler can see that a tensor is a mask: it holds only 0s and 1s because it
 * is a comparison, {@code and}/{@code or}/{@code not} of masks, {@code one_hot}, a constant
 * 0 or 1, or one of these reshaped, broadcast, sliced, cast or chosen by {@code where}.
 * Conditions ({@code where}, {@code masked_mean}, {@code and}, ...) must be masks, so that a
 * float tensor passed by mistake is an error at the argument instead of a silent test
 * against zero. The walk is iterative, so a chain of any length is seen. The answer is
 * conservative: an input holding 0s and 1s is not known to be a mask; comparing it
 * ({@code m > 0.5}) makes one.
 */
public final class Masks {
  /**
   * Nodes already found to be masks. Nodes are immutable and compared by identity, so an
   * answer never changes; remembering it keeps a chain of n {@code and}s, each checking its
   * operands, linear in n. Weak keys: the cache holds no graph alive.
   */
  private static final Map<Node, Boolean> KNOWN = Collections.synchronizedMap(new WeakHashMap<>());

  private Masks() {}

  /** Whether every element of n is known to be 0 or 1. */
  public static boolean holds(Node n) {
    Deque<Node> work = new ArrayDeque<>();
    Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    work.push(n);
    while (!work.isEmpty()) {
      Node x = work.pop();
      if (!seen.add(x) || KNOWN.containsKey(x)) {
        continue;
      }
      List<Node> needed = needs(x);
      if (needed == null) {
        return false;
      }
      needed.forEach(work::push);
    }
    seen.forEach(x -> KNOWN.put(x, Boolean.TRUE));
    return true;
  }

  /** The nodes that must be masks for n to be one, or null when n cannot be one. */
  private static List<Node> needs(Node n) {
    if (!(n.op() instanceof Op op)) {
      return null;
    }
    return switch (op) {
      case CONST -> {
        double v = n.attrs(Attrs.Fill.class).value();
        yield v == 0 || v == 1 ? List.of() : null;
      }
      case GREATER, GREATER_EQUAL, EQUAL, ONE_HOT -> List.of();
      case RESHAPE, BROADCAST, TRANSPOSE, SLICE, PAD, STOP_GRADIENT, REDUCE_MAX, CAST, GATHER -> List.of(n.input(0));
      case MUL, MAX, MIN, MODE_SWITCH -> List.of(n.input(0), n.input(1));
      case WHERE -> List.of(n.input(1), n.input(2));
      case SUB -> isOne(n.input(0)) ? List.of(n.input(1)) : null;
      default -> null;
    };
  }

  private static boolean isOne(Node n) {
    Node x = n;
    while (x.op() == Op.BROADCAST || x.op() == Op.RESHAPE) {
      x = x.input(0);
    }
    return x.op() == Op.CONST && x.attrs(Attrs.Fill.class).value() == 1;
  }
}
