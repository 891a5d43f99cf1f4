package dev.adjoint.compiler.frontend.trainblock;

import static dev.adjoint.compiler.frontend.Parameter.choice;
import static dev.adjoint.compiler.frontend.Parameter.optional;
import static dev.adjoint.compiler.frontend.Parameter.required;

import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.frontend.Checks;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.settings.Clipping;
import dev.adjoint.compiler.settings.LearningRateSchedule;
import dev.adjoint.compiler.settings.Optimizer;
import dev.adjoint.compiler.settings.ParamGroup;
import dev.adjoint.compiler.settings.ParamSelection;
import dev.adjoint.compiler.settings.Regularizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The option tables of train blocks: every optimizer, schedule, regularizer, clip and
 * metric with its options and defaults, and how bound options make the typed setting of
 * {@code dev.adjoint.compiler.settings}. Optimizer defaults are those of torch.optim, taken
 * from the optimizers' {@code DEFAULTS}, so that the table and the records agree.
 */
public final class TrainOptions {
  private TrainOptions() {}

  /** Parameter groups that {@code on =} and {@code decay_on =} accept besides parameter names. */
  public static final List<String> PARAM_GROUPS = Arrays.stream(ParamGroup.values()).map(ParamGroup::text).toList();

  /** The default of {@code on =} and {@code decay_on =}: everything but biases and norm parameters. */
  public static final Value DEFAULT_GROUPS = new Value.Tuple(
      ParamSelection.DEFAULT.items().stream().map(item -> (Value) new Value.Symbol(item.text())).toList());

  /** An option call of a table: its signature, and how its bound options make the typed setting. */
  record Choice<T>(Signature signature, Function<BoundArgs, T> build) {}

  static final Map<String, Choice<Optimizer>> OPTIMIZER_CHOICES = choices(
      new Choice<>(sgdSignature("sgd", Optimizer.Sgd.DEFAULTS.lr(), Optimizer.Sgd.DEFAULTS.weightDecay()),
          b -> new Optimizer.Sgd(b.number("lr"), b.number("momentum"), b.number("dampening"), b.bool("nesterov"),
              b.number("weight_decay"), selection(b, "decay_on"))),
      new Choice<>(sgdSignature("sgdw", Optimizer.SgdW.DEFAULTS.lr(), Optimizer.SgdW.DEFAULTS.weightDecay()),
          b -> new Optimizer.SgdW(b.number("lr"), b.number("momentum"), b.number("dampening"), b.bool("nesterov"),
              b.number("weight_decay"), selection(b, "decay_on"))),
      new Choice<>(adagradSignature(), b -> new Optimizer.Adagrad(b.number("lr"), b.number("lr_decay"),
          b.number("weight_decay"), b.number("initial_accumulator_value"), b.number("eps"), selection(b, "decay_on"))),
      new Choice<>(rmspropSignature(), b -> new Optimizer.RmsProp(b.number("lr"), b.number("alpha"), b.number("eps"),
          b.number("weight_decay"), b.number("momentum"), b.bool("centered"), selection(b, "decay_on"))),
      new Choice<>(adamSignature("adam", Optimizer.Adam.DEFAULTS.lr(), Optimizer.Adam.DEFAULTS.weightDecay()),
          b -> new Optimizer.Adam(b.number("lr"), b.numbers("betas").get(0), b.numbers("betas").get(1),
              b.number("eps"), b.number("weight_decay"), b.bool("amsgrad"), selection(b, "decay_on"))),
      new Choice<>(adamSignature("adamw", Optimizer.AdamW.DEFAULTS.lr(), Optimizer.AdamW.DEFAULTS.weightDecay()),
          b -> new Optimizer.AdamW(b.number("lr"), b.numbers("betas").get(0), b.numbers("betas").get(1),
              b.number("eps"), b.number("weight_decay"), b.bool("amsgrad"), selection(b, "decay_on"))),
      new Choice<>(nadamSignature(), b -> new Optimizer.NAdam(b.number("lr"), b.numbers("betas").get(0),
          b.numbers("betas").get(1), b.number("eps"), b.number("weight_decay"), b.number("momentum_decay"),
          b.bool("decoupled_weight_decay"), selection(b, "decay_on"))),
      new Choice<>(radamSignature(), b -> new Optimizer.RAdam(b.number("lr"), b.numbers("betas").get(0),
          b.numbers("betas").get(1), b.number("eps"), b.number("weight_decay"), b.bool("decoupled_weight_decay"),
          selection(b, "decay_on"))));

