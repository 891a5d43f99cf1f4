package dev.adjoint.compiler.settings;

/**
 * The optimizer of a train block, with torch.optim's options and defaults. Each optimizer
 * names its options as PyTorch does; the back end dispatches on the kind through
 * {@link #match}, so a new optimizer fails to compile until every rule handles it.
 */
public sealed interface Optimizer {

  /**
   * What a model compiled without a train block trains with: {@code sgd} with its defaults,
   * so that the documented default of {@code sgd} is the one value.
   */
  Optimizer DEFAULT = Sgd.DEFAULTS;

  /** The learning rate the optimizer starts with (schedules scale it). */
  double lr();

  /** The weight decay of the parameters {@link #decayOn} selects; 0 for none. */
  double weightDecay();

  ParamSelection decayOn();

  /**
   * Whether weight decay shrinks the weights directly (SGDW, AdamW) rather than being added
   * to the gradient (L2 inside the optimizer, as torch.optim's other optimizers do).
   */
  boolean decoupledDecay();

  /** The optimizer's name in a train block, such as {@code adamw}. */
  String name();

  /** The result of the case for this optimizer's kind. */
  <R> R match(Cases<R> cases);

  /** One case per kind of optimizer. */
  interface Cases<R> {
    R sgd(Sgd o);

    R sgdW(SgdW o);

    R adagrad(Adagrad o);

    R rmsProp(RmsProp o);

    R adam(Adam o);

    R adamW(AdamW o);

    R nAdam(NAdam o);

    R rAdam(RAdam o);
  }

  /** {@code torch.optim.SGD}: momentum, dampening, Nesterov, coupled weight decay. */
  record Sgd(double lr, double momentum, double dampening, boolean nesterov, double weightDecay,
      ParamSelection decayOn) implements Optimizer {
    public static final Sgd DEFAULTS = new Sgd(1e-3, 0, 0, false, 0, ParamSelection.DEFAULT);

    @Override
    public boolean decoupledDecay() {
      return false;
    }

    @Override
    public String name() {
      return "sgd";
    }

    @Override
    public <R> R match(Cases<R> cases) {
      return cases.sgd(this);
    }

    @Override
    public String toString() {
      return sgdText(name(), lr, momentum, dampening, nesterov, weightDecay, decayOn);
    }
  }

  /** SGD with decoupled weight decay (the weights shrink by lr·decay each step). */
  record SgdW(double lr, double momentum, double dampening, boolean nesterov, double weightDecay,
      ParamSelection decayOn) implements Optimizer {
    public static final SgdW DEFAULTS = new SgdW(1e-3, 0, 0, false, 1e-2, ParamSelection.DEFAULT);

    @Override
    public boolean decoupledDecay() {
      return true;
    }

    @Override
    public String name() {
      return "sgdw";
    }

    @Override
    public <R> R match(Cases<R> cases) {
      return cases.sgdW(this);
    }

    @Override
    public String toString() {
      return sgdText(name(), lr, momentum, dampening, nesterov, weightDecay, decayOn);
    }
  }

  /** {@code torch.optim.Adagrad}. */
  record Adagrad(double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps,
      ParamSelection decayOn) implements Optimizer {
    public static final Adagrad DEFAULTS = new Adagrad(1e-2, 0, 0, 0, 1e-10, ParamSelection.DEFAULT);

    @Override
    public boolean decoupledDecay() {
      return false;
    }

    @Override
    public String name() {
      return "adagrad";
    }

    @Override
    public <R> R match(Cases<R> cases) {
      return cases.adagrad(this);
    }

    @Override
    public String toString() {
      return OptionText.call(name()).number("lr", lr).number("lr_decay", lrDecay).number("weight_decay", weightDecay)
          .number("initial_accumulator_value", initialAccumulatorValue).number("eps", eps).shown("decay_on", decayOn)
          .toString();
    }
  }

  /** {@code torch.optim.RMSprop}: centered, momentum. */
  record RmsProp(double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered,
      ParamSelection decayOn) implements Optimizer {
    public static final RmsProp DEFAULTS = new RmsProp(1e-2, 0.99, 1e-8, 0, 0, false, ParamSelection.DEFAULT);

    @Override
    public boolean decoupledDecay() {
      return false;
    }

    @Override
    public String name() {
      return "rmsprop";
    }

    @Override
    public <R> R match(Cases<R> cases) {
      return cases.rmsProp(this);
    }

    @Override
    public String toString() {
      return OptionText.call(name()).number("lr", lr).number("alpha", alpha).number("eps", eps)
          .number("weight_decay", weightDecay).number("momentum", momentum).bool("centered", centered)
          .shown("decay_on", decayOn).toString();
    }
  }

