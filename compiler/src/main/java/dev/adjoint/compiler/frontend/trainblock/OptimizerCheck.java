package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Argument;
import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.settings.Optimizer;
import java.util.List;
import java.util.Optional;

/**
 * {@code optimizer NAME(options)}: a known optimizer with options in range, Nesterov only with
 * momentum and no dampening, and {@code decay_on} naming groups or parameters of the model.
 */
final class OptimizerCheck {
  private OptimizerCheck() {}

  /** The block's optimizer, or null after reporting errors. */
  static Optimizer check(TrainBlock block) {
    Declaration.Setting s = block.setting("optimizer");
    if (s == null) {
      block.diagnostics().error(block.train().nameSpan(), "the train block needs an 'optimizer'",
          "e.g. optimizer adam(lr = 1e-3)");
      return null;
    }
    List<Argument> args = block.calls().positionalOnly(s, 1, "optimizer adam(lr = 1e-3)");
    if (args == null) {
      return null;
    }
    Expr.Call call = block.calls().asCall(args.get(0).value(), "an optimizer such as adam(lr = 1e-3)");
    if (call == null) {
      return null;
    }
    Optional<BoundArgs> bound = block.calls().bindFromTable(call, TrainOptions.OPTIMIZERS, "optimizer");
    if (bound.isEmpty()) {
      return null;
    }
    BoundArgs b = bound.get();
    if (b.has("nesterov") && b.bool("nesterov") && (b.number("momentum") <= 0 || b.number("dampening") != 0)) {
      block.diagnostics().error(call.span(), call.callee() + "(): nesterov needs momentum > 0 and dampening = 0",
          "e.g. " + call.callee() + "(lr = 0.1, momentum = 0.9, nesterov = true)");
      return null;
    }
    Optimizer optimizer = TrainOptions.OPTIMIZER_CHOICES.get(call.callee()).build().apply(b);
    ParamSelectionCheck.check(block, optimizer.decayOn(), "decay_on", call);
    return optimizer;
  }
}