  public static final Map<String, Signature> OPTIMIZERS = signatures(OPTIMIZER_CHOICES);

  static final Map<String, Choice<LearningRateSchedule>> SCHEDULE_CHOICES = choices(
      new Choice<>(Signature.of("constant"), b -> new LearningRateSchedule.Constant()),
      new Choice<>(Signature.of("linear", nonNegative("start_factor", 1), nonNegative("end_factor", 0),
          positiveInt("over"), per("step")), b -> new LearningRateSchedule.Linear(b.number("start_factor"),
          b.number("end_factor"), whole(b, "over"), per(b))),
      new Choice<>(Signature.of("power", required("scale", Kind.NUMBER).withCheck(Checks.positive()),
          positive("power", 1), per("step")),
          b -> new LearningRateSchedule.Power(b.number("scale"), b.number("power"), per(b))),
      new Choice<>(Signature.of("exponential", required("gamma", Kind.NUMBER).withCheck(Checks.range(0, 1, true)),
          per("epoch")), b -> new LearningRateSchedule.Exponential(b.number("gamma"), per(b))),
      new Choice<>(Signature.of("cosine", positiveInt("over"), nonNegative("min_lr", 0), per("step")),
          b -> new LearningRateSchedule.Cosine(whole(b, "over"), b.number("min_lr"), per(b))),
      new Choice<>(Signature.of("warmup", positiveInt("steps"),
          number("start_factor", 0).withCheck(Checks.range(0, 1, true))),
          b -> new LearningRateSchedule.Warmup(whole(b, "steps"), b.number("start_factor"))));

  public static final Map<String, Signature> SCHEDULES = signatures(SCHEDULE_CHOICES);

  static final Map<String, Choice<Regularizer>> REGULARIZER_CHOICES = choices(
      regularizer(Regularizer.Norm.L1), regularizer(Regularizer.Norm.L2));

  public static final Map<String, Signature> REGULARIZERS = signatures(REGULARIZER_CHOICES);

  static final Map<String, Choice<Clipping>> CLIP_CHOICES = choices(
      new Choice<>(Signature.of("global_norm", required("max_norm", Kind.NUMBER).withCheck(Checks.positive())),
          b -> new Clipping.GlobalNorm(b.number("max_norm"))),
      new Choice<>(Signature.of("value", required("limit", Kind.NUMBER).withCheck(Checks.positive())),
          b -> new Clipping.ByValue(b.number("limit"))));

  public static final Map<String, Signature> CLIPS = signatures(CLIP_CHOICES);

  /** The metrics; {@link MetricCheck} resolves each against the model's outputs and targets. */
  public static final Map<String, Signature> METRICS = table(
      metric("loss"), metric("accuracy"), metric("binary_accuracy"), metric("multilabel_accuracy"), metric("mse"),
      metric("mae"), metric("mean"), metric("precision"), metric("recall"), metric("f1"));

  public static final Signature SPLIT = Signature.of("split",
      optional("train", Kind.NUMBER).withCheck(fraction()),
      number("val", 0).withCheck(fraction()),
      number("test", 0).withCheck(fraction()));

  public static final Signature EARLY_STOPPING = Signature.of("early_stopping",
      choice("monitor", "metric", "val_loss", List.of()),
      Parameter.of("patience", Kind.INT, new Value.Int(5)).withCheck(Checks.nonNegative()),
      nonNegative("min_delta", 0),
      choice("mode", "mode", "auto", List.of("auto", "min", "max")),
      bool("restore_best", true));

  /** The data sources; their per-input options depend on the model and are added by {@link #dataSource}. */
  public static final List<String> DATA_SOURCES = List.of("csv", "idx", "npy", "text", "texts");

  /** The options of {@code texts(...)} other than its targets' label columns. */
  static final List<String> TEXTS_OPTIONS = List.of("path", "text", "format", "header");

