package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ScanBody;
import dev.adjoint.compiler.ir.Scans;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeException;
import dev.adjoint.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code scan(step, init, xs, axis = 1, reverse = false, return_sequences = true, consts = ())}:
 * a loop over a static axis of {@code xs} (a tensor or a tuple of tensors of the same length)
 * with a carried value, as JAX's {@code lax.scan} with the carry as the only output: {@code step}
 * is a def of {@code (carry, x..., const...)} returning the next carry, which must have the
 * init's type; the result is every step's carry stacked along the axis, or the last. The def
 * is elaborated once, over placeholders, into the loop's body; it may create no parameter or
 * state and draw no random numbers (weights come in through {@code consts}).
 */
final class ScanCall {
  static final Signature SIGNATURE = Signature.of("scan", Parameter.required("step", Kind.SYMBOL),
      Parameter.required("init", Kind.TENSOR), Parameter.required("xs", Kind.ANY),
      Parameter.of("axis", Kind.INT, new Value.Int(1)), Parameter.of("reverse", Kind.BOOL, new Value.Bool(false)),
      Parameter.of("return_sequences", Kind.BOOL, new Value.Bool(true)),
      Parameter.of("consts", Kind.ANY, new Value.Tuple(List.of())));

  /** What the elaborator does for a scan: inline a def over values, and report. */
  interface Host {
    /** The def's result over {@code args}, or empty when it has errors (reported) or made parameters or state. */
    Optional<Value> inline(String def, List<Value> args);

    /** How many parameters the def {@code def} takes, or -1 when there is no such def. */
    int arity(String def);

    Value error(dev.adjoint.compiler.source.SourceSpan at, String message, String hint);
  }

  private ScanCall() {}

  static Value build(BoundArgs a, NodeBuilder b, Host host) {
    String step = a.symbol("step");
    Node init = a.tensor("init");
    List<Node> xs = tensors(a.value("xs"));
    List<Node> consts = tensors(a.value("consts"));
    if (xs == null || xs.isEmpty()) {
      return host.error(a.span("xs"), "scan's xs must be a tensor or a tuple of tensors, got " + a.value("xs").describe(),
          "the sequences to step through, e.g. xs = x or xs = (x, mask)");
    }
    if (consts == null) {
      return host.error(a.span("consts"), "scan's consts must be a tensor or a tuple of tensors, got "
          + a.value("consts").describe(), "the values every step reads, e.g. consts = (w, b)");
    }
    int arity = host.arity(step);
    if (arity < 0) {
      return host.error(a.span("step"), "scan's step '" + step + "' is not a def",
          "write the step as def " + step + "(carry, x) { ... return next }");
    }
    if (arity != 1 + xs.size() + consts.size()) {
      return host.error(a.span("step"), "scan's step '" + step + "' takes " + arity + " values, but scan passes "
          + (1 + xs.size() + consts.size()) + " (the carry, " + xs.size() + " slice" + (xs.size() == 1 ? "" : "s")
          + " and " + consts.size() + " const" + (consts.size() == 1 ? "" : "s") + ")",
          "declare it as def " + step + "(carry, x" + (consts.isEmpty() ? "" : ", ...") + ")");
    }
    int axis = a.integer("axis");
    int rank = xs.get(0).shape().rank();
    int at = axis < 0 ? axis + rank : axis;
    int length = -1;
    List<Node> slices = new ArrayList<>();
    for (Node x : xs) {
      if (x.shape().rank() != rank || at < 0 || at >= rank) {
        return host.error(a.span("axis"), "scan's axis " + axis + " is out of range for xs " + x.type(),
            "the axis to step along: from 0 to " + (x.shape().rank() - 1) + ", or negative from the end");
      }
      int steps = x.shape().dim(at);
      if (steps == Shape.BATCH) {
        return host.error(a.span("axis"), "scan's axis " + axis + " of xs " + x.type() + " is the batch axis B",
            "scan steps along a static axis, such as the time axis of [B, T, k]: axis = 1");
      }
      if (length >= 0 && steps != length) {
        return host.error(a.span("xs"), "scan's sequences have " + length + " and " + steps + " steps along axis "
            + axis, "every sequence has the same length along the axis");
      }
      length = steps;
      slices.add(ScanBody.placeholder(b, "x" + slices.size(), new TensorType(x.dtype(), Scans.remove(x.shape(), at))));
    }
    List<Node> placeholders = new ArrayList<>();
    placeholders.add(ScanBody.placeholder(b, "carry", init.type()));
    placeholders.addAll(slices);
    for (int j = 0; j < consts.size(); j++) {
      placeholders.add(ScanBody.placeholder(b, "c" + j, consts.get(j).type()));
    }
    List<Value> args = placeholders.stream().map(p -> (Value) new Value.Tensor(p)).toList();
    Optional<Value> result = host.inline(step, args);
    if (result.isEmpty()) {
      return Value.POISON;
    }
    if (!(result.get() instanceof Value.Tensor next)) {
      return host.error(a.span("step"), "scan's step '" + step + "' returns " + result.get().describe()
          + ", not the next carry", "return a tensor of the init's type, " + init.type());
    }
    if (!next.node().type().equals(init.type())) {
      return host.error(a.span("step"), "scan's step '" + step + "' returns " + next.node().type()
          + " for a carry of " + init.type(), "the step's result is the next carry: it must have the init's type");
    }
    for (Node n : dev.adjoint.compiler.ir.PostOrder.of(List.of(next.node()))) {
      if (n.op() == Op.PARAM || n.op() == Op.STATE || n.op() == Op.RANDOM_UNIFORM || n.op() == Op.DROPOUT_MASK
          || n.op() == Op.MODE_SWITCH || n.op() == Op.INPUT && !placeholders.contains(n)) {
        return host.error(a.span("step"), "scan's step '" + step + "' uses " + describe(n) + ", which a loop's step"
            + " cannot hold", "a step is a function of its carry, slices and consts: pass weights in consts = (...)"
            + " and apply dropout outside the scan");
      }
    }
    List<Node> inputs = new ArrayList<>(List.of(init));
    inputs.addAll(xs);
    inputs.addAll(consts);
    try {
      ScanBody body = ScanBody.of(placeholders, xs.size(), next.node());
      return new Value.Tensor(b.node(Op.SCAN, inputs, new Attrs.Scan(body, at, a.bool("reverse"),
          a.bool("return_sequences"))));
    } catch (ShapeException | IllegalArgumentException e) {
      return host.error(a.callSpan(), "scan: " + e.getMessage(), null);
    }
  }

  private static String describe(Node n) {
    return n.op() == Op.PARAM ? "parameter '" + n.sourceName() + "'" : n.op() == Op.INPUT ? "input '"
        + n.sourceName() + "'" : "a " + n.op().text();
  }

  /** A tensor or a tuple of tensors as a list; null for anything else. */
  private static List<Node> tensors(Value v) {
    if (v instanceof Value.Tensor t) {
      return List.of(t.node());
    }
    if (v instanceof Value.Tuple tuple) {
      List<Node> out = new ArrayList<>();
      for (Value item : tuple.items()) {
        if (!(item instanceof Value.Tensor t)) {
          return null;
        }
        out.add(t.node());
      }
      return out;
    }
    return null;
  }
}
