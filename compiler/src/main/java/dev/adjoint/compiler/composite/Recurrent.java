package dev.adjoint.compiler.composite;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.ScanBody;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * Recurrent layers over x[B, T, k] as one SCAN each, with PyTorch's gate equations and
 * parameter layout (weight_ih [G·H, k], weight_hh [G·H, H], bias_ih and bias_hh [G·H],
 * gates stacked in PyTorch's order). The input's share of every gate is one matrix product
 * for all steps before the loop (x W_ihᵀ + b_ih, and b_hh where it adds to it); the loop's
 * body does what depends on the state: h W_hhᵀ and the gates. With lengths, steps at or
 * after a sample's length leave its state as it was and give zeros as outputs, so padding
 * changes neither the state nor what a loss reads. An LSTM's carry holds its step's gates
 * after h and c ([B, 6H]): the loop stores them for every step, and its backward loop reads
 * them back instead of computing the gates and h W_hhᵀ again.
 */
public final class Recurrent {
  private Recurrent() {}

  /** The cells, with their number of gate blocks G. */
  public enum Cell {
    /** h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh). */
    RNN(1),
    /**
     * i, f, g, o = σ, σ, tanh, σ of (x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) split in four;
     * c' = f c + i g; h' = o tanh(c').
     */
    LSTM(4),
    /**
     * r, z = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr), σ(... z ...); n = tanh(x W_inᵀ + b_in
     * + r (h W_hnᵀ + b_hn)); h' = (1 - z) n + z h.
     */
    GRU(3);

    private final int gates;

    Cell(int gates) {
      this.gates = gates;
    }

    public int gates() {
      return gates;
    }
  }

  /** A layer's parameters in PyTorch's layout; the biases may be null (bias = false). */
  public record Weights(Node weightIh, Node weightHh, Node biasIh, Node biasHh) {
    int hidden() {
      return weightHh.shape().dim(1);
    }
  }

  /**
   * The layer over x[B, T, k]: every step's h [B, T, H] ({@code sequences}) or the last
   * state's h [B, H]. {@code h0} and {@code c0} ([B, H], c0 for LSTM only) default to zeros;
   * {@code lengths} (i32 [B], may be null) masks the steps of each sample from its length on.
   * An RNN's activation is tanh, or relu when {@code relu}.
   */
  public static Node layer(NodeBuilder b, Cell cell, Node x, Weights w, Node h0, Node c0, Node lengths,
      boolean sequences, boolean relu) {
    int steps = x.shape().dim(1);
    int hidden = w.hidden();
    ScalarType dtype = x.dtype();
    Shape state = Shape.of(x.shape().dim(0), hidden);
    // the input's share of the gates, for every step at once
    Node projected = b.matmul(x, w.weightIh(), false, true);
    if (w.biasIh() != null) {
      projected = b.add(projected, w.biasIh());
      if (cell != Cell.GRU) {
        projected = b.add(projected, w.biasHh());
      }
    }
    Node mask = lengths == null ? null : mask(b, lengths, steps, dtype);
    Node h = h0 != null ? h0 : zeros(b, dtype, state);
    Node init = h;
    if (cell == Cell.LSTM) {
      // h, c, then the step's gates i, f, g, o, stored for the backward loop (ScanSavedValues)
      init = b.concat(List.of(h, c0 != null ? c0 : zeros(b, dtype, state),
          zeros(b, dtype, Shape.of(state.dim(0), 4 * hidden))), 1);
    }
    List<Node> placeholders = new ArrayList<>();
    Node carry = ScanBody.placeholder(b, "carry", init.type());
    Node gatesIn = ScanBody.placeholder(b, "x0", new TensorType(dtype, Shape.of(state.dim(0), projected.shape().last())));
    placeholders.add(carry);
    placeholders.add(gatesIn);
    Node keep = null;
    if (mask != null) {
      keep = ScanBody.placeholder(b, "x1", new TensorType(dtype, Shape.of(state.dim(0), 1)));
      placeholders.add(keep);
    }
    Node weightHh = ScanBody.placeholder(b, "w0", w.weightHh().type());
    placeholders.add(weightHh);
    Node biasHh = null;
    if (cell == Cell.GRU && w.biasHh() != null) {
      biasHh = ScanBody.placeholder(b, "w1", w.biasHh().type());
      placeholders.add(biasHh);
    }
    Node next = switch (cell) {
      case RNN -> {
        Node pre = b.add(gatesIn, b.matmul(carry, weightHh, false, true));
        yield relu ? b.max(pre, b.constant(0, pre)) : b.tanh(pre);
      }
      case LSTM -> lstmStep(b, carry, gatesIn, weightHh, hidden);
      case GRU -> gruStep(b, carry, gatesIn, weightHh, biasHh, hidden);
    };
    if (keep != null) {
      next = b.where(keep, next, carry);
    }
    ScanBody body = ScanBody.of(placeholders, mask == null ? 1 : 2, next);
    List<Node> inputs = new ArrayList<>(List.of(init, projected));
    if (mask != null) {
      inputs.add(mask);
    }
    inputs.add(w.weightHh());
    if (biasHh != null) {
      inputs.add(w.biasHh());
    }
    Node states = b.node(Op.SCAN, inputs, new Attrs.Scan(body, 1, false, true));
    Node hs = cell == Cell.LSTM ? b.slice(states, 2, 0, hidden) : states;
    if (sequences) {
      return mask == null ? hs : b.mul(hs, mask);
    }
    return b.reshape(b.slice(hs, 1, steps - 1, steps), state);
  }

  private static Node lstmStep(NodeBuilder b, Node carry, Node gatesIn, Node weightHh, int hidden) {
    Node h = b.slice(carry, 1, 0, hidden);
    Node c = b.slice(carry, 1, hidden, 2 * hidden);
    Node gates = b.add(gatesIn, b.matmul(h, weightHh, false, true));
    Node i = b.sigmoid(b.slice(gates, 1, 0, hidden));
    Node f = b.sigmoid(b.slice(gates, 1, hidden, 2 * hidden));
    Node g = b.tanh(b.slice(gates, 1, 2 * hidden, 3 * hidden));
    Node o = b.sigmoid(b.slice(gates, 1, 3 * hidden, 4 * hidden));
    Node cNext = b.add(b.mul(f, c), b.mul(i, g));
    Node hNext = b.mul(o, b.tanh(cNext));
    return b.concat(List.of(hNext, cNext, i, f, g, o), 1);
  }

  private static Node gruStep(NodeBuilder b, Node h, Node gatesIn, Node weightHh, Node biasHh, int hidden) {
    Node hh = b.matmul(h, weightHh, false, true);
    if (biasHh != null) {
      hh = b.add(hh, biasHh);
    }
    Node r = b.sigmoid(b.add(b.slice(gatesIn, 1, 0, hidden), b.slice(hh, 1, 0, hidden)));
    Node z = b.sigmoid(b.add(b.slice(gatesIn, 1, hidden, 2 * hidden), b.slice(hh, 1, hidden, 2 * hidden)));
    Node n = b.tanh(b.add(b.slice(gatesIn, 1, 2 * hidden, 3 * hidden), b.mul(r, b.slice(hh, 1, 2 * hidden, 3 * hidden))));
    // (1 - z) n + z h
    return b.add(b.mul(b.sub(b.constant(1, z), z), n), b.mul(z, h));
  }

  /** 1 where step t is before the sample's length, else 0: [B, T, 1]. */
  static Node mask(NodeBuilder b, Node lengths, int steps, ScalarType dtype) {
    Node length = b.reshape(b.cast(lengths, dtype), Shape.of(lengths.shape().dim(0), 1, 1));
    // 1, 2, ..., T along the time axis: step t is kept when t + 1 <= length
    Node ones = b.broadcastTo(b.constant(1, dtype), Shape.of(1, steps, 1));
    Node counts = Analysis.cumsum(b, ones, 1);
    return b.cast(b.greaterEqual(length, counts), dtype);
  }

  private static Node zeros(NodeBuilder b, ScalarType dtype, Shape shape) {
    return b.broadcastTo(b.constant(0, dtype), shape);
  }
}
