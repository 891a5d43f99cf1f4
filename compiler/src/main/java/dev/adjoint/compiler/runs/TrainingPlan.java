package dev.adjoint.compiler.runs;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.settings.EarlyStoppingRule;
import dev.adjoint.compiler.settings.LearningRateSchedule;
import dev.adjoint.compiler.settings.Regularizer;
import dev.adjoint.compiler.settings.TrainConfig;
import dev.adjoint.compiler.settings.TrainMetric;
import dev.adjoint.train.ConfusionMetric;
import dev.adjoint.train.EarlyStopping;
import dev.adjoint.train.Metric;
import dev.adjoint.train.Penalty;
import dev.adjoint.train.Schedule;
import dev.adjoint.train.TrainingOptions;
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
        config.optimizer().lr(), schedule(config.schedules()), metrics(config.metrics()),
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
  static Penalty penalty(Graph graph, List<Regularizer> regularizers) {
    List<Penalty.Term> terms = new ArrayList<>();
    for (Regularizer r : regularizers) {
      Set<String> selected = r.on().resolve(graph);
      for (Node param : graph.params()) {
        if (selected.contains(param.sourceName())) {
          terms.add(new Penalty.Term(param.sourceName(), r.norm() == Regularizer.Norm.L1, r.strength()));
        }
      }
    }
    return Penalty.of(terms);
  }

  /** The schedules of the block: none (constant), one, or a warm-up followed by one. */
  static Schedule schedule(List<LearningRateSchedule> schedules) {
    Schedule main = Schedule.constant();
    LearningRateSchedule.Warmup warmup = null;
    for (LearningRateSchedule s : schedules) {
      if (s instanceof LearningRateSchedule.Warmup w) {
        warmup = w;
      } else {
        main = s.match(RUNTIME_SCHEDULES);
      }
    }
    return warmup == null ? main : Schedule.warmup(warmup.steps(), warmup.startFactor(), main);
  }

  /** Each schedule as the runtime computes it; a warm-up alone leads into a constant rate. */
  private static final LearningRateSchedule.Cases<Schedule> RUNTIME_SCHEDULES = new LearningRateSchedule.Cases<>() {
    @Override
    public Schedule constant(LearningRateSchedule.Constant s) {
      return Schedule.constant();
    }

    @Override
    public Schedule linear(LearningRateSchedule.Linear s) {
      return Schedule.linear(s.startFactor(), s.endFactor(), s.over(), per(s.per()));
    }

    @Override
    public Schedule power(LearningRateSchedule.Power s) {
      return Schedule.power(s.scale(), s.power(), per(s.per()));
    }

    @Override
    public Schedule exponential(LearningRateSchedule.Exponential s) {
      return Schedule.exponential(s.gamma(), per(s.per()));
    }

    @Override
    public Schedule cosine(LearningRateSchedule.Cosine s) {
      return Schedule.cosine(s.over(), s.minLr(), per(s.per()));
    }

    @Override
    public Schedule warmup(LearningRateSchedule.Warmup s) {
      return Schedule.warmup(s.steps(), s.startFactor(), Schedule.constant());
    }
  };

  private static Schedule.Unit per(LearningRateSchedule.Per per) {
    return switch (per) {
      case STEP -> Schedule.Unit.STEP;
      case EPOCH -> Schedule.Unit.EPOCH;
    };
  }

  /** A fresh set of the block's metrics each time (they hold sums); the loop adds the loss. */
  static Supplier<List<Metric>> metrics(List<TrainMetric> settings) {
    return () -> {
      List<Metric> out = new ArrayList<>();
      for (TrainMetric m : settings) {
        Metric metric = switch (m.kind()) {
          case LOSS -> null;
          case MULTICLASS_ACCURACY -> Metric.multiclassAccuracy(m.name(), m.output(), m.target());
          case BINARY_ACCURACY, MULTILABEL_ACCURACY ->
              Metric.thresholdAccuracy(m.name(), m.output(), m.target(), m.threshold());
          case MSE -> Metric.error(m.name(), m.output(), m.target(), true);
          case MAE -> Metric.error(m.name(), m.output(), m.target(), false);
          case MEAN -> Metric.mean(m.name(), m.output());
          case PRECISION, RECALL, F1 -> new ConfusionMetric(m.name(), m.output(), m.target(), m.classes(),
              m.oneScore() ? m.threshold() : Double.NaN, ConfusionMetric.Score.valueOf(m.kind().name()));
        };
        if (metric != null) {
          out.add(metric);
        }
      }
      return out;
    };
  }

  static EarlyStopping earlyStopping(EarlyStoppingRule s) {
    if (s == null) {
      return null;
    }
    return new EarlyStopping(s.monitor(), s.patience(), s.minDelta(), s.maximize(), s.restoreBest());
  }
}
