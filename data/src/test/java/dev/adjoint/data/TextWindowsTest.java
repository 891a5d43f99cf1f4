package dev.adjoint.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Windows of a text's ids, their vocabulary, and their split by position. */
class TextWindowsTest {
  private static final TensorSpec IDS = new TensorSpec("ids", DType.I32, TensorSpec.BATCH, 3);
  private static final TensorSpec NEXT = new TensorSpec("next", DType.I32, TensorSpec.BATCH, 3);

  @TempDir
  Path dir;

  private Path write(String text) throws IOException {
    Path file = dir.resolve("corpus.txt");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void eachWindowIsFollowedByItsNextIds() throws IOException {
    Path file = write("abcabdx");
    TextVocabulary vocabulary = TextVocabulary.of(TextWindows.read(file), false);
    assertEquals(5, vocabulary.size());
    Dataset d = TextWindows.load(file, vocabulary, 2, IDS, NEXT, 5);
    // a=0 b=1 c=2 d=3 x=4; starts 0 and 2 (a start at 4 would need a 4th id after it)
    assertEquals(2, d.size());
    assertArrayEquals(new int[] {0, 1, 2, 2, 0, 1}, d.i32("ids"));
    assertArrayEquals(new int[] {1, 2, 0, 0, 1, 3}, d.i32("next"));
    assertTrue(d.ordered());
    assertEquals("abcabdx", vocabulary.decode(vocabulary.encode("abcabdx", "t"), 0, 7));
  }

  @Test
  void windowsSideBySideByDefault() throws IOException {
    Path file = write("abcdefghij");
    Dataset d = TextWindows.load(file, TextVocabulary.of(TextWindows.read(file), false), 0, IDS, NEXT, 10);
    assertEquals(3, d.size());
    assertArrayEquals(new int[] {6, 7, 8}, java.util.Arrays.copyOfRange(d.i32("ids"), 6, 9));
  }

  @Test
  void anOrderedDataSetIsSplitByPosition() throws IOException {
    Path file = write("abcdefghijklmnopqrstuvwxyz");
    Dataset d = TextWindows.load(file, TextVocabulary.of(TextWindows.read(file), false), 1, IDS, NEXT, 26);
    Splits s = Splits.split(d, 0.8, 0.2, 0, 7);
    int[] train = s.train().i32("ids");
    int[] val = s.val().i32("ids");
    assertEquals(0, train[0]);
    assertEquals(train[train.length - 3] + 1, val[0], "validation starts where training ends");
  }

  @Test
  void bytesAreTheirOwnIds() throws IOException {
    Path file = write("é!");
    TextVocabulary bytes = TextVocabulary.of(TextWindows.read(file), true);
    assertEquals(256, bytes.size());
    assertArrayEquals(new int[] {0xc3, 0xa9, '!'}, bytes.encode("é!", "t"));
    assertEquals("é!", bytes.decode(new int[] {0xc3, 0xa9, '!'}, 0, 3));
  }

  @Test
  void mistakesAreNamed() throws IOException {
    Path file = write("abcabc");
    TextVocabulary vocabulary = TextVocabulary.of(TextWindows.read(file), false);
    String unknown = assertThrows(DataException.class, () -> vocabulary.encode("abz", "the prompt")).getMessage();
    assertEquals("the prompt: character 'z' (U+007A) at position 3 is not in the vocabulary of the training text "
        + "(3 characters)", unknown);
    assertTrue(assertThrows(DataException.class, () -> TextWindows.load(file, vocabulary, 0, IDS, NEXT, 2))
        .getMessage().endsWith("the text has 3 distinct characters but the model's next has 2 classes; give it at "
            + "least 3"));
    Path tiny = write("abc");
    assertTrue(assertThrows(DataException.class, () -> TextWindows.load(tiny, vocabulary, 0, IDS, NEXT, 3))
        .getMessage().endsWith("3 ids, too short for one window of 3 and its next id"));
    Files.write(tiny, new byte[] {(byte) 0xff, 'a'});
    assertTrue(assertThrows(DataException.class, () -> TextWindows.read(tiny)).getMessage().endsWith("not UTF-8 text"));
  }
}
