package dev.adjoint.compiler.settings;

/** The parts of the data set for training, validation and test: fractions that sum to 1. */
public record DataSplit(double train, double val, double test) {

  /** All data for training. */
  public static final DataSplit ALL_TRAINING = new DataSplit(1, 0, 0);

  @Override
  public String toString() {
    return OptionText.call("split").number("train", train).number("val", val).number("test", test).toString();
  }
}
