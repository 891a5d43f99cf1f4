package dev.adjoint.compiler.training;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.frontend.train.ParamGroups;
import dev.adjoint.compiler.frontend.train.Spec;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.frontend.train.TrainConfig;
import dev.adjoint.runtime.train.EarlyStopping;
import dev.adjoint.runtime.train.Metric;
import dev.adjoint.runtime.train.Penalty;
import dev.adjoint.runtime.train.Schedule;
import dev.adjoint.runtime.train.TrainingOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** The runtime loop's options from a checked train block. */
public final class TrainingPlan {
  private TrainingPlan() {}

  /** The options, with {@code epochs} overriding the block's when positive; a loss that is a mean, no penalties. */
  public static TrainingOptions options(TrainConfig config, int epochs) {
    return new TrainingOptions(config.batch(), epochs > 0 ? epochs : config.epochs(), config.seed(), config.shuffle(),
        config.optimizer().number("lr"), schedule(config.schedules()), metrics(config.metrics()),
        earlyStopping(config.earlyStopping()));
  }

  /**
   * The options of a model with a train block, with {@code epochs} overriding the block's when
   * positive: how its loss reduces the batch, and the block's L1/L2 penalties, so that the
   * loop reports the plain loss per sample.
   */
  public static TrainingOptions options(ModelUnit unit, int epochs) {
    TrainingOptions o = options(unit.train(), epochs);
    return new TrainingOptions(o.batch(), o.epochs(), o.seed(), o.shuffle(), o.baseLearningRate(), o.schedule(),
        o.metrics(), o.earlyStopping(), LossReduction.of(unit.graph()), penalty(unit.graph(), unit.train().regularizers()));
  }

  /** The penalties of {@code regularize l1(λ), l2(λ)} as the training objective adds them. */
  static Penalty penalty(Graph graph, List<Spec> regularizers) {
    List<Penalty.Term> terms = new ArrayList<>();
    for (Spec r : regularizers) {
      Set<String> selected = ParamGroups.resolve(r.list("on"), graph);
      for (Node param : graph.params()) {
        if (selected.contains(param.sourceName())) {
          terms.add(new Penalty.Term(param.sourceName(), r.name().equals("l1"), r.number("strength")));
        }
      }
    }
    return Penalty.of(terms);
  }

  /** The schedules of the block: none (constant), one, or a warm-up followed by one. */
  static Schedule schedule(List<Spec> schedules) {
    Schedule main = Schedule.constant();
    Spec warmup = null;
    for (Spec s : schedules) {
      if (s.name().equals("warmup")) {
        warmup = s;
      } else {
        main = one(s);
      }
    }
    return warmup == null ? main
        : Schedule.warmup(warmup.integer("steps"), warmup.number("start_factor"), main);
  }

  private static Schedule one(Spec s) {
    return switch (s.name()) {
      case "constant" -> Schedule.constant();
      case "linear" -> Schedule.linear(s.number("start_factor"), s.number("end_factor"), s.integer("over"), per(s));
      case "power" -> Schedule.power(s.number("scale"), s.number("power"), per(s));
      case "exponential" -> Schedule.exponential(s.number("gamma"), per(s));
      case "cosine" -> Schedule.cosine(s.integer("over"), s.number("min_lr"), per(s));
      default -> throw new IllegalArgumentException("no schedule " + s.name());
    };
  }

  private static Schedule.Unit per(Spec s) {
    return Schedule.Unit.parse(s.string("per"));
  }

  /** A fresh set of the block's metrics each time (they hold sums); the loop adds the loss. */
  static Supplier<List<Metric>> metrics(List<Spec> specs) {
    return () -> {
      List<Metric> out = new ArrayList<>();
      for (Spec m : specs) {
        if (m.name().equals("loss")) {
          continue;
        }
        String kind = m.has("kind") ? m.string("kind") : m.name();
        String output = m.has("output") ? m.string("output") : null;
        String target = m.has("target") ? m.string("target") : null;
        out.add(switch (kind) {
          case "multiclass_accuracy" -> Metric.multiclassAccuracy(m.name(), output, target);
          case "binary_accuracy", "multilabel_accuracy" ->
              Metric.thresholdAccuracy(m.name(), output, target, m.number("threshold"));
          case "mse" -> Metric.error(m.name(), output, target, true);
          case "mae" -> Metric.error(m.name(), output, target, false);
          case "mean" -> Metric.mean(m.name(), output);
          default -> throw new IllegalArgumentException("no metric " + kind);
        });
      }
      return out;
    };
  }

  static EarlyStopping earlyStopping(Spec s) {
    if (s == null) {
      return null;
    }
    return new EarlyStopping(s.string("monitor"), (int) s.integer("patience"), s.number("min_delta"),
        s.string("mode").equals("max"), s.bool("restore_best"));
  }
}
