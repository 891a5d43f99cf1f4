package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.settings.Optimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimizer's update, one fused loop per parameter over its gradient and state (each
 * loop over its part of the elements, see {@code PartedWork}, so that threads share it), with
 * the update rules of torch.optim: SGD (momentum, dampening, Nesterov), SGDW (decoupled
 * decay), Adagrad, RMSprop (centered, momentum), Adam (AMSGrad), AdamW, NAdam and RAdam. Weight decay
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

  private final Optimizer optimizer;
  private final Rule rule;
  private final GradientClipping clipping;
  private final String clipScale;
  private final Names names;
  private final List<StateBuffer> buffers = new ArrayList<>();

  /** An emitter reading gradients through {@code clipping}, whose scale is the field {@code clipScale}. */
  OptimizerEmitter(Optimizer optimizer, GradientClipping clipping, String clipScale, Names names) {
    this.optimizer = optimizer;
    this.names = names;
    this.rule = optimizer.match(new Optimizer.Cases<>() {
      @Override
      public Rule sgd(Optimizer.Sgd o) {
        return new SgdRule(o.momentum(), o.dampening(), o.nesterov());
      }

      @Override
      public Rule sgdW(Optimizer.SgdW o) {
        return new SgdRule(o.momentum(), o.dampening(), o.nesterov());
      }

      @Override
      public Rule adagrad(Optimizer.Adagrad o) {
        return new AdagradRule(o);
      }

      @Override
      public Rule rmsProp(Optimizer.RmsProp o) {
        return new RmsPropRule(o);
      }

      @Override
      public Rule adam(Optimizer.Adam o) {
        return new AdamRule(o.beta1(), o.beta2(), o.eps(), o.amsgrad());
      }

      @Override
      public Rule adamW(Optimizer.AdamW o) {
        return new AdamRule(o.beta1(), o.beta2(), o.eps(), o.amsgrad());
      }

      @Override
      public Rule nAdam(Optimizer.NAdam o) {
        return new NadamRule(o);
      }

      @Override
      public Rule rAdam(Optimizer.RAdam o) {
        return new RadamRule(o);
      }
    });
    this.clipping = clipping;
    this.clipScale = clipScale;
  }

  /**
   * The fields of whole-step scalars the update keeps (NAdam's momentum product), each a
   * {@code double} or a {@code long} by its name's entry; empty for the other optimizers.
   */
  Map<String, Class<?>> stepFields() {
    return rule.stepFields();
  }

  /**
   * What the update does once per step before the threads share its loops (single-threaded):
   * NAdam's momentum scalars for this step; empty for the other optimizers.
   */
  CodeBlock prologue(Receiver model) {
    return rule.prologue(model);
  }

  /** The state buffers the update needs; known after {@link #update}. */
  List<StateBuffer> buffers() {
    return buffers;
  }

  /** The learning rate the optimizer starts with. */
  double initialLearningRate() {
    return optimizer.lr();
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
    ScalarType dtype = target.param().dtype();
    String type = JavaText.type(dtype);
    if (rule.plainRate()) {
      code.addStatement("$L rate = ($L) lr", type, type);
    }
    double decay = target.decayed() ? optimizer.weightDecay() : 0;
    if (decay != 0 && optimizer.decoupledDecay()) {
      code.addStatement("$L keep = ($L) (1 - lr * $L)", type, type, JavaText.doubleLiteral(decay));
    }
    rule.scalars(code, type, dtype, model);
    return code.add(loop(target)).build();
  }

  /** A square root in the parameter's dtype: C2 compiles {@code (float) Math.sqrt(x)} of a float to sqrtss. */
  private static String sqrt(String x, String type) {
    return type.equals("float") ? "(float) Math.sqrt(" + x + ")" : "Math.sqrt(" + x + ")";
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
    ScalarType dtype = target.param().dtype();
    String t = JavaText.type(dtype);
    String p = target.param().ref();
    String grad = target.gradient() instanceof Operand.Array a ? a.ref() + "[i]"
        : ((Operand.Scalar) target.gradient()).expression();
    double decay = target.decayed() ? optimizer.weightDecay() : 0;
    CodeBlock.Builder code = CodeBlock.builder();
    String clip = clipping.describe().isEmpty() ? "" : "; clip " + clipping.describe();
    code.add("// $L: $L\n", JavaText.comment(target.name(), 80), JavaText.comment(optimizer + clip, 240));
    String size = Sizes.size(target.param().shape());
    code.addStatement("int end = $T.start($L, part + 1, parts)", RuntimeTypes.PARTED_WORK, size);
    code.beginControlFlow("for (int i = $T.start($L, part, parts); i < end; i++)", RuntimeTypes.PARTED_WORK, size);
    String g = clipping.clipped(grad, dtype);
    if (decay != 0 && !optimizer.decoupledDecay()) {
      code.addStatement("$L g = $L + $L * $L[i]", t, g, JavaText.literal(decay, dtype), p);
    } else {
      code.addStatement("$L g = $L", t, g);
    }
    if (decay != 0 && optimizer.decoupledDecay()) {
      code.addStatement("$L[i] *= keep", p);
    }
    rule.body(code, target, t, p);
    return code.endControlFlow().build();
  }

  /**
   * Adam's two moments of element {@code i}, updated from {@code g}: m = β1·m + (1 - β1)·g and
   * v = β2·v + (1 - β2)·g² in the buffers {@code exp_avg} and {@code exp_avg_sq} (Adam, AdamW,
   * NAdam and RAdam alike); returns the two buffers' references.
   */
  private String[] moments(CodeBlock.Builder code, Target target, double beta1, double beta2) {
    ScalarType d = target.param().dtype();
    String m = state(target, "exp_avg");
    String v = state(target, "exp_avg_sq");
    code.addStatement("$L[i] = $L * $L[i] + $L * g", m, JavaText.literal(beta1, d), m, JavaText.literal(1 - beta1, d));
    code.addStatement("$L[i] = $L * $L[i] + $L * g * g", v, JavaText.literal(beta2, d), v,
        JavaText.literal(1 - beta2, d));
    return new String[] {m, v};
  }

  /** An optimizer's update rule: what the step hoists and what the loop does with {@code g}. */
  private interface Rule {
    /** Whether the loop multiplies by {@code rate}, the learning rate in the parameter's dtype. */
    boolean plainRate();

    /** The step's scalars after the decay factor: bias corrections, decayed rates, {@code eps}. */
    void scalars(CodeBlock.Builder code, String type, ScalarType dtype, Receiver model);

    /** The update of element {@code i} of parameter {@code p} from its gradient {@code g}. */
    void body(CodeBlock.Builder code, Target target, String t, String p);

    /** Fields of whole-step scalars, by name and type. */
    default Map<String, Class<?>> stepFields() {
      return Map.of();
    }

    /** The single-threaded statements of each step before the loops. */
    default CodeBlock prologue(Receiver model) {
      return CodeBlock.of("");
    }
  }

  /** SGD and SGDW: momentum, dampening, Nesterov. */
  private final class SgdRule implements Rule {
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    SgdRule(double momentum, double dampening, boolean nesterov) {
      this.momentum = momentum;
      this.dampening = dampening;
      this.nesterov = nesterov;
    }

    @Override
    public boolean plainRate() {
      return true;
    }

    @Override
    public void scalars(CodeBlock.Builder code, String type, ScalarType dtype, Receiver model) {
      // the learning rate as it is
    }

    @Override
    public void body(CodeBlock.Builder code, Target target, String t, String p) {
      if (momentum == 0) {
        code.addStatement("$L[i] -= rate * g", p);
        return;
      }
      String buffer = state(target, "momentum_buffer");
      ScalarType d = target.param().dtype();
      code.addStatement("$L b = t == 1 ? g : $L * $L[i] + $L * g", t, JavaText.literal(momentum, d), buffer,
          JavaText.literal(1 - dampening, d));
      code.addStatement("$L[i] = b", buffer);
      code.addStatement("$L[i] -= rate * $L", p,
          nesterov ? "(g + " + JavaText.literal(momentum, d) + " * b)" : "b");
    }
  }

  /** Adagrad: a learning rate decayed by step, a sum of squared gradients. */
  private final class AdagradRule implements Rule {
    private final Optimizer.Adagrad o;

    AdagradRule(Optimizer.Adagrad o) {
      this.o = o;
    }

    @Override
    public boolean plainRate() {
      return false;
    }

    @Override
    public void scalars(CodeBlock.Builder code, String type, ScalarType dtype, Receiver model) {
      code.addStatement("$L clr = ($L) (lr / (1 + (t - 1) * $L))", type, type, JavaText.doubleLiteral(o.lrDecay()));
      code.addStatement("$L eps = $L", type, JavaText.literal(o.eps(), dtype));
    }

    @Override
    public void body(CodeBlock.Builder code, Target target, String t, String p) {
      String sum = state(target, "sum", o.initialAccumulatorValue());
      code.addStatement("$L[i] += g * g", sum);
      code.addStatement("$L[i] -= clr * (g / ($L + eps))", p, sqrt(sum + "[i]", t));
    }
  }

  /** RMSprop: a running average of squared gradients, centered or not, with momentum or not. */
  private final class RmsPropRule implements Rule {
    private final Optimizer.RmsProp o;

    RmsPropRule(Optimizer.RmsProp o) {
      this.o = o;
    }

    @Override
    public boolean plainRate() {
      return true;
    }

    @Override
    public void scalars(CodeBlock.Builder code, String type, ScalarType dtype, Receiver model) {
      code.addStatement("$L eps = $L", type, JavaText.literal(o.eps(), dtype));
    }

    @Override
    public void body(CodeBlock.Builder code, Target target, String t, String p) {
      String squareAvg = state(target, "square_avg");
      ScalarType d = target.param().dtype();
      double alpha = o.alpha();
      code.addStatement("$L[i] = $L * $L[i] + $L * g * g", squareAvg, JavaText.literal(alpha, d), squareAvg,
          JavaText.literal(1 - alpha, d));
      String variance = squareAvg + "[i]";
      if (o.centered()) {
        String gradAvg = state(target, "grad_avg");
        code.addStatement("$L[i] = $L * $L[i] + $L * g", gradAvg, JavaText.literal(alpha, d), gradAvg,
            JavaText.literal(1 - alpha, d));
        variance = "(" + squareAvg + "[i] - " + gradAvg + "[i] * " + gradAvg + "[i])";
      }
      String step = "g / (" + sqrt(variance, t) + " + eps)";
      double momentum = o.momentum();
      if (momentum > 0) {
        String buffer = state(target, "momentum_buffer");
        code.addStatement("$L[i] = $L * $L[i] + $L", buffer, JavaText.literal(momentum, d), buffer, step);
        code.addStatement("$L[i] -= rate * $L[i]", p, buffer);
      } else {
        code.addStatement("$L[i] -= rate * ($L)", p, step);
      }
    }
  }

  /** Adam and AdamW: bias-corrected first and second moments, AMSGrad or not. */
  private final class AdamRule implements Rule {
    private final List<Double> betas;
    private final double eps;
    private final boolean amsgrad;

    AdamRule(double beta1, double beta2, double eps, boolean amsgrad) {
      this.betas = List.of(beta1, beta2);
      this.eps = eps;
      this.amsgrad = amsgrad;
    }

    @Override
    public boolean plainRate() {
      return false;
    }

    @Override
    public void scalars(CodeBlock.Builder code, String type, ScalarType dtype, Receiver model) {
      code.addStatement("double bc1 = 1 - Math.pow($L, t)", JavaText.doubleLiteral(betas.get(0)));
      code.addStatement("double bc2 = 1 - Math.pow($L, t)", JavaText.doubleLiteral(betas.get(1)));
      code.addStatement("$L stepSize = ($L) (lr / bc1)", type, type);
      code.addStatement("$L bc2Root = ($L) Math.sqrt(bc2)", type, type);
      code.addStatement("$L eps = $L", type, JavaText.literal(eps, dtype));
    }

    @Override
    public void body(CodeBlock.Builder code, Target target, String t, String p) {
      String[] mv = moments(code, target, betas.get(0), betas.get(1));
      String m = mv[0];
      String v = mv[1];
      String second = v + "[i]";
      if (amsgrad) {
        String max = state(target, "max_exp_avg_sq");
        code.addStatement("$L[i] = Math.max($L[i], $L[i])", max, max, v);
        second = max + "[i]";
      }
      code.addStatement("$L[i] -= stepSize * ($L[i] / ($L / bc2Root + eps))", p, m, sqrt(second, t));
    }
  }

  /**
   * NAdam: Adam's moments, the step split between the gradient (weighted by 1 − μ_t) and
   * the first moment (by μ_{t+1}), each over 1 − the product of the momenta so far. The
   * product is a field advanced once per step by {@link #prologue}, recomputed from step 1
   * at the first step and whenever the step counter moved otherwise (a loaded checkpoint, a
   * reset), so it never depends on the model's history.
   */
  private final class NadamRule implements Rule {
    private final Optimizer.NAdam o;
    private final String product = names.field("nadamMuProduct");
    private final String productStep = names.field("nadamMuProductStep");
    private final String gradScale = names.field("nadamGradScale");
    private final String momentScale = names.field("nadamMomentScale");

    NadamRule(Optimizer.NAdam o) {
      this.o = o;
    }

    @Override
    public Map<String, Class<?>> stepFields() {
      Map<String, Class<?>> out = new LinkedHashMap<>();
      out.put(product, double.class);
      out.put(productStep, long.class);
      out.put(gradScale, double.class);
      out.put(momentScale, double.class);
      return out;
    }

    @Override
    public CodeBlock prologue(Receiver model) {
      String b1 = JavaText.doubleLiteral(o.beta1());
      String psi = JavaText.doubleLiteral(o.momentumDecay());
      CodeBlock.Builder code = CodeBlock.builder();
      code.add("// NAdam's momenta: mu_t and the product of mu_1 .. mu_t\n");
      code.addStatement("long t = $L + 1", model.step());
      code.beginControlFlow("if (t == 1 || $L != t - 1)", model.field(productStep));
      code.addStatement("$L = $T.product($L, $L, t - 1)", model.field(product), RuntimeTypes.NADAM_MOMENTUM, b1, psi);
      code.endControlFlow();
      code.addStatement("double mu = $T.mu($L, $L, t)", RuntimeTypes.NADAM_MOMENTUM, b1, psi);
      code.addStatement("double muNext = $T.mu($L, $L, t + 1)", RuntimeTypes.NADAM_MOMENTUM, b1, psi);
      code.addStatement("$L *= mu", model.field(product));
      code.addStatement("$L = t", model.field(productStep));
      code.addStatement("$L = (1 - mu) / (1 - $L)", model.field(gradScale), model.field(product));
      code.addStatement("$L = muNext / (1 - $L * muNext)", model.field(momentScale), model.field(product));
      return code.build();
    }

    @Override
    public boolean plainRate() {
      return false;
    }

    @Override
    public void scalars(CodeBlock.Builder code, String type, ScalarType dtype, Receiver model) {
      code.addStatement("$L bc2 = ($L) (1 - Math.pow($L, t))", type, type, JavaText.doubleLiteral(o.beta2()));
      code.addStatement("$L gradStep = ($L) (lr * $L)", type, type, model.field(gradScale));
      code.addStatement("$L momentStep = ($L) (lr * $L)", type, type, model.field(momentScale));
      code.addStatement("$L eps = $L", type, JavaText.literal(o.eps(), dtype));
    }

    @Override
    public void body(CodeBlock.Builder code, Target target, String t, String p) {
      String[] mv = moments(code, target, o.beta1(), o.beta2());
      String m = mv[0];
      String v = mv[1];
      code.addStatement("$L denom = $L + eps", t, sqrt(v + "[i] / bc2", t));
      code.addStatement("$L[i] -= gradStep * (g / denom)", p);
      code.addStatement("$L[i] -= momentStep * ($L[i] / denom)", p, m);
    }
  }

  /**
   * RAdam: Adam's moments; while the variance of the adaptive step is intractable (ρ_t ≤ 5,
   * the first steps) the update is the bias-corrected momentum alone, afterwards Adam's step
   * scaled by the rectification term r_t. Both depend on t only, so they are hoisted.
   */
  private final class RadamRule implements Rule {
    private final Optimizer.RAdam o;

    RadamRule(Optimizer.RAdam o) {
      this.o = o;
    }

    @Override
    public boolean plainRate() {
      return false;
    }

    @Override
    public void scalars(CodeBlock.Builder code, String type, ScalarType dtype, Receiver model) {
      String b2 = JavaText.doubleLiteral(o.beta2());
      code.addStatement("double bc1 = 1 - Math.pow($L, t)", JavaText.doubleLiteral(o.beta1()));
      code.addStatement("double bc2 = 1 - Math.pow($L, t)", b2);
      code.addStatement("double rhoInf = 2 / (1 - $L) - 1", b2);
      code.addStatement("double rho = rhoInf - 2 * t * Math.pow($L, t) / bc2", b2);
      code.add("// rectified once the variance of the adaptive step is tractable\n");
      code.addStatement("boolean rectified = rho > 5");
      code.addStatement("$L rect = rectified ? ($L) Math.sqrt((rho - 4) * (rho - 2) * rhoInf / ((rhoInf - 4) "
          + "* (rhoInf - 2) * rho)) : 0", type, type);
      code.addStatement("$L stepSize = ($L) (lr / bc1)", type, type);
      code.addStatement("$L bc2Root = ($L) Math.sqrt(bc2)", type, type);
      code.addStatement("$L eps = $L", type, JavaText.literal(o.eps(), dtype));
    }

    @Override
    public void body(CodeBlock.Builder code, Target target, String t, String p) {
      String[] mv = moments(code, target, o.beta1(), o.beta2());
      String m = mv[0];
      String v = mv[1];
      code.addStatement("$L[i] -= rectified ? stepSize * $L[i] * (bc2Root / ($L + eps)) * rect : stepSize * $L[i]",
          p, m, sqrt(v + "[i]", t), m);
    }
  }
}
