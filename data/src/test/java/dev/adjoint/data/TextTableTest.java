package dev.adjoint.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.runtime.features.TextFeatures;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Texts and labels from TSV, CSV and JSON lines, and the errors that name the file and line. */
class TextTableTest {
  @TempDir
  Path temp;

  private Path file(String name, String text) throws IOException {
    return Files.writeString(temp.resolve(name), text);
  }

  @Test
  void tsvCutsAtTabsAndSkipsBlankLines() throws IOException {
    Path f = file("a.tsv", "\uFEFFid\tlang\tsentence\n1\tfr\tLe \"chat\", dort.\n\n2\ten\tThe cat\n");
    TextTable.Rows rows = TextTable.read(f, TextTable.Format.of(f), true, "sentence", "lang");
    assertEquals(List.of("Le \"chat\", dort.", "The cat"), rows.texts());
    assertEquals(List.of("fr", "en"), rows.labels());
    assertArrayEquals(new int[] {2, 4}, rows.lines());
    assertEquals(f + ":4", rows.where(1));
  }

  @Test
  void withoutAHeaderColumnsAreNumberedFromOne() throws IOException {
    Path f = file("b.tsv", "1\tfr\tLe chat\n2\ten\tThe cat\n");
    TextTable.Rows rows = TextTable.read(f, TextTable.Format.TSV, false, "3", "2");
    assertEquals(List.of("Le chat", "The cat"), rows.texts());
    assertEquals(List.of("fr", "en"), rows.labels());
  }

  @Test
  void csvQuotesHoldCommasAndLineBreaks() throws IOException {
    Path f = file("c.csv", "sentence,lang\n\"Oui, non\nmaybe\",fr\nThe cat,en\n");
    assertEquals(TextTable.Format.CSV, TextTable.Format.of(f));
    TextTable.Rows rows = TextTable.read(f, TextTable.Format.CSV, true, "sentence", null);
    assertEquals(List.of("Oui, non\nmaybe", "The cat"), rows.texts());
    assertEquals(List.of(), rows.labels());
    assertArrayEquals(new int[] {3, 4}, rows.lines());
  }

  @Test
  void jsonLinesReadMembersByKeyWithEscapes() throws IOException {
    Path f = file("d.jsonl", "{\"t\": \"caf\\u00e9 \\\"ok\\\"\\n\", \"meta\": {\"a\": [1, \"}\"]}, \"y\": 3}\n\n"
        + "{\"y\": true, \"t\": \"x\"}\n");
    assertEquals(TextTable.Format.JSONL, TextTable.Format.of(f));
    TextTable.Rows rows = TextTable.read(f, TextTable.Format.JSONL, true, "t", "y");
    assertEquals(List.of("café \"ok\"\n", "x"), rows.texts());
    assertEquals(List.of("3", "true"), rows.labels());
    assertArrayEquals(new int[] {1, 3}, rows.lines());
  }

  @Test
  void problemsNameTheFileAndLine() throws IOException {
    Path missing = file("e.tsv", "lang\tsentense\nfr\tx\n");
    DataException column = assertThrows(DataException.class,
        () -> TextTable.read(missing, TextTable.Format.TSV, true, "sentence", "lang"));
    assertEquals(missing + ":1: no column \"sentence\"; did you mean \"sentense\"? The columns are: lang, sentense",
        column.getMessage());
    Path shortRow = file("f.tsv", "lang\tsentence\nfr\n");
    assertEquals(shortRow + ":2: the row has 1 cells, so no column \"sentence\" (column 2)", assertThrows(
        DataException.class, () -> TextTable.read(shortRow, TextTable.Format.TSV, true, "sentence", "lang"))
        .getMessage());
    Path member = file("g.jsonl", "{\"t\": \"a\"}\n");
    assertEquals(member + ":1: the object has no member \"y\"; it has t", assertThrows(DataException.class,
        () -> TextTable.read(member, TextTable.Format.JSONL, true, "t", "y")).getMessage());
    Path notJson = file("h.jsonl", "[1]\n");
    assertEquals(notJson + ":1: not a JSON object: '{' expected at character 1", assertThrows(DataException.class,
        () -> TextTable.read(notJson, TextTable.Format.JSONL, true, "t", "y")).getMessage());
    Path empty = file("i.tsv", "lang\tsentence\n");
    assertEquals(empty + ": no rows of text", assertThrows(DataException.class,
        () -> TextTable.read(empty, TextTable.Format.TSV, true, "sentence", "lang")).getMessage());
    Path latin1 = Files.write(temp.resolve("j.tsv"), new byte[] {'a', '\t', 'b', '\n', 'c', '\t', (byte) 0xE9, '\n'});
    assertEquals(latin1 + ":2: the file is not UTF-8 text: byte 0xe9 is not part of a UTF-8 character; save it as "
        + "UTF-8", assertThrows(DataException.class, () -> TextTable.read(latin1, TextTable.Format.TSV, true, "b",
            "a")).getMessage());
  }

