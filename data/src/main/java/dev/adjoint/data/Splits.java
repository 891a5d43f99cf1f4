package dev.adjoint.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A data set divided into training, validation and test parts: the rows are shuffled once
 * by a permutation drawn from the seed (unless the data set is {@link Dataset#ordered()}: then
 * they are cut by position, the first part first), then cut in that order, so that no row is in two
 * parts and the same seed always gives the same parts. A part may be empty.
 */
public record Splits(Dataset train, Dataset val, Dataset test) {

  public Splits {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(val, "val");
    Objects.requireNonNull(test, "test");
  }

  /**
   * Splits by fractions of the rows: the training part has {@code round(train * n)} rows and
   * the validation part {@code round(val * n)}; when the fractions add up to 1 the test part
   * gets the rest, so that no row is lost to rounding, and otherwise {@code round(test * n)}
   * rows (the others are left out).
   *
   * @throws IllegalArgumentException unless each fraction is in [0, 1] and they add up to at most 1
   */
  public static Splits split(Dataset data, double train, double val, double test, long seed) {
    int[] sizes = sizes(data.size(), train, val, test);
    int[] order = new int[data.size()];
    if (data.ordered()) {
      Arrays.setAll(order, i -> i);
    } else {
      Permutations.permute(order, seed, 0, Permutations.SPLIT_STREAM);
    }
    int a = sizes[0];
    int b = a + sizes[1];
    int c = b + sizes[2];
    return new Splits(data.select(Arrays.copyOfRange(order, 0, a)), data.select(Arrays.copyOfRange(order, a, b)),
        data.select(Arrays.copyOfRange(order, b, c)));
  }

  /** The number of rows the training part of {@code n} rows gets, as {@link #split} divides them. */
  public static int trainRows(int n, double train, double val, double test) {
    return sizes(n, train, val, test)[0];
  }

  /** The sizes of the three parts of {@code n} rows. */
  static int[] sizes(int n, double train, double val, double test) {
    checkFraction("train", train);
    checkFraction("val", val);
    checkFraction("test", test);
    double total = train + val + test;
    if (total > 1 + 1e-9) {
      throw new IllegalArgumentException("the parts of a split add up to more than the whole data set: train "
          + train + " + val " + val + " + test " + test + " = " + total);
    }
    int trainRows = (int) Math.min(n, Math.round(train * n));
    int valRows = (int) Math.min(n - trainRows, Math.round(val * n));
    int rest = n - trainRows - valRows;
    int testRows = Math.abs(total - 1) <= 1e-9 ? rest : (int) Math.min(rest, Math.round(test * n));
    return new int[] {trainRows, valRows, testRows};
  }

  private static void checkFraction(String part, double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException(part + " must be a fraction of the data in [0, 1], got " + fraction);
    }
  }
}
