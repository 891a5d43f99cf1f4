package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.adjoint.compiler.frontend.train.Spec;
import dev.adjoint.compiler.ir.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * The optimizer's update, one fused loop per parameter over its gradient and state (each
 * loop over its part of the elements, see {@code PartedWork}, so that threads share it), with
 * the update rules of torch.optim: SGD (momentum, dampening, Nesterov), SGDW (decoupled
 * decay), Adagrad, RMSprop (centered, momentum), Adam (AMSGrad) and AdamW. Weight decay
 * applies to the parameters {@code decay_on} selects; the learning rate is read from the
 * model each step, so that schedules can change it. Each loop reads its gradient through
 * {@link GradientClipping}, so clipping happens before coupled weight decay is added, as
 * when {@code clip_grad_norm_} runs before {@code optimizer.step()}.
 */
final class OptimizerEmitter {

  /**
   * A parameter to update: its array, its gradient and its name in the .nn file; the update
   * reaches the model through the parameter's {@link Receiver}.
   */
  record Target(String name, Operand.Array param, Operand gradient, boolean decayed) {}

  /**
   * An optimizer state buffer of a parameter, named {@code param/slot} as in torch.optim's
   * state, and the value it starts at.
   */
  record StateBuffer(String name, String field, Operand.Array like, double initial) {}

  private final Spec spec;
  private final GradientClipping clipping;
  private final String clipScale;
  private final Names names;
  private final List<StateBuffer> buffers = new ArrayList<>();

  /** An emitter reading gradients through {@code clipping}, whose scale is the field {@code clipScale}. */
  OptimizerEmitter(Spec spec, GradientClipping clipping, String clipScale, Names names) {
    this.spec = spec;
    this.clipping = clipping;
    this.clipScale = clipScale;
    this.names = names;
  }

  /** The state buffers the update needs; known after {@link #update}. */
  List<StateBuffer> buffers() {
    return buffers;
  }

  /** The learning rate the optimizer starts with. */
  double initialLearningRate() {
    return spec.number("lr");
  }

  /**
   * The body of one parameter's update method: the step's scalars, then its loop. The loop
   * computes in the parameter's dtype, as torch.optim does (scalars such as Adam's step size
   * {@code lr / (1 - beta1^t)} in double, hoisted), so that HotSpot vectorizes it.
   */
  CodeBlock update(Target target) {
    CodeBlock.Builder code = CodeBlock.builder();
    Receiver model = target.param().receiver();
    code.addStatement("long t = $L + 1", model.step());
    code.addStatement("double lr = $L", model.learningRate());
    String scale = clipping.hoistScale(target.param().dtype(), model.field(clipScale));
    if (scale != null) {
      code.addStatement("$L", scale);
    }
    DType dtype = target.param().dtype();
    String type = JavaText.type(dtype);
    if (List.of("sgd", "sgdw", "rmsprop").contains(spec.name())) {
      code.addStatement("$L rate = ($L) lr", type, type);
    }
    double decay = target.decayed() ? spec.number("weight_decay") : 0;
    if (decay != 0 && !coupled()) {
      code.addStatement("$L keep = ($L) (1 - lr * $L)", type, type, JavaText.doubleLiteral(decay));
    }
    switch (spec.name()) {
      case "adam", "adamw" -> {
        List<Double> betas = betas();
        code.addStatement("double bc1 = 1 - Math.pow($L, t)", JavaText.doubleLiteral(betas.get(0)));
        code.addStatement("double bc2 = 1 - Math.pow($L, t)", JavaText.doubleLiteral(betas.get(1)));
        code.addStatement("$L stepSize = ($L) (lr / bc1)", type, type);
        code.addStatement("$L bc2Root = ($L) Math.sqrt(bc2)", type, type);
      }
      case "adagrad" -> code.addStatement("$L clr = ($L) (lr / (1 + (t - 1) * $L))", type, type,
          JavaText.doubleLiteral(spec.number("lr_decay")));
      default -> {
      }
    }
    if (spec.has("eps")) {
      code.addStatement("$L eps = $L", type, JavaText.literal(spec.number("eps"), dtype));
    }
    return code.add(loop(target)).build();
  }

  /** Whether weight decay is added to the gradient (L2 inside the optimizer) rather than decoupled. */
  private boolean coupled() {
    return !spec.name().equals("adamw") && !spec.name().equals("sgdw");
  }

  /** A square root in the parameter's dtype: C2 compiles {@code (float) Math.sqrt(x)} of a float to sqrtss. */
  private static String sqrt(String x, String type) {
    return type.equals("float") ? "(float) Math.sqrt(" + x + ")" : "Math.sqrt(" + x + ")";
  }

  private List<Double> betas() {
    return spec.list("betas").stream().map(o -> ((Number) o).doubleValue()).toList();
  }

  private String state(Target target, String slot) {
    return state(target, slot, 0);
  }

  private String state(Target target, String slot, double initial) {
    String field = names.field(target.param().field() + "_" + slot);
    buffers.add(new StateBuffer(target.name() + "/" + slot, field, target.param(), initial));
    return target.param().receiver().field(field);
  }

