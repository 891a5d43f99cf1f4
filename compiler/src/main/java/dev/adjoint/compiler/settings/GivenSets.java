package dev.adjoint.compiler.settings;

/**
 * The validation and test sets a train block gives as their own sources
 * ({@code data train = SOURCE, val = SOURCE, test = SOURCE}), each used whole and in file
 * order instead of being cut from the training source by {@code split(...)}.
 *
 * @param val the validation source, or null when none is given
 * @param test the test source, or null when none is given
 */
public record GivenSets(DataSource val, DataSource test) {

  /** No set given: the training source is all the data, divided by the block's split. */
  public static final GivenSets NONE = new GivenSets(null, null);

  /** Whether the block gives its sets as sources (even if only {@code train = ...}). */
  public boolean given() {
    return this != NONE;
  }
}