  @Test
  void textDataFeaturizesEachRowAndMapsLabelsByNameOrIndex() throws IOException {
    Path f = file("k.tsv", "lang\tsentence\nfr\tbanana\nen\ta\n");
    TextTable.Rows rows = TextTable.read(f, TextTable.Format.TSV, true, "sentence", "lang");
    TextFeatures features = TextFeatures.ngrams("g", "w", TextFeatures.Weighting.COUNT, List.of(1), List.of(521),
        true, TextFeatures.Normalization.NONE);
    Map<String, TensorSpec> specs = Map.of("g", new TensorSpec("g", DType.I32, -1, 4),
        "w", new TensorSpec("w", DType.F32, -1, 4), "y", new TensorSpec("y", DType.I32, -1));
    Dataset data = TextData.load(rows, features, specs, "y", List.of("en", "fr"), 2);
    // python3: int(hashlib.md5(g.encode()).hexdigest(), 16) % 521 for b, a, n: 361, 141, 107
    assertArrayEquals(new int[] {361, 141, 107, -1, 141, -1, -1, -1}, data.i32("g"));
    assertArrayEquals(new float[] {1, 3, 2, 0, 1, 0, 0, 0}, data.f32("w"));
    assertArrayEquals(new int[] {1, 0}, data.i32("y"));
    Path numbered = file("l.tsv", "lang\tsentence\n1\tbanana\n2\ta\n");
    TextTable.Rows byIndex = TextTable.read(numbered, TextTable.Format.TSV, true, "sentence", "lang");
    assertEquals(numbered + ":3: label \"2\" is not a class: expected a class index in 0 .. 1", assertThrows(
        DataException.class, () -> TextData.load(byIndex, features, specs, "y", List.of(), 2)).getMessage());
  }

  @Test
  void formatsByExtensionHeaderlessCsvAndByteFeaturesWithLengths() throws IOException {
    assertEquals(TextTable.Format.JSONL, TextTable.Format.of(Path.of("x.JSON")));
    assertEquals(TextTable.Format.TSV, TextTable.Format.of(Path.of("x.txt")));
    Path f = file("m.csv", "fr,\"Ça va\"\n\nen,Hi\n");
    TextTable.Rows rows = TextTable.read(f, TextTable.Format.CSV, false, "2", "1");
    assertEquals(List.of("Ça va", "Hi"), rows.texts());
    assertEquals(List.of("fr", "en"), rows.labels());
    assertArrayEquals(new int[] {1, 3}, rows.lines());
    TextFeatures bytes = TextFeatures.bytes("b", "n", false, TextFeatures.Normalization.NONE);
    Map<String, TensorSpec> specs = Map.of("b", new TensorSpec("b", DType.I32, -1, 3),
        "n", new TensorSpec("n", DType.I32, -1));
    Dataset data = TextData.load(rows, bytes, specs, null, List.of(), 0);
    assertArrayEquals(new int[] {0xC3, 0x87, 'a', 'H', 'i', -1}, data.i32("b"));
    assertArrayEquals(new int[] {3, 2}, data.i32("n"));
    assertEquals(5, data.stored("b"));
    assertEquals(List.of("b", "n"), List.copyOf(data.columns()));
  }
}
