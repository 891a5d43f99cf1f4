package dev.adjoint.compiler.codegen;

import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Temporary buffers shared by every step of every entry point of a model: a value takes a
 * free buffer of its dtype and holds it until its last reader has run, so a deep model
 * needs about as many buffers as values alive at once. A buffer's capacity is the largest
 * value it ever holds, per sample and for values without a batch dimension.
 */
final class BufferPool {

  /** One temporary array field. */
  static final class Slot {
    final String field;
    final ScalarType dtype;
    long perSample;
    long unbatched;
    /** The value that set {@link #perSample}, for messages: {@code matmul at tower.nn:2:7, f32[B,32]}. */
    String largest;
    int busyUntil = -1;

    Slot(String field, ScalarType dtype) {
      this.field = field;
      this.dtype = dtype;
    }

    boolean fits(Shape shape) {
      return shape.hasBatch() ? perSample >= shape.staticSize() : unbatched >= shape.staticSize();
    }

    void grow(Node value) {
      Shape shape = value.shape();
      if (shape.hasBatch()) {
        if (shape.staticSize() > perSample) {
          perSample = shape.staticSize();
          largest = value.op().text() + " at " + value.span().shortLocation() + ", " + value.type();
        }
      } else {
        unbatched = Math.max(unbatched, shape.staticSize());
      }
    }

    /** The allocation, as a Java expression in the constructor's {@code maxBatch}. */
    String allocation() {
      String batched = perSample == 0 ? "0" : perSample == 1 ? "maxBatch" : "maxBatch * " + perSample;
      return perSample == 0 ? Long.toString(Math.max(unbatched, 1))
          : unbatched == 0 ? batched : "Math.max(" + batched + ", " + unbatched + ")";
    }
  }

  private final List<Slot> slots = new ArrayList<>();
  private final Map<ScalarType, Free> free = new EnumMap<>(ScalarType.class);
  /** Busy slots by the position of their last reader, so that they are freed in order. */
  private final PriorityQueue<Slot> busy = new PriorityQueue<>(Comparator.comparingInt(s -> s.busyUntil));
  private final Names names;
  private final String prefix;

  BufferPool(Names names) {
    this(names, "t");
  }

  /** A pool whose fields are named {@code prefix0, prefix1, ...} (a loop's: {@code loop3_t0}). */
  BufferPool(Names names, String prefix) {
    this.names = names;
    this.prefix = prefix;
  }

  /** Every buffer is free at the start of an entry point. */
  void startEntryPoint() {
    busy.clear();
    for (Slot s : slots) {
      s.busyUntil = -1;
      free.get(s.dtype).release(s);
    }
  }

  /**
   * A buffer for {@code value}, computed at position {@code at} and read last at {@code lastRead};
   * only buffers whose last reader ran before {@code at} are reused: the first free one (in
   * the order they were made) that is large enough, else the first free one, grown. Positions
   * must not decrease within an entry point. O(log buffers).
   */
  String acquire(Node value, int at, int lastRead) {
    ScalarType dtype = value.dtype();
    Shape shape = value.shape();
    while (!busy.isEmpty() && busy.peek().busyUntil < at) {
      Slot s = busy.poll();
      free.get(s.dtype).release(s);
    }
    Free candidates = free.computeIfAbsent(dtype, d -> new Free());
    Slot best = candidates.first(shape);
    if (best == null) {
      best = new Slot(names.field(prefix + slots.size()), dtype);
      slots.add(best);
      candidates.add(best);
    }
    best.grow(value);
    best.busyUntil = lastRead;
    candidates.take(best);
    busy.add(best);
    return best.field;
  }

  List<Slot> slots() {
    return slots;
  }

  /**
   * The free slots of one dtype in the order they were made, as two max-trees (per-sample and
   * unbatched capacity, -1 for a busy slot) over that order: the first free slot holding a
   * shape is found by descending the tree.
   */
  private static final class Free {
    private final List<Slot> order = new ArrayList<>();
    private final Map<Slot, Integer> index = new IdentityHashMap<>();
    private final Set<Slot> released = Collections.newSetFromMap(new IdentityHashMap<>());
    private long[] perSample = {-1, -1};
    private long[] unbatched = {-1, -1};
    private int leaves = 1;

    /** A new slot, busy until {@link #release}. */
    void add(Slot s) {
      index.put(s, order.size());
      order.add(s);
      if (order.size() > leaves) {
        leaves *= 2;
        perSample = new long[2 * leaves];
        unbatched = new long[2 * leaves];
        Arrays.fill(perSample, -1);
        Arrays.fill(unbatched, -1);
        released.forEach(this::release);
      }
    }

    void release(Slot s) {
      released.add(s);
      set(s, s.perSample, s.unbatched);
    }

    void take(Slot s) {
      released.remove(s);
      set(s, -1, -1);
    }

    /** The first free slot that holds {@code shape}, else the first free slot, else null. */
    Slot first(Shape shape) {
      long[] tree = shape.hasBatch() ? perSample : unbatched;
      int fits = descend(tree, shape.staticSize());
      int any = fits >= 0 ? fits : descend(tree, 0);
      return any < 0 ? null : order.get(any);
    }

    /** The first leaf whose value is at least {@code min}, or -1. */
    private int descend(long[] tree, long min) {
      if (tree[1] < min) {
        return -1;
      }
      int node = 1;
      while (node < leaves) {
        node = tree[2 * node] >= min ? 2 * node : 2 * node + 1;
      }
      return node - leaves;
    }

    private void set(Slot s, long batched, long plain) {
      int node = index.get(s) + leaves;
      perSample[node] = batched;
      unbatched[node] = plain;
      for (node /= 2; node >= 1; node /= 2) {
        perSample[node] = Math.max(perSample[2 * node], perSample[2 * node + 1]);
        unbatched[node] = Math.max(unbatched[2 * node], unbatched[2 * node + 1]);
      }
    }
  }
}
