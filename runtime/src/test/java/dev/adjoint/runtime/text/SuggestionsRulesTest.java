package dev.adjoint.runtime.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** "Did you mean" hints: the edit distance, pinned, and the limits of what counts as close. */
class SuggestionsRulesTest {

  @Test
  void distanceCountsInsertionsDeletionsSubstitutionsAndAdjacentSwaps() {
    assertEquals(0, Suggestions.distance("label", "label", 10));
    assertEquals(3, Suggestions.distance("", "abc", 10));
    assertEquals(3, Suggestions.distance("abc", "", 10));
    assertEquals(3, Suggestions.distance("kitten", "sitting", 10));
    assertEquals(1, Suggestions.distance("ab", "ba", 10), "one swap");
    assertEquals(1, Suggestions.distance("abcd", "acbd", 10), "one swap inside");
    assertEquals(2, Suggestions.distance("abcd", "badc", 10), "two swaps");
    assertEquals(3, Suggestions.distance("ca", "abc", 10), "optimal string alignment, not Damerau");
    assertEquals(2, Suggestions.distance("abc", "cba", 10));
    assertEquals(1, Suggestions.distance("abc", "abd", 10));
    assertEquals(1, Suggestions.distance("abc", "abcd", 10));
  }

  @Test
  void theLimitGrowsWithTheLengthOfTheWrongName() {
    assertEquals("abxy", Suggestions.closest("abcd", List.of("abxy")), "a distance of 2 is close for 4 letters");
    assertNull(Suggestions.closest("abcd", List.of("xyzd")), "a distance of 3 is not");
    assertNull(Suggestions.closest("conv2d", List.of("concat")), "nor for 6 letters");
    assertEquals("abcxyzg", Suggestions.closest("abcdefg", List.of("abcxyzg")), "3 is close for 7 letters");
    assertEquals("abcdefxyz", Suggestions.closest("abcdefghi", List.of("abcdefxyz")), "3 is close for 9 letters");
    assertNull(Suggestions.closest("abcdefghijkl", List.of("abcdefghwxyz")), "never more than 3");
    assertNull(Suggestions.closest("abc", List.of("xyz")));
  }

  @Test
  void aNameIsNeverReplacedWholesale() {
    assertNull(Suggestions.closest("a", List.of("b")), "a one-letter name one edit away shares nothing");
    assertNull(Suggestions.closest("a", List.of("ab")));
    assertEquals("abc", Suggestions.closest("ab", List.of("abc")));
  }

  @Test
  void theClosestWinsAndTheFirstOfEqualOnes() {
    assertEquals("label", Suggestions.closest("labels", List.of("lab", "label", "labels2")));
    assertEquals("abce", Suggestions.closest("abcd", List.of("abce", "abcf")));
    assertEquals("Label", Suggestions.closest("LABEL", List.of("x", "Label")), "case is ignored");
  }

  @Test
  void theHintNamesTheClosestAndListsAll() {
    assertEquals("; did you mean 'label'? The columns are: x, label",
        Suggestions.hintAndList("lable", List.of("x", "label"), "the columns are"));
    assertEquals("; the columns are: x, label",
        Suggestions.hintAndList("qqqqq", List.of("x", "label"), "the columns are"));
  }
}
