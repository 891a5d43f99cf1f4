package dev.adjoint.compiler.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The derivative rule of one primitive op, in both directions: the vector-Jacobian product
 * (reverse mode: output cotangent to input cotangents) and the Jacobian-vector product
 * (forward mode: input tangents to the output tangent). Rules build graph nodes, so a
 * derivative can itself be differentiated.
 *
 * <p>Rules are made by helpers named for their kind, as JAX's {@code defjvp},
 * {@code deflinear} and {@code defbilinear}: {@link #elementwise}, {@link #linear},
 * {@link #bilinear}, {@link #piecewiseConstant}, {@link #leaf}. Each op in {@link Op}
 * names its rule beside its definition. Inputs a rule cannot differentiate (class
 * indices, ids, conditions) are marked by {@link #differentiable(int)}.
 */
public final class Derivative {

  /** Cotangents for each input from the output's cotangent {@code g}; a null entry contributes nothing. */
  @FunctionalInterface
  public interface Vjp {
    List<Node> apply(NodeBuilder b, Node node, Node g);
  }

  /** The output's tangent from the inputs' tangents (null means zero); null for a zero result. */
  @FunctionalInterface
  public interface Jvp {
    Node apply(NodeBuilder b, Node node, List<Node> tangents);
  }

  /** The local derivative ∂y/∂x_i of an elementwise op as a node shaped like its output. */
  @FunctionalInterface
  public interface Partial {
    Node apply(NodeBuilder b, Node node);
  }

  private final String kind;
  private final Vjp vjp;
  private final Jvp jvp;
  private final boolean[] differentiable;
  /** True for a rule over any number of inputs, every one differentiable. */
  private final boolean everyInput;

  private Derivative(String kind, Vjp vjp, Jvp jvp, boolean... differentiable) {
    this(kind, vjp, jvp, false, differentiable);
  }

  private Derivative(String kind, Vjp vjp, Jvp jvp, boolean everyInput, boolean[] differentiable) {
    this.kind = kind;
    this.vjp = vjp;
    this.jvp = jvp;
    this.everyInput = everyInput;
    this.differentiable = differentiable;
  }

  /** How the rule was made: "elementwise", "linear", "bilinear", "piecewise constant", "leaf" or "custom". */
  public String kind() {
    return kind;
  }

  /** The number of inputs the rule covers: the arity of the elementwise op it belongs to. */
  public int arity() {
    return differentiable.length;
  }

  /** Whether input {@code i} has a derivative at all (not ids, class indices or conditions). */
  public boolean differentiable(int input) {
    return everyInput || input < differentiable.length && differentiable[input];
  }

  /** True when no input is differentiable: sources, comparisons, ids to one-hot. */
  public boolean isConstant() {
    if (everyInput) {
      return false;
    }
    for (boolean d : differentiable) {
      if (d) {
        return false;
      }
    }
    return true;
  }

  public List<Node> vjp(NodeBuilder b, Node node, Node g) {
    return vjp.apply(b, node, g);
  }

  public Node jvp(NodeBuilder b, Node node, List<Node> tangents) {
    return jvp.apply(b, node, tangents);
  }

  // ---- kinds -----------------------------------------------------------------------

  /** A source: nothing to differentiate. */
  public static Derivative leaf() {
    return new Derivative("leaf", (b, n, g) -> List.of(), (b, n, t) -> null);
  }

  /** An output that is constant almost everywhere (comparisons, sign, counts): zero derivative. */
  public static Derivative piecewiseConstant(int arity) {
    return new Derivative("piecewise constant", (b, n, g) -> nulls(arity), (b, n, t) -> null, new boolean[arity]);
  }

  /**
   * An elementwise op given its partials ∂y/∂x_i (null for an input without one): the
   * cotangent of input i is g·∂y/∂x_i, the tangent of y is Σ t_i·∂y/∂x_i.
   */
  public static Derivative elementwise(Partial... partials) {
    boolean[] differentiable = new boolean[partials.length];
    for (int i = 0; i < partials.length; i++) {
      differentiable[i] = partials[i] != null;
    }
    Vjp vjp = (b, n, g) -> {
      List<Node> out = new ArrayList<>();
      for (Partial p : partials) {
        out.add(p == null ? null : b.mul(g, p.apply(b, n)));
      }
      return out;
    };
    Jvp jvp = (b, n, t) -> {
      Node sum = null;
      for (int i = 0; i < partials.length; i++) {
        if (partials[i] != null && t.get(i) != null) {
          Node term = b.mul(t.get(i), partials[i].apply(b, n));
          sum = sum == null ? term : b.add(sum, term);
        }
      }
      return sum;
    };
    return new Derivative("elementwise", vjp, jvp, differentiable);
  }

  /**
   * An op linear in its differentiable inputs: the tangent is the op itself applied to the
   * tangents (zero tangents filled in), the cotangents come from its transpose.
   */
  public static Derivative linear(Vjp transpose, boolean... differentiable) {
    Jvp jvp = (b, n, t) -> {
      boolean any = false;
      List<Node> inputs = new ArrayList<>();
      for (int i = 0; i < n.inputs().size(); i++) {
        Node tangent = differentiable[i] ? t.get(i) : n.input(i);
        any |= differentiable[i] && tangent != null;
        inputs.add(tangent);
      }
      if (!any) {
        return null;
      }
      for (int i = 0; i < inputs.size(); i++) {
        if (inputs.get(i) == null) {
          inputs.set(i, zerosLike(b, n.input(i)));
        }
      }
      return b.node(n.op(), inputs, n.attrs());
    };
    return new Derivative("linear", transpose, jvp, differentiable);
  }

  /**
   * An op of any number of inputs, linear in each (CONCAT): the tangent is the op applied
   * to the tangents (zero tangents filled in), the cotangents come from its transpose.
   */
  public static Derivative linearInEach(Vjp transpose) {
    Jvp jvp = (b, n, t) -> {
      if (t.stream().allMatch(java.util.Objects::isNull)) {
        return null;
      }
      List<Node> inputs = new ArrayList<>();
      for (int i = 0; i < n.inputs().size(); i++) {
        inputs.add(t.get(i) == null ? zerosLike(b, n.input(i)) : t.get(i));
      }
      return b.node(n.op(), inputs, n.attrs());
    };
    return new Derivative("linear", transpose, jvp, true, new boolean[0]);
  }

  /** A single-input linear op. */
  public static Derivative linear(Vjp transpose) {
    return linear(transpose, true);
  }

  /** An op linear in each of two inputs separately (a product): d(a·b) = da·b + a·db. */
  public static Derivative bilinear(Vjp transpose) {
    Jvp jvp = (b, n, t) -> {
      Node left = t.get(0) == null ? null : b.node(n.op(), List.of(t.get(0), n.input(1)), n.attrs());
      Node right = t.get(1) == null ? null : b.node(n.op(), List.of(n.input(0), t.get(1)), n.attrs());
      return left == null ? right : right == null ? left : b.add(left, right);
    };
    return new Derivative("bilinear", transpose, jvp, true, true);
  }

  /**
   * For ops made only after differentiation (fused loops for the code generator): asking
   * for their derivative is a bug in the pass order, reported as such.
   */
  public static Derivative formedAfterDifferentiation() {
    String message = "this fused op is formed after differentiation; differentiate the graph before fusing";
    Vjp vjp = (b, n, g) -> {
      throw new IllegalStateException(message);
    };
    Jvp jvp = (b, n, t) -> {
      throw new IllegalStateException(message);
    };
    return new Derivative("formed after differentiation", vjp, jvp);
  }

  /** A rule written out in full for an op of any number of inputs, each differentiable (SCAN). */
  public static Derivative everyInput(Vjp vjp, Jvp jvp) {
    return new Derivative("custom", vjp, jvp, true, new boolean[0]);
  }

  /** A rule written out in full. */
  public static Derivative custom(Vjp vjp, Jvp jvp, boolean... differentiable) {
    return new Derivative("custom", vjp, jvp, differentiable);
  }

  // ---- helpers for rules -----------------------------------------------------------

  /** A tensor of zeros shaped like {@code like}. */
  public static Node zerosLike(NodeBuilder b, Node like) {
    return b.broadcastTo(b.constant(0, like), like.shape());
  }

  /** {@code g} summed down to {@code shape}: the transpose of broadcasting to g's shape. */
  public static Node unbroadcast(NodeBuilder b, Node g, Shape shape) {
    Shape from = g.shape();
    int offset = from.rank() - shape.rank();
    List<Integer> axes = new ArrayList<>();
    for (int i = 0; i < from.rank(); i++) {
      if (i < offset || (shape.dim(i - offset) == 1 && from.dim(i) != 1)) {
        axes.add(i);
      }
    }
    Node summed = axes.isEmpty() ? g : b.sum(g, axes, true);
    return b.reshape(summed, shape);
  }

  /** {@code g} of a reduction's output broadcast back over the reduced axes of {@code input}. */
  public static Node expandReduced(NodeBuilder b, Node g, Node input, Attrs.Axes axes) {
    Node kept = axes.keepDims() ? g : b.reshape(g, keptShape(input.shape(), axes.axes()));
    return b.broadcastTo(kept, input.shape());
  }

  /** The shape of a keep-dims reduction of {@code shape} over {@code axes}. */
  public static Shape keptShape(Shape shape, List<Integer> axes) {
    int[] dims = shape.dims();
    for (int axis : axes) {
      dims[axis] = 1;
    }
    return Shape.of(dims);
  }

  /** The inverse of a permutation. */
  public static List<Integer> inverse(List<Integer> perm) {
    Integer[] inv = new Integer[perm.size()];
    for (int i = 0; i < perm.size(); i++) {
      inv[perm.get(i)] = i;
    }
    return Arrays.asList(inv);
  }

  private static List<Node> nulls(int count) {
    return Arrays.asList(new Node[count]);
  }
}
