package dev.adjoint.compiler.autodiff;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.ModeSwitches;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ScalarType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A derivative of a model that users call from Java, as a graph: a vector-Jacobian product
 * (the gradient of the loss, or of an output reduced by a caller's cotangent, with respect to
 * inputs and parameters: saliency), a Jacobian-vector product (forward mode), or a
 * Hessian-vector product of the loss with respect to the parameters (forward mode over the
 * reverse-mode gradient). {@link #build} turns a model's forward graph into a graph with no
 * loss whose outputs are the results, and whose extra inputs are the seeds:
 *
 * <ul>
 *   <li>{@code value}: the differentiated quantity itself (the loss, or the output);
 *   <li>{@code cotangent} (VJP of an output): shaped like the output; the result is
 *       {@code grad.NAME} for each floating-point input and parameter NAME that {@link Wrt} selects;
 *   <li>{@code tangent.NAME} (JVP): one per selected input and parameter; the result is {@code tangent};
 *   <li>{@code v.NAME} (HVP): one per parameter; the results are {@code grad.NAME} and {@code hvp.NAME}.
 * </ul>
 *
 * Mode switches take their training branch when {@code training} (dropout masks drawn from
 * the model's seed, batch statistics) and their inference branch otherwise; state updates
 * are dropped: a function changes nothing in the model.
 *
 * @param kind which product
 * @param of the output to differentiate, or null for the loss
 * @param wrt what to differentiate with respect to (HVP: parameters only)
 * @param training whether mode switches behave as in training
 */
public record FunctionSpec(Kind kind, String of, Wrt wrt, boolean training) {

  /** The three products. */
  public enum Kind { VJP, JVP, HVP }

  /** The sources a derivative is taken with respect to. */
  public enum Wrt { INPUTS, PARAMETERS, ALL }

  /** The output naming the differentiated quantity's value. */
  public static final String VALUE = "value";
  /** The JVP's result. */
  public static final String TANGENT = "tangent";
  /** The VJP's seed when it differentiates an output. */
  public static final String COTANGENT = "cotangent";

  public FunctionSpec {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(wrt, "wrt");
    if (kind == Kind.HVP && (of != null || wrt != Wrt.PARAMETERS)) {
      throw new IllegalArgumentException("a Hessian-vector product is of the loss with respect to the parameters");
    }
  }

  /** The gradient of the loss with respect to {@code wrt}, in inference behaviour. */
  public static FunctionSpec lossGradient(Wrt wrt) {
    return new FunctionSpec(Kind.VJP, null, wrt, false);
  }

  /** cotangentᵀ·∂output/∂(inputs): saliency when the cotangent picks a class. */
  public static FunctionSpec vjp(String output, Wrt wrt) {
    return new FunctionSpec(Kind.VJP, Objects.requireNonNull(output, "output"), wrt, false);
  }

  /** ∂output/∂(sources)·tangents; {@code output} null for the loss. */
  public static FunctionSpec jvp(String output, Wrt wrt) {
    return new FunctionSpec(Kind.JVP, output, wrt, false);
  }

  /** H·v of the loss with respect to the parameters. */
  public static FunctionSpec hvp() {
    return new FunctionSpec(Kind.HVP, null, Wrt.PARAMETERS, false);
  }

  /** The same function with mode switches in their training ({@code true}) or inference behaviour. */
  public FunctionSpec inTraining(boolean newTraining) {
    return new FunctionSpec(kind, of, wrt, newTraining);
  }

  /** A short name for class names and messages: {@code vjp_probs}, {@code hvp_loss}. */
  public String label() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + "_" + (of == null ? "loss" : of) + "_"
        + wrt.name().toLowerCase(java.util.Locale.ROOT) + (training ? "_training" : "");
  }

  /** The function's graph: the model's sources, the seeds as inputs, the results as outputs, no loss. */
  public Graph build(Graph forward) {
    Graph g = ModeSwitches.choose(forward, training);
    Node value = value(g);
    NodeBuilder b = NodeBuilder.start(g.span(), Integer.MAX_VALUE / 2);
    List<Node> sources = sources(g);
    Graph.Builder out = g.toBuilder().clearOutputs().clearLoss().clearGradients().clearStateUpdates();
    out.output(VALUE, value);
    switch (kind) {
      case VJP -> vjp(b, value, sources, out);
      case JVP -> jvp(b, value, sources, out);
      case HVP -> hvp(b, value, sources, out);
    }
    return out.build();
  }

  private Node value(Graph g) {
    if (of == null) {
      if (g.loss() == null) {
        throw new IllegalArgumentException("model " + g.name() + " has no loss to differentiate");
      }
      return g.loss();
    }
    Node output = g.outputs().get(of);
    if (output == null) {
      throw new IllegalArgumentException("model " + g.name() + " has no output '" + of + "'; it has: "
          + String.join(", ", g.outputs().keySet()));
    }
    if (output.dtype() == ScalarType.I32) {
      throw new IllegalArgumentException("output '" + of + "' of model " + g.name() + " holds integers,"
          + " which have no derivative");
    }
    return output;
  }

  /** The floating-point inputs and the parameters that {@link #wrt} selects, inputs first. */
  private List<Node> sources(Graph g) {
    List<Node> sources = new ArrayList<>();
    if (wrt != Wrt.PARAMETERS) {
      g.inputs().stream().filter(n -> n.dtype() != ScalarType.I32).forEach(sources::add);
    }
    if (wrt != Wrt.INPUTS) {
      sources.addAll(g.params());
    }
    return sources;
  }

  private static void vjp(NodeBuilder b, Node value, List<Node> sources, Graph.Builder out) {
    Node scalar = value;
    if (!value.shape().isScalar()) {
      Node cotangent = seed(b, COTANGENT, value);
      out.input(cotangent);
      scalar = b.at(value.span()).sumAll(b.at(value.span()).mul(value, cotangent));
    }
    ReverseMode.gradients(b, scalar, sources).forEach((source, g) -> out.output("grad." + source.sourceName(), g));
  }

  private static void jvp(NodeBuilder b, Node value, List<Node> sources, Graph.Builder out) {
    Map<Node, Node> seeds = new LinkedHashMap<>();
    for (Node source : sources) {
      Node tangent = seed(b, "tangent." + source.sourceName(), source);
      out.input(tangent);
      seeds.put(source, tangent);
    }
    out.output(TANGENT, ForwardMode.tangents(b, List.of(value), seeds).get(value));
  }

  private static void hvp(NodeBuilder b, Node loss, List<Node> params, Graph.Builder out) {
    Map<Node, Node> gradients = ReverseMode.gradients(b, loss, params);
    Map<Node, Node> seeds = new LinkedHashMap<>();
    for (Node param : params) {
      Node v = seed(b, "v." + param.sourceName(), param);
      out.input(v);
      seeds.put(param, v);
    }
    Map<Node, Node> hv = ForwardMode.tangents(b, List.copyOf(gradients.values()), seeds);
    gradients.forEach((param, g) -> {
      out.output("grad." + param.sourceName(), g);
      out.output("hvp." + param.sourceName(), hv.get(g));
    });
  }

  /** An input shaped and typed like {@code like}: a seed the caller fills. */
  private static Node seed(NodeBuilder b, String name, Node like) {
    return b.at(like.span()).node(Op.INPUT, List.of(), new Attrs.Input(name, like.dtype(), like.shape(), false, 0,
        List.of()));
  }
}