  /**
   * How a {@code texts(...)} source's text becomes the model's inputs ({@code features ...}):
   * hashed character n-grams into an ids input (and their weights into another), or UTF-8 bytes.
   */
  public static final Map<String, Signature> FEATURES = table(
      Signature.of("ngrams", required("ids", Kind.SYMBOL), optional("frequencies", Kind.SYMBOL),
          optional("counts", Kind.SYMBOL),
          Parameter.of("orders", Kind.INTS, new Value.Tuple(List.of(new Value.Int(1), new Value.Int(2),
              new Value.Int(3)))).withCheck(Checks.positiveInts()),
          required("buckets", Kind.INTS).withCheck(Checks.positiveInts()),
          bool("lowercase", true), normalize(), optional("places", Kind.INTS).withCheck(Checks.positiveInts())),
      Signature.of("bytes", required("ids", Kind.SYMBOL), optional("lengths", Kind.SYMBOL), bool("lowercase", false),
          normalize()),
      Signature.of("words", required("ids", Kind.SYMBOL), positiveInt("vocabulary"), optional("lengths", Kind.SYMBOL),
          bool("lowercase", true), normalize()));

  /**
   * The signature of a data source for a model with these inputs and targets: csv names
   * the columns of each (optional), idx and npy name a file for each (required).
   */
  public static Signature dataSource(String name, List<String> inputsAndTargets) {
    List<Parameter> params = new ArrayList<>();
    switch (name) {
      case "csv" -> {
        params.add(required("path", Kind.STRING));
        params.add(bool("header", true));
        params.add(Parameter.of("delimiter", Kind.STRING, new Value.Text(",")));
        inputsAndTargets.forEach(n -> params.add(optional(n, Kind.COLUMNS)));
      }
      case "idx" -> {
        inputsAndTargets.forEach(n -> params.add(required(n, Kind.STRING)));
        params.add(positive("scale", 1));
      }
      case "npy" -> inputsAndTargets.forEach(n -> params.add(required(n, Kind.STRING)));
      case "texts" -> {
        params.add(required("path", Kind.STRING));
        params.add(required("text", Kind.STRING));
        params.add(choice("format", "format", "auto", List.of("auto", "tsv", "csv", "jsonl")));
        params.add(bool("header", true));
        inputsAndTargets.stream().filter(n -> !TEXTS_OPTIONS.contains(n)).forEach(n -> params.add(optional(n,
            Kind.STRING)));
      }
      case "text" -> {
        params.add(required("path", Kind.STRING));
        params.add(bool("bytes", false));
        params.add(Parameter.of("stride", Kind.INT, new Value.Int(0)).withCheck(Checks.nonNegative()));
      }
      default -> throw new IllegalArgumentException("unknown data source " + name);
    }
    return new Signature(name, params);
  }

  /** A NAMES option as a selection of parameters, remembering whether it was written as a tuple. */
  static ParamSelection selection(BoundArgs b, String option) {
    return ParamSelection.of(b.names(option), b.value(option) instanceof Value.Tuple);
  }

  /** An INT option at its full width (not narrowed to int). */
  private static long whole(BoundArgs b, String option) {
    return ((Value.Int) b.value(option)).value();
  }

  private static LearningRateSchedule.Per per(BoundArgs b) {
    return b.symbol("per").equals("epoch") ? LearningRateSchedule.Per.EPOCH : LearningRateSchedule.Per.STEP;
  }

  private static Choice<Regularizer> regularizer(Regularizer.Norm norm) {
    return new Choice<>(Signature.of(norm.text(), required("strength", Kind.NUMBER).withCheck(Checks.positive()),
        on("on")), b -> new Regularizer(norm, b.number("strength"), selection(b, "on"), b.callSpan()));
  }

  private static Signature sgdSignature(String name, double lr, double weightDecay) {
    Optimizer.Sgd d = Optimizer.Sgd.DEFAULTS;
    return Signature.of(name, lr(lr), nonNegative("momentum", d.momentum()), nonNegative("dampening", d.dampening()),
        bool("nesterov", d.nesterov()), nonNegative("weight_decay", weightDecay), decayOn());
  }

  private static Signature adagradSignature() {
    Optimizer.Adagrad d = Optimizer.Adagrad.DEFAULTS;
    return Signature.of("adagrad", lr(d.lr()), nonNegative("lr_decay", d.lrDecay()),
        nonNegative("weight_decay", d.weightDecay()),
        nonNegative("initial_accumulator_value", d.initialAccumulatorValue()), positive("eps", d.eps()), decayOn());
  }

  private static Signature rmspropSignature() {
    Optimizer.RmsProp d = Optimizer.RmsProp.DEFAULTS;
    return Signature.of("rmsprop", lr(d.lr()), number("alpha", d.alpha()).withCheck(Checks.range(0, 1, true)),
        positive("eps", d.eps()), nonNegative("weight_decay", d.weightDecay()), nonNegative("momentum", d.momentum()),
        bool("centered", d.centered()), decayOn());
  }

