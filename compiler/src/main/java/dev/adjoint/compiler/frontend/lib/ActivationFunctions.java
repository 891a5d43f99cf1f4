package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.composite.Activations;
import dev.adjoint.compiler.frontend.Builtin;
import dev.adjoint.compiler.frontend.BuiltinTable;
import dev.adjoint.compiler.frontend.Checks;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Init;
import dev.adjoint.compiler.ir.Node;
import java.util.List;
import java.util.function.BiFunction;

/** Activation functions, and the names a layer's {@code act =} option accepts. */
public final class ActivationFunctions {
  private static final String CATEGORY = "activation";

  /** What {@code act =} accepts. */
  public static final List<String> NAMES = List.of("none", "relu", "leaky_relu", "tanh", "sigmoid", "gelu", "silu",
      "swish", "softplus", "softmax", "log_softmax");

  private ActivationFunctions() {}

  public static void register(BuiltinTable table) {
    simple(table, "sigmoid", "1 / (1 + e^-x)", NodeBuilder::sigmoid);
    simple(table, "tanh", "hyperbolic tangent", NodeBuilder::tanh);
    simple(table, "relu", "max(x, 0)", Activations::relu);
    simple(table, "silu", "x * sigmoid(x)", Activations::silu);
    simple(table, "swish", "x * sigmoid(x), the same as silu", Activations::silu);
    simple(table, "swiglu", "silu(first half of the last axis) * second half", Activations::swiglu);
    table.add(new Builtin(Signature.of("leaky_relu", Args.tensor("x"), Args.number("slope", 0.01)), CATEGORY,
        "x where x > 0, else slope * x",
        (a, c) -> tensor(Activations.leakyRelu(c.ops(), floats(a.tensor("x")), a.number("slope")))));
    table.add(new Builtin(Signature.of("gelu", Args.tensor("x"),
        Parameter.choice("approximate", "approximation", "none", List.of("none", "tanh"))), CATEGORY,
        "x * Φ(x), exactly or with the tanh approximation", (a, c) -> {
          Node x = floats(a.tensor("x"));
          return tensor(a.symbol("approximate").equals("tanh") ? Activations.geluTanh(c.ops(), x)
              : Activations.gelu(c.ops(), x));
        }));
    table.add(new Builtin(Signature.of("softplus", Args.tensor("x"),
        Args.number("beta", 1).withCheck(Checks.positive())), CATEGORY, "log(1 + e^(beta x)) / beta, stable",
        (a, c) -> tensor(Activations.softplus(c.ops(), floats(a.tensor("x")), a.number("beta")))));
    table.add(new Builtin(Signature.of("softmax", Args.tensor("x"), Parameter.of("axis", Kind.INT,
        new Value.Int(-1))), CATEGORY, "e^x normalized to sum to 1 along an axis",
        (a, c) -> tensor(Activations.softmax(c.ops(), floats(a.tensor("x")),
            Args.axis(a.tensor("x"), a.integer("axis"), "softmax")))));
    table.add(new Builtin(Signature.of("log_softmax", Args.tensor("x"), Parameter.of("axis", Kind.INT,
        new Value.Int(-1))), CATEGORY, "log(softmax(x)), computed stably",
        (a, c) -> tensor(Activations.logSoftmax(c.ops(), floats(a.tensor("x")),
            Args.axis(a.tensor("x"), a.integer("axis"), "log_softmax")))));
  }

  /** Applies the activation named by a layer's {@code act =} option. */
  public static Node apply(String name, NodeBuilder b, Node x) {
    return switch (name) {
      case "none" -> x;
      case "relu" -> Activations.relu(b, x);
      case "leaky_relu" -> Activations.leakyRelu(b, x, 0.01);
      case "tanh" -> b.tanh(x);
      case "sigmoid" -> b.sigmoid(x);
      case "gelu" -> Activations.gelu(b, x);
      case "silu", "swish" -> Activations.silu(b, x);
      case "softplus" -> Activations.softplus(b, x, 1);
      case "softmax" -> Activations.softmax(b, x, x.shape().rank() - 1);
      case "log_softmax" -> Activations.logSoftmax(b, x, x.shape().rank() - 1);
      default -> throw new IllegalArgumentException("unknown activation " + name);
    };
  }

  /**
   * The weight initializer that keeps activations' variance steady through a layer with
   * this activation: He for the ReLU family, Glorot for tanh and sigmoid, otherwise
   * PyTorch's default U(±1/√fan_in).
   */
  public static Init defaultInit(String activation) {
    return switch (activation) {
      case "relu", "leaky_relu", "gelu", "silu", "swish" -> Init.of(Init.Kind.HE_UNIFORM);
      case "tanh", "sigmoid" -> Init.of(Init.Kind.GLOROT_UNIFORM);
      default -> Init.of(Init.Kind.UNIFORM_FAN_IN);
    };
  }

  private static void simple(BuiltinTable table, String name, String summary,
      BiFunction<NodeBuilder, Node, Node> f) {
    table.add(new Builtin(Signature.of(name, Args.tensor("x")), CATEGORY, summary,
        (a, c) -> tensor(f.apply(c.ops(), floats(a.tensor("x"))))));
  }

  private static Node floats(Node x) {
    Args.requireFloat(x, "the input");
    return x;
  }

  private static Value tensor(Node n) {
    return new Value.Tensor(n);
  }
}
