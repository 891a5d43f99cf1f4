package dev.adjoint.compiler.runs;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.OpGroup;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.data.IdLimit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The values each i32 input or target of a model may hold, read from how the graph uses it,
 * so that the data readers name a bad id with its file and row before training: ids picking
 * rows of a table ({@code embedding}, {@code embedding_bag}: {@code GATHER}) must be below
 * its row count (negative ids are padding), rows written by {@code SCATTER_ADD} likewise,
 * and class indices ({@code ONE_HOT}: the losses and {@code one_hot}) below the class count.
 * A value the input is compared with ({@code ignore_index}) always passes. Uses are followed
 * through ops that only move values (reshape, broadcast, transpose, slice, pad, mode
 * switches); a value computed from the ids limits nothing.
 */
public final class IdLimits {
  private IdLimits() {}

  /** The limit of each i32 input and target that the graph reads as ids or classes, by name. */
  public static Map<String, IdLimit> of(Graph graph) {
    Map<Node, List<Node>> users = users(graph);
    Map<String, IdLimit> out = new LinkedHashMap<>();
    for (Node input : graph.inputs()) {
      if (input.dtype() != ScalarType.I32) {
        continue;
      }
      IdLimit limit = limit(input, users);
      if (limit != null) {
        out.put(input.sourceName(), limit);
      }
    }
    return out;
  }

  private static IdLimit limit(Node input, Map<Node, List<Node>> users) {
    int count = Integer.MAX_VALUE;
    String use = null;
    boolean negatives = true;
    Set<Integer> exempt = new LinkedHashSet<>();
    Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Node> todo = new ArrayDeque<>(List.of(input));
    while (!todo.isEmpty()) {
      Node ids = todo.pop();
      if (!seen.add(ids)) {
        continue;
      }
      for (Node user : users.getOrDefault(ids, List.of())) {
        if (passesIdsThrough(user)) {
          todo.push(user);
        } else if (user.op() == Op.GATHER && user.input(1) == ids) {
          Node table = user.input(0);
          int rows = table.shape().dim(0);
          if (rows < count) {
            count = rows;
            use = "the " + rows + " rows of " + (table.sourceName() != null ? table.sourceName() : "the table") + " ("
                + user.span().shortLocation() + ")";
          }
        } else if (user.op() == Op.SCATTER_ADD && user.input(0) == ids) {
          int rows = user.shape().dim(0);
          if (rows < count) {
            count = rows;
            use = "the " + rows + " rows scatter_add writes (" + user.span().shortLocation() + ")";
          }
        } else if (user.op() == Op.ONE_HOT) {
          negatives = false;
          int classes = user.attrs(Attrs.OneHot.class).classes();
          if (classes <= count) {
            count = classes;
            use = "the " + classes + " classes read at " + user.span().shortLocation();
          }
        } else if (user.op() == Op.EQUAL) {
          Double value = constant(user.input(user.input(0) == ids ? 1 : 0));
          if (value != null && value == Math.rint(value) && Math.abs(value) <= Integer.MAX_VALUE) {
            exempt.add(value.intValue());
          }
        }
      }
    }
    return use == null ? null : new IdLimit(count, negatives, exempt, use);
  }

  /** Whether the op hands its input's values on unchanged (moved, repeated, or chosen by mode). */
  private static boolean passesIdsThrough(Node n) {
    return n.op().group() == OpGroup.MOVEMENT || n.op() == Op.MODE_SWITCH;
  }

  /** The value of a scalar constant, seen through ops that only move it; null for anything else. */
  private static Double constant(Node n) {
    Node at = n;
    while (at.op().group() == OpGroup.MOVEMENT && at.inputs().size() == 1) { // not a concat of several
      at = at.input(0);
    }
    return at.op() == Op.CONST ? at.attrs(Attrs.Fill.class).value() : null;
  }

  private static Map<Node, List<Node>> users(Graph graph) {
    Map<Node, List<Node>> users = new IdentityHashMap<>();
    for (Node n : graph.nodes()) {
      for (Node in : n.inputs()) {
        users.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
    }
    return users;
  }
}