  private static Signature adamSignature(String name, double lr, double weightDecay) {
    Optimizer.Adam d = Optimizer.Adam.DEFAULTS;
    return Signature.of(name, lr(lr), betas(d.beta1(), d.beta2()), positive("eps", d.eps()),
        nonNegative("weight_decay", weightDecay), bool("amsgrad", d.amsgrad()), decayOn());
  }

  private static Signature nadamSignature() {
    Optimizer.NAdam d = Optimizer.NAdam.DEFAULTS;
    return Signature.of("nadam", lr(d.lr()), betas(d.beta1(), d.beta2()), positive("eps", d.eps()),
        nonNegative("weight_decay", d.weightDecay()), nonNegative("momentum_decay", d.momentumDecay()),
        bool("decoupled_weight_decay", d.decoupledWeightDecay()), decayOn());
  }

  private static Signature radamSignature() {
    Optimizer.RAdam d = Optimizer.RAdam.DEFAULTS;
    return Signature.of("radam", lr(d.lr()), betas(d.beta1(), d.beta2()), positive("eps", d.eps()),
        nonNegative("weight_decay", d.weightDecay()), bool("decoupled_weight_decay", d.decoupledWeightDecay()),
        decayOn());
  }

  /** A part of the data set: a fraction, not a percentage. */
  private static Function<Value, String> fraction() {
    return v -> {
      double x = Value.number(v);
      if (x >= 0 && x <= 1) {
        return null;
      }
      boolean percentage = x > 1 && x <= 100 && x == Math.rint(x);
      return "must be a fraction of the data in [0, 1], got " + Checks.show(v)
          + (percentage ? " (for " + Checks.show(v) + "%, write " + Checks.show(x / 100) + ")" : "");
    };
  }

  private static Signature metric(String name) {
    return Signature.of(name, optional("output", Kind.SYMBOL), optional("target", Kind.SYMBOL),
        number("threshold", 0.5).withCheck(Checks.range(0, 1, false)));
  }

  @SafeVarargs
  private static <T> Map<String, Choice<T>> choices(Choice<T>... choices) {
    Map<String, Choice<T>> out = new LinkedHashMap<>();
    for (Choice<T> c : choices) {
      out.put(c.signature().name(), c);
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  /** The signatures of a table's choices, by name. */
  static <T> Map<String, Signature> signatures(Map<String, Choice<T>> choices) {
    Map<String, Signature> out = new LinkedHashMap<>();
    choices.forEach((name, c) -> out.put(name, c.signature()));
    return java.util.Collections.unmodifiableMap(out);
  }

  private static Map<String, Signature> table(Signature... signatures) {
    Map<String, Signature> out = new LinkedHashMap<>();
    for (Signature s : signatures) {
      out.put(s.name(), s);
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  private static Parameter lr(double fallback) {
    return positive("lr", fallback);
  }

  private static Parameter number(String name, double fallback) {
    return Parameter.of(name, Kind.NUMBER, new Value.Real(fallback));
  }

  private static Parameter positive(String name, double fallback) {
    return number(name, fallback).withCheck(Checks.positive());
  }

  private static Parameter nonNegative(String name, double fallback) {
    return number(name, fallback).withCheck(Checks.nonNegative());
  }

  private static Parameter positiveInt(String name) {
    return required(name, Kind.INT).withCheck(Checks.positive());
  }

  private static Parameter bool(String name, boolean fallback) {
    return Parameter.of(name, Kind.BOOL, new Value.Bool(fallback));
  }

  private static Parameter betas(double beta1, double beta2) {
    return Parameter.of("betas", Kind.NUMBERS, new Value.Tuple(List.of(new Value.Real(beta1), new Value.Real(beta2))))
        .withCheck(Checks.eachInRange(2, 0, 1));
  }

  private static Parameter decayOn() {
    return on("decay_on");
  }

  private static Parameter on(String name) {
    return Parameter.of(name, Kind.NAMES, DEFAULT_GROUPS);
  }

  private static Parameter normalize() {
    return choice("normalize", "Unicode normalization", "none", List.of("none", "nfc", "nfkc"));
  }

  private static Parameter per(String fallback) {
    return choice("per", "unit", fallback, List.of("step", "epoch"));
  }
}