  /** {@code torch.optim.Adam}: AMSGrad, coupled weight decay. */
  record Adam(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
      ParamSelection decayOn) implements Optimizer {
    public static final Adam DEFAULTS = new Adam(1e-3, 0.9, 0.999, 1e-8, 0, false, ParamSelection.DEFAULT);

    @Override
    public boolean decoupledDecay() {
      return false;
    }

    @Override
    public String name() {
      return "adam";
    }

    @Override
    public <R> R match(Cases<R> cases) {
      return cases.adam(this);
    }

    @Override
    public String toString() {
      return adamText(name(), lr, beta1, beta2, eps, weightDecay, amsgrad, decayOn);
    }
  }

  /** {@code torch.optim.AdamW}: Adam with decoupled weight decay. */
  record AdamW(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
      ParamSelection decayOn) implements Optimizer {
    public static final AdamW DEFAULTS = new AdamW(1e-3, 0.9, 0.999, 1e-8, 1e-2, false, ParamSelection.DEFAULT);

    @Override
    public boolean decoupledDecay() {
      return true;
    }

    @Override
    public String name() {
      return "adamw";
    }

    @Override
    public <R> R match(Cases<R> cases) {
      return cases.adamW(this);
    }

    @Override
    public String toString() {
      return adamText(name(), lr, beta1, beta2, eps, weightDecay, amsgrad, decayOn);
    }
  }

  /**
   * {@code torch.optim.NAdam}: Adam with Nesterov momentum (Dozat, 2016), the momentum of step
   * t being μ_t = β1·(1 − ½·0.96^(t·momentum_decay)); weight decay added to the gradient, or
   * decoupled as AdamW's.
   */
  record NAdam(double lr, double beta1, double beta2, double eps, double weightDecay, double momentumDecay,
      boolean decoupledWeightDecay, ParamSelection decayOn) implements Optimizer {
    public static final NAdam DEFAULTS = new NAdam(2e-3, 0.9, 0.999, 1e-8, 0, 4e-3, false, ParamSelection.DEFAULT);

    @Override
    public boolean decoupledDecay() {
      return decoupledWeightDecay;
    }

    @Override
    public String name() {
      return "nadam";
    }

    @Override
    public <R> R match(Cases<R> cases) {
      return cases.nAdam(this);
    }

    @Override
    public String toString() {
      return OptionText.call(name()).number("lr", lr).numbers("betas", java.util.List.of(beta1, beta2))
          .number("eps", eps).number("weight_decay", weightDecay).number("momentum_decay", momentumDecay)
          .bool("decoupled_weight_decay", decoupledWeightDecay).shown("decay_on", decayOn).toString();
    }
  }

  /**
   * {@code torch.optim.RAdam}: Adam whose adaptive step is rectified by the variance of its
   * second moment (Liu et al., 2019), plain momentum SGD while that variance is intractable
   * (ρ_t ≤ 5, the first steps); weight decay added to the gradient, or decoupled.
   */
  record RAdam(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupledWeightDecay,
      ParamSelection decayOn) implements Optimizer {
    public static final RAdam DEFAULTS = new RAdam(1e-3, 0.9, 0.999, 1e-8, 0, false, ParamSelection.DEFAULT);

    @Override
    public boolean decoupledDecay() {
      return decoupledWeightDecay;
    }

    @Override
    public String name() {
      return "radam";
    }

    @Override
    public <R> R match(Cases<R> cases) {
      return cases.rAdam(this);
    }

    @Override
    public String toString() {
      return OptionText.call(name()).number("lr", lr).numbers("betas", java.util.List.of(beta1, beta2))
          .number("eps", eps).number("weight_decay", weightDecay)
          .bool("decoupled_weight_decay", decoupledWeightDecay).shown("decay_on", decayOn).toString();
    }
  }

  private static String sgdText(String name, double lr, double momentum, double dampening, boolean nesterov,
      double weightDecay, ParamSelection decayOn) {
    return OptionText.call(name).number("lr", lr).number("momentum", momentum).number("dampening", dampening)
        .bool("nesterov", nesterov).number("weight_decay", weightDecay).shown("decay_on", decayOn).toString();
  }

  private static String adamText(String name, double lr, double beta1, double beta2, double eps, double weightDecay,
      boolean amsgrad, ParamSelection decayOn) {
    return OptionText.call(name).number("lr", lr).numbers("betas", java.util.List.of(beta1, beta2))
        .number("eps", eps).number("weight_decay", weightDecay).bool("amsgrad", amsgrad).shown("decay_on", decayOn)
        .toString();
  }
}
