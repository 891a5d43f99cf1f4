package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.composite.Recurrent;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.frontend.Builtin;
import dev.adjoint.compiler.frontend.BuiltinTable;
import dev.adjoint.compiler.frontend.CallContext;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.ir.Init;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.ParamRole;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The recurrent layers {@code rnn}, {@code lstm} and {@code gru} over x[B, T, k]: each creates
 * {@code weight_ih} [G·hidden, k], {@code weight_hh} [G·hidden, hidden], {@code bias_ih} and
 * {@code bias_hh} [G·hidden] as PyTorch's layers name and lay them out (without the {@code _l0}),
 * initialized as PyTorch does, U(-1/√hidden, 1/√hidden), and compiles to one loop over time.
 */
public final class RecurrentFunctions {
  private static final String CATEGORY = "layer";

  private RecurrentFunctions() {}

  public static void register(BuiltinTable table) {
    table.add(new Builtin(signature("rnn", false, true), CATEGORY,
        "an Elman RNN over x[B, T, k]: h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh); every h [B, T, hidden] or the last",
        (a, c) -> layer(Recurrent.Cell.RNN, a, c)));
    table.add(new Builtin(signature("lstm", true, false), CATEGORY,
        "an LSTM over x[B, T, k] with PyTorch's gates i, f, g, o; every h [B, T, hidden] or the last",
        (a, c) -> layer(Recurrent.Cell.LSTM, a, c)));
    table.add(new Builtin(signature("gru", false, false), CATEGORY,
        "a GRU over x[B, T, k] with PyTorch's gates r, z, n; every h [B, T, hidden] or the last",
        (a, c) -> layer(Recurrent.Cell.GRU, a, c)));
  }

  private static Signature signature(String name, boolean cellState, boolean activation) {
    List<Parameter> params = new ArrayList<>(List.of(Args.tensor("x"), Args.positiveInt("hidden"),
        Args.bool("return_sequences", false), Parameter.optional("lengths", Kind.TENSOR),
        Parameter.optional("h0", Kind.TENSOR)));
    if (cellState) {
      params.add(Parameter.optional("c0", Kind.TENSOR));
    }
    if (activation) {
      params.add(Parameter.choice("act", "activation", "tanh", List.of("tanh", "relu")));
    }
    params.add(Args.bool("bias", true));
    return Signature.of(name, params.toArray(new Parameter[0]));
  }

  private static Value layer(Recurrent.Cell cell, BoundArgs a, CallContext c) {
    Node x = a.tensor("x");
    Args.requireFloat(x, "the input");
    Shape s = x.shape();
    if (s.rank() != 3 || s.dim(0) != Shape.BATCH || s.dim(1) == Shape.BATCH || s.last() == Shape.BATCH) {
      throw new ShapeException("the input must be a sequence [B, T, features], got " + x.type());
    }
    int hidden = a.integer("hidden");
    if ((long) cell.gates() * hidden > Integer.MAX_VALUE) {
      return c.error(a.span("hidden"), "hidden " + hidden + " makes weights of " + cell.gates() + " × " + hidden
          + " rows, more than one dimension can hold (" + Integer.MAX_VALUE + ")", "a hidden size of a few "
          + "hundred or thousand is usual");
    }
    int gates = cell.gates() * hidden;
    double bound = 1 / Math.sqrt(hidden);
    Init init = new Init(Init.Kind.UNIFORM, Map.of("low", -bound, "high", bound));
    ScalarType dtype = x.dtype();
    Node weightIh = c.param("weight_ih", Shape.of(gates, s.last()), dtype, init, ParamRole.WEIGHT);
    Node weightHh = c.param("weight_hh", Shape.of(gates, hidden), dtype, init, ParamRole.WEIGHT);
    boolean bias = a.bool("bias");
    Node biasIh = bias ? c.param("bias_ih", Shape.of(gates), dtype, init, ParamRole.BIAS) : null;
    Node biasHh = bias ? c.param("bias_hh", Shape.of(gates), dtype, init, ParamRole.BIAS) : null;
    Shape state = Shape.of(Shape.BATCH, hidden);
    Node h0 = state(a, "h0", state, dtype);
    Node c0 = a.has("c0") ? state(a, "c0", state, dtype) : null;
    Node lengths = null;
    if (a.has("lengths")) {
      lengths = a.tensor("lengths");
      if (lengths.dtype() != ScalarType.I32 || !lengths.shape().equals(Shape.of(Shape.BATCH))) {
        return c.error(a.span("lengths"), "lengths must be i32[B], one length per sample, got " + lengths.type(),
            "declare the input as i32[B]; steps at or after a sample's length are padding");
      }
    }
    boolean relu = a.has("act") && a.symbol("act").equals("relu");
    return new Value.Tensor(Recurrent.layer(c.ops(), cell, x, new Recurrent.Weights(weightIh, weightHh, biasIh, biasHh),
        h0, c0, lengths, a.bool("return_sequences"), relu));
  }

  /** An initial state given as h0 or c0: [B, hidden] of the input's dtype; null when not given. */
  private static Node state(BoundArgs a, String name, Shape state, ScalarType dtype) {
    if (!a.has(name)) {
      return null;
    }
    Node n = a.tensor(name);
    if (!n.shape().equals(state) || n.dtype() != dtype) {
      throw new ShapeException(name + " must be " + dtype.text() + state + ", one state per sample, got " + n.type());
    }
    return n;
  }
}
