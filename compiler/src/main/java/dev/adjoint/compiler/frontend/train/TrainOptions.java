package dev.adjoint.compiler.frontend.train;

import static dev.adjoint.compiler.frontend.Parameter.choice;
import static dev.adjoint.compiler.frontend.Parameter.optional;
import static dev.adjoint.compiler.frontend.Parameter.required;

import dev.adjoint.compiler.frontend.Checks;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The option tables of train blocks: every optimizer, schedule, regularizer, clip and
 * metric with its options and defaults. Optimizer defaults are those of torch.optim.
 */
public final class TrainOptions {
  private TrainOptions() {}

  /** Parameter groups that {@code on =} and {@code decay_on =} accept besides parameter names. */
  public static final List<String> PARAM_GROUPS = List.of("weights", "embeddings", "biases", "norms", "all");

  /** The default of {@code on =} and {@code decay_on =}: everything but biases and norm parameters. */
  public static final Value DEFAULT_GROUPS =
      new Value.Tuple(List.of(new Value.Symbol("weights"), new Value.Symbol("embeddings")));

  public static final Map<String, Signature> OPTIMIZERS = table(
      Signature.of("sgd", lr(1e-3), nonNegative("momentum", 0), nonNegative("dampening", 0), bool("nesterov", false),
          nonNegative("weight_decay", 0), decayOn()),
      Signature.of("sgdw", lr(1e-3), nonNegative("momentum", 0), nonNegative("dampening", 0),
          bool("nesterov", false), nonNegative("weight_decay", 1e-2), decayOn()),
      Signature.of("adagrad", lr(1e-2), nonNegative("lr_decay", 0), nonNegative("weight_decay", 0),
          nonNegative("initial_accumulator_value", 0), positive("eps", 1e-10), decayOn()),
      Signature.of("rmsprop", lr(1e-2), number("alpha", 0.99).withCheck(Checks.range(0, 1, true)),
          positive("eps", 1e-8), nonNegative("weight_decay", 0), nonNegative("momentum", 0),
          bool("centered", false), decayOn()),
      Signature.of("adam", lr(1e-3), betas(), positive("eps", 1e-8), nonNegative("weight_decay", 0),
          bool("amsgrad", false), decayOn()),
      Signature.of("adamw", lr(1e-3), betas(), positive("eps", 1e-8), nonNegative("weight_decay", 1e-2),
          bool("amsgrad", false), decayOn()));

  public static final Map<String, Signature> SCHEDULES = table(
      Signature.of("constant"),
      Signature.of("linear", nonNegative("start_factor", 1), nonNegative("end_factor", 0), positiveInt("over"), per("step")),
      Signature.of("power", required("scale", Kind.NUMBER).withCheck(Checks.positive()), positive("power", 1),
          per("step")),
      Signature.of("exponential", required("gamma", Kind.NUMBER).withCheck(Checks.range(0, 1, true)), per("epoch")),
      Signature.of("cosine", positiveInt("over"), nonNegative("min_lr", 0), per("step")),
      Signature.of("warmup", positiveInt("steps"), number("start_factor", 0).withCheck(Checks.range(0, 1, true))));

  public static final Map<String, Signature> REGULARIZERS = table(
      Signature.of("l1", required("strength", Kind.NUMBER).withCheck(Checks.positive()), on("on")),
      Signature.of("l2", required("strength", Kind.NUMBER).withCheck(Checks.positive()), on("on")));

  public static final Map<String, Signature> CLIPS = table(
      Signature.of("global_norm", required("max_norm", Kind.NUMBER).withCheck(Checks.positive())),
      Signature.of("value", required("limit", Kind.NUMBER).withCheck(Checks.positive())));

  public static final Map<String, Signature> METRICS = table(
      metric("loss"), metric("accuracy"), metric("binary_accuracy"), metric("multilabel_accuracy"), metric("mse"),
      metric("mae"), metric("mean"));

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

  /** An optimizer with every option at its default, e.g. for a model compiled without a train block. */
  public static Spec defaultOptimizer(String name, double lr) {
    Signature signature = OPTIMIZERS.get(name);
    if (signature == null) {
      throw new IllegalArgumentException("unknown optimizer " + name + "; expected one of " + OPTIMIZERS.keySet());
    }
    java.util.Map<String, Object> options = new LinkedHashMap<>();
    for (Parameter p : signature.params()) {
      Object plain = Value.plain(p.defaultValue());
      options.put(p.name(), p.kind() == Kind.NUMBER && plain instanceof Long l ? (Object) l.doubleValue() : plain);
    }
    options.put("lr", lr);
    return new Spec(name, options, dev.adjoint.compiler.source.SourceSpan.synthetic("default optimizer"));
  }

  /** The data sources; their per-input options depend on the model and are added by {@link #dataSource}. */
  public static final List<String> DATA_SOURCES = List.of("csv", "idx", "npy");

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
      default -> throw new IllegalArgumentException("unknown data source " + name);
    }
    return new Signature(name, params);
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

  private static Parameter betas() {
    return Parameter.of("betas", Kind.NUMBERS, new Value.Tuple(List.of(new Value.Real(0.9), new Value.Real(0.999))))
        .withCheck(Checks.eachInRange(2, 0, 1));
  }

  private static Parameter decayOn() {
    return on("decay_on");
  }

  private static Parameter on(String name) {
    return Parameter.of(name, Kind.NAMES, DEFAULT_GROUPS);
  }

  private static Parameter per(String fallback) {
    return choice("per", "unit", fallback, List.of("step", "epoch"));
  }
}
