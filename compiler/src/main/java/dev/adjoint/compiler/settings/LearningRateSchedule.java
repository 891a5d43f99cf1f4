package dev.adjoint.compiler.settings;

/**
 * A {@code schedule} of a train block: the factor the learning rate is multiplied by as
 * training goes on. A block has none, one, or a {@link Warmup} followed by one.
 */
public sealed interface LearningRateSchedule {

  /** Whether a schedule counts optimizer steps or epochs. */
  enum Per {
    STEP("step"),
    EPOCH("epoch");

    private final String text;

    Per(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** The result of the case for this schedule's kind. */
  <R> R match(Cases<R> cases);

  /** One case per kind of schedule. */
  interface Cases<R> {
    R constant(Constant s);

    R linear(Linear s);

    R power(Power s);

    R exponential(Exponential s);

    R cosine(Cosine s);

    R warmup(Warmup s);
  }

  /** The learning rate as the optimizer gives it. */
  record Constant() implements LearningRateSchedule {
    @Override
    public <R> R match(Cases<R> cases) {
      return cases.constant(this);
    }

    @Override
    public String toString() {
      return OptionText.call("constant").toString();
    }
  }

  /** From {@code startFactor} to {@code endFactor} over {@code over} units, then constant. */
  record Linear(double startFactor, double endFactor, long over, Per per) implements LearningRateSchedule {
    @Override
    public <R> R match(Cases<R> cases) {
      return cases.linear(this);
    }

    @Override
    public String toString() {
      return OptionText.call("linear").number("start_factor", startFactor).number("end_factor", endFactor)
          .integer("over", over).string("per", per.text()).toString();
    }
  }

  /** {@code (1 + t / scale)^-power}. */
  record Power(double scale, double power, Per per) implements LearningRateSchedule {
    @Override
    public <R> R match(Cases<R> cases) {
      return cases.power(this);
    }

    @Override
    public String toString() {
      return OptionText.call("power").number("scale", scale).number("power", power).string("per", per.text())
          .toString();
    }
  }

  /** {@code gamma^t}. */
  record Exponential(double gamma, Per per) implements LearningRateSchedule {
    @Override
    public <R> R match(Cases<R> cases) {
      return cases.exponential(this);
    }

    @Override
    public String toString() {
      return OptionText.call("exponential").number("gamma", gamma).string("per", per.text()).toString();
    }
  }

  /** Half a cosine from the learning rate down to {@code minLr} over {@code over} units. */
  record Cosine(long over, double minLr, Per per) implements LearningRateSchedule {
    @Override
    public <R> R match(Cases<R> cases) {
      return cases.cosine(this);
    }

    @Override
    public String toString() {
      return OptionText.call("cosine").integer("over", over).number("min_lr", minLr).string("per", per.text())
          .toString();
    }
  }

  /** A linear ramp from {@code startFactor} over the first {@code steps} steps into the schedule after it. */
  record Warmup(long steps, double startFactor) implements LearningRateSchedule {
    @Override
    public <R> R match(Cases<R> cases) {
      return cases.warmup(this);
    }

    @Override
    public String toString() {
      return OptionText.call("warmup").integer("steps", steps).number("start_factor", startFactor).toString();
    }
  }
}
