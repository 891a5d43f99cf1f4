package dev.adjoint.compiler.codegen;

import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.List;

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
    int busyUntil = -1;

    Slot(String field, ScalarType dtype) {
      this.field = field;
      this.dtype = dtype;
    }

    boolean fits(Shape shape) {
      return shape.hasBatch() ? perSample >= shape.staticSize() : unbatched >= shape.staticSize();
    }

    void grow(Shape shape) {
      if (shape.hasBatch()) {
        perSample = Math.max(perSample, shape.staticSize());
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
  private final Names names;

  BufferPool(Names names) {
    this.names = names;
  }

  /** Every buffer is free at the start of an entry point. */
  void startEntryPoint() {
    slots.forEach(s -> s.busyUntil = -1);
  }

  /**
   * A buffer for a value computed at position {@code at} and read last at {@code lastRead};
   * only buffers whose last reader ran before {@code at} are reused.
   */
  String acquire(ScalarType dtype, Shape shape, int at, int lastRead) {
    Slot best = null;
    for (Slot s : slots) {
      if (s.dtype != dtype || s.busyUntil >= at) {
        continue;
      }
      if (best == null || (s.fits(shape) && !best.fits(shape))) {
        best = s;
      }
    }
    if (best == null) {
      best = new Slot(names.field("t" + slots.size()), dtype);
      slots.add(best);
    }
    best.grow(shape);
    best.busyUntil = lastRead;
    return best.field;
  }

  List<Slot> slots() {
    return slots;
  }
}
