package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ScanBody;
import dev.adjoint.compiler.ir.Scans;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * SCAN in the interpreter: the body evaluated once per step, in order (or backwards), from
 * the carry, each sequence's slice at the step and the constants; the carries stacked along
 * the axis, or the last.
 */
final class ScanKernel {
  private ScanKernel() {}

  static F64Tensor apply(Node node, List<F64Tensor> in, Batch batch, Feed feed) {
    Attrs.Scan scan = node.attrs(Attrs.Scan.class);
    ScanBody body = scan.body();
    int axis = scan.axis();
    int steps = Scans.length(node);
    int sequences = body.sequences();
    F64Tensor carry = in.get(0);
    F64Tensor[] stacked = new F64Tensor[steps];
    for (int k = 0; k < steps; k++) {
      int t = scan.reverse() ? steps - 1 - k : k;
      IdentityHashMap<Node, F64Tensor> values = new IdentityHashMap<>();
      values.put(body.carry(), carry);
      for (int i = 0; i < sequences; i++) {
        F64Tensor x = in.get(1 + i);
        F64Tensor slice = MovementKernels.slice(x, axis, t, 1, 1);
        values.put(body.slice(i), MovementKernels.reshape(slice, batch.concrete(body.slice(i).shape())));
      }
      for (int j = 0; j < body.constants(); j++) {
        values.put(body.constant(j), in.get(1 + sequences + j));
      }
      for (Node n : body.nodes()) {
        if (!values.containsKey(n)) {
          if (n.op() == Op.INPUT) {
            throw new IllegalStateException("an input of a scan body that is none of its placeholders: " + n);
          }
          values.put(n, Interpreter.compute(n, values, batch, feed));
        }
      }
      carry = values.get(body.result());
      stacked[t] = carry;
    }
    if (!scan.stacked()) {
      return carry;
    }
    List<F64Tensor> rows = new ArrayList<>();
    int[] row = batch.concrete(Scans.insert(body.carry().shape(), axis, 1));
    for (F64Tensor s : stacked) {
      rows.add(MovementKernels.reshape(s, row));
    }
    return MovementKernels.concat(rows, axis);
  }
}