  private CodeBlock loop(Target target) {
    DType dtype = target.param().dtype();
    String t = JavaText.type(dtype);
    String p = target.param().ref();
    String grad = target.gradient() instanceof Operand.Array a ? a.ref() + "[i]"
        : ((Operand.Scalar) target.gradient()).expression();
    double decay = target.decayed() ? spec.number("weight_decay") : 0;
    CodeBlock.Builder code = CodeBlock.builder();
    String clip = clipping.describe().isEmpty() ? "" : "; clip " + clipping.describe();
    code.add("// $L: $L\n", JavaText.comment(target.name(), 80), JavaText.comment(spec + clip, 240));
    String size = Sizes.size(target.param().shape());
    code.addStatement("int end = $T.start($L, part + 1, parts)", RuntimeTypes.PARTED_WORK, size);
    code.beginControlFlow("for (int i = $T.start($L, part, parts); i < end; i++)", RuntimeTypes.PARTED_WORK, size);
    String g = clipping.clipped(grad, dtype);
    if (decay != 0 && coupled()) {
      code.addStatement("$L g = $L + $L * $L[i]", t, g, JavaText.literal(decay, dtype), p);
    } else {
      code.addStatement("$L g = $L", t, g);
    }
    if (decay != 0 && !coupled()) {
      code.addStatement("$L[i] *= keep", p);
    }
    switch (spec.name()) {
      case "sgd", "sgdw" -> sgd(code, target, t, p);
      case "adagrad" -> adagrad(code, target, t, p);
      case "rmsprop" -> rmsprop(code, target, t, p);
      case "adam", "adamw" -> adam(code, target, t, p);
      default -> throw new IllegalArgumentException("no update rule for optimizer " + spec.name());
    }
    return code.endControlFlow().build();
  }

  private void sgd(CodeBlock.Builder code, Target target, String t, String p) {
    double momentum = spec.number("momentum");
    if (momentum == 0) {
      code.addStatement("$L[i] -= rate * g", p);
      return;
    }
    String buffer = state(target, "momentum_buffer");
    DType d = target.param().dtype();
    code.addStatement("$L b = t == 1 ? g : $L * $L[i] + $L * g", t, JavaText.literal(momentum, d), buffer,
        JavaText.literal(1 - spec.number("dampening"), d));
    code.addStatement("$L[i] = b", buffer);
    code.addStatement("$L[i] -= rate * $L", p,
        spec.bool("nesterov") ? "(g + " + JavaText.literal(momentum, d) + " * b)" : "b");
  }

  private void adagrad(CodeBlock.Builder code, Target target, String t, String p) {
    String sum = state(target, "sum", spec.number("initial_accumulator_value"));
    code.addStatement("$L[i] += g * g", sum);
    code.addStatement("$L[i] -= clr * (g / ($L + eps))", p, sqrt(sum + "[i]", t));
  }

  private void rmsprop(CodeBlock.Builder code, Target target, String t, String p) {
    String squareAvg = state(target, "square_avg");
    DType d = target.param().dtype();
    double alpha = spec.number("alpha");
    code.addStatement("$L[i] = $L * $L[i] + $L * g * g", squareAvg, JavaText.literal(alpha, d), squareAvg,
        JavaText.literal(1 - alpha, d));
    String variance = squareAvg + "[i]";
    if (spec.bool("centered")) {
      String gradAvg = state(target, "grad_avg");
      code.addStatement("$L[i] = $L * $L[i] + $L * g", gradAvg, JavaText.literal(alpha, d), gradAvg,
          JavaText.literal(1 - alpha, d));
      variance = "(" + squareAvg + "[i] - " + gradAvg + "[i] * " + gradAvg + "[i])";
    }
    String step = "g / (" + sqrt(variance, t) + " + eps)";
    double momentum = spec.number("momentum");
    if (momentum > 0) {
      String buffer = state(target, "momentum_buffer");
      code.addStatement("$L[i] = $L * $L[i] + $L", buffer, JavaText.literal(momentum, d), buffer, step);
      code.addStatement("$L[i] -= rate * $L[i]", p, buffer);
    } else {
      code.addStatement("$L[i] -= rate * ($L)", p, step);
    }
  }

  private void adam(CodeBlock.Builder code, Target target, String t, String p) {
    List<Double> betas = betas();
    DType d = target.param().dtype();
    String m = state(target, "exp_avg");
    String v = state(target, "exp_avg_sq");
    code.addStatement("$L[i] = $L * $L[i] + $L * g", m, JavaText.literal(betas.get(0), d), m,
        JavaText.literal(1 - betas.get(0), d));
    code.addStatement("$L[i] = $L * $L[i] + $L * g * g", v, JavaText.literal(betas.get(1), d), v,
        JavaText.literal(1 - betas.get(1), d));
    String second = v + "[i]";
    if (spec.bool("amsgrad")) {
      String max = state(target, "max_exp_avg_sq");
      code.addStatement("$L[i] = Math.max($L[i], $L[i])", max, max, v);
      second = max + "[i]";
    }
    code.addStatement("$L[i] -= stepSize * ($L[i] / ($L / bc2Root + eps))", p, m, sqrt(second, t));
  }
}
