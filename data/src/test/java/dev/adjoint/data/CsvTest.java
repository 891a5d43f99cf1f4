package dev.adjoint.data;

import static dev.adjoint.data.Specs.f32;
import static dev.adjoint.data.Specs.f64;
import static dev.adjoint.data.Specs.i32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {
  private static final List<String> SPECIES = List.of("setosa", "versicolor", "virginica");

  @TempDir
  Path dir;

  // ---- reading ---------------------------------------------------------------------

  @Test
  void namedColumnsFeedTheirTensorsInOrder() throws IOException {
    Path file = write("a,label,b,c,w\n1,y,2,3,0.1\n4,x,5,6,0.2\n");
    Dataset d = Csv.read(file, true, ',', Map.of("x", List.of("c", "a"), "y", List.of("label"), "w", List.of("w")),
        Specs.of(f32("x", 2), i32("y"), f64("w")), Map.of("y", List.of("x", "y")), Map.of("y", 2));
    assertEquals(2, d.size());
    assertEquals(List.of("x", "y", "w"), List.copyOf(d.columns()));
    assertArrayEquals(new float[] {3, 1, 6, 4}, d.f32("x"));
    assertArrayEquals(new int[] {1, 0}, d.i32("y"));
    assertArrayEquals(new double[] {0.1, 0.2}, d.f64("w"));
    assertEquals(f32("x", 2), d.spec("x"));
  }

  @Test
  void classNamesAndIndicesBothMapToIndices() throws IOException {
    Path file = write("f,species\n1,virginica\n2,0\n3,setosa\n4,2\n5,versicolor\n");
    Dataset d = Csv.read(file, true, ',', Map.of("x", List.of("f"), "s", List.of("species")),
        Specs.of(f32("x"), i32("s")), Map.of("s", SPECIES), Map.of("s", 3));
    assertArrayEquals(new int[] {2, 0, 0, 2, 1}, d.i32("s"));
  }

  @Test
  void aTargetOfACountReadsIndices() throws IOException {
    Path file = write("f,label\n1,2\n2,0\n3,1.0\n");
    Dataset d = Csv.read(file, true, ',', Map.of("x", List.of("f"), "y", List.of("label")),
        Specs.of(f32("x"), i32("y")), Map.of("y", List.of()), Map.of("y", 3));
    assertArrayEquals(new int[] {2, 0, 1}, d.i32("y"));
  }

  @Test
  void anI32ColumnWithoutClassesReadsIntegers() throws IOException {
    Path file = write("t1,t2,v\n7,-3,1e3\n0,12,.5\n");
    Dataset d = Csv.read(file, true, ',', Map.of("ids", List.of("t1", "t2"), "v", List.of("v")),
        Specs.of(i32("ids", 2), f32("v", 1)), Map.of(), Map.of());
    assertArrayEquals(new int[] {7, -3, 0, 12}, d.i32("ids"));
    assertArrayEquals(new float[] {1000, 0.5f}, d.f32("v"));
  }

  @Test
  void withoutNamedColumnsTheLastIsTheTarget() throws IOException {
    Path file = write("p,q,r,y\n1,2,3,4\n5,6,7,8\n");
    Dataset d = Csv.read(file, true, ',', Map.of(), Specs.of(f32("x", 3), f32("y", 1)), Map.of(), Map.of());
    assertArrayEquals(new float[] {1, 2, 3, 5, 6, 7}, d.f32("x"));
    assertArrayEquals(new float[] {4, 8}, d.f32("y"));
  }

  @Test
  void withoutNamedColumnsAClassTargetDeclaredFirstIsStillTheLastColumn() throws IOException {
    Path file = write("1,2,b\n3,4,a\n");
    Dataset d = Csv.read(file, false, ',', Map.of(), Specs.of(i32("y"), f32("x", 2)),
        Map.of("y", List.of("a", "b")), Map.of("y", 2));
    assertArrayEquals(new int[] {1, 0}, d.i32("y"));
    assertArrayEquals(new float[] {1, 2, 3, 4}, d.f32("x"));
  }

  @Test
  void delimitersQuotesSpacesBlankLinesAndByteOrderMarks() throws IOException {
    Path file = write("\uFEFFa;\"b\"\n\n  1.5 ; \"2\"\n3;4\n\n");
    Dataset d = Csv.read(file, true, ';', Map.of("x", List.of("a", "b")), Specs.of(f32("x", 2)), Map.of(),
        Map.of());
    assertArrayEquals(new float[] {1.5f, 2, 3, 4}, d.f32("x"));
    Path tabs = write("a\tb\n1\t2\n");
    Dataset t = Csv.read(tabs, true, '\t', Map.of(), Specs.of(f32("x", 1), f32("y")), Map.of(), Map.of());
    assertArrayEquals(new float[] {1}, t.f32("x"));
    assertArrayEquals(new float[] {2}, t.f32("y"));
  }

  @Test
  void f32CellsAreRoundedOnceAndF64CellsKeepTheirDigits() throws IOException {
    Path file = write("a,b\n0.1,0.1\n16777217,16777217\n");
    Dataset d = Csv.read(file, true, ',', Map.of("x", List.of("a"), "z", List.of("b")), Specs.of(f32("x"), f64("z")),
        Map.of(), Map.of());
    assertArrayEquals(new float[] {0.1f, 16777216f}, d.f32("x"));
    assertArrayEquals(new double[] {0.1, 16777217}, d.f64("z"));
  }

  // ---- the shipped examples ----------------------------------------------------------

  @Test
  void readsSalammbo() {
    Dataset d = Csv.read(Path.of("../examples/salammbo/data/salammbo.csv"), true, ',',
        Map.of("x", List.of("letters", "a_count"), "lang", List.of("language")),
        Specs.of(f32("x", 2), i32("lang")), Map.of("lang", List.of("en", "fr")), Map.of("lang", 2));
    assertEquals(30, d.size());
    assertArrayEquals(new float[] {36961, 2503}, new float[] {(float) d.get("x", 0, 0), (float) d.get("x", 0, 1)});
    int french = 0;
    for (int c : d.i32("lang")) {
      french += c;
    }
    assertEquals(15, french);
    assertEquals(1, d.i32("lang")[0]);
    assertEquals(0, d.i32("lang")[15]);
  }

  @Test
  void readsIris() {
    Dataset d = Csv.read(Path.of("../examples/iris/data/iris.csv"), true, ',',
        Map.of("x", List.of("sepal_length", "sepal_width", "petal_length", "petal_width"),
            "species", List.of("species")),
        Specs.of(f32("x", 4), i32("species")), Map.of("species", SPECIES), Map.of("species", 3));
    assertEquals(150, d.size());
    assertArrayEquals(new float[] {5.1f, 3.5f, 1.4f, 0.2f}, java.util.Arrays.copyOf(d.f32("x"), 4));
    int[] counts = new int[3];
    for (int c : d.i32("species")) {
      counts[c]++;
    }
    assertArrayEquals(new int[] {50, 50, 50}, counts);
  }

  @Test
  void readsLinearByDefaultColumns() {
    Dataset d = Csv.read(Path.of("../examples/linear/data/linear.csv"), true, ',', Map.of(),
        Specs.of(f32("x", 3), f32("y", 1)), Map.of(), Map.of());
    assertEquals(200, d.size());
    assertArrayEquals(new float[] {-0.7047f, -1.3966f, 0.6037f}, java.util.Arrays.copyOf(d.f32("x"), 3));
    assertEquals(2.0922f, d.f32("y")[0]);
  }

  @Test
  void readsTheCompilerTestsTinyCsv() {
    Dataset d = Csv.read(Path.of("../compiler/src/test/resources/programs/valid/data/tiny.csv"), true, ',',
        Map.of(), Specs.of(f32("x", 3), i32("y")), Map.of("y", List.of("x", "y")), Map.of("y", 2));
    assertArrayEquals(new int[] {0, 1}, d.i32("y"));
  }

  // ---- errors ------------------------------------------------------------------------

  @Test
  void unknownColumnSuggestsTheClosestAndListsTheHeader() throws IOException {
    Path file = write("sepal_length,sepal_width,species\n1,2,setosa\n");
    assertError(file + ":1: no column 'sepal_lenght' for x; did you mean 'sepal_length'? The header has: "
        + "sepal_length, sepal_width, species", () -> irisLike(file, List.of("sepal_lenght", "sepal_width")));
    assertError(file + ":1: no column 'petal' for x; the header has: sepal_length, sepal_width, species",
        () -> irisLike(file, List.of("sepal_length", "petal")));
  }

  @Test
  void anImageInputTakesItsPixelColumnsInRowMajorHeightWidthChannelOrder() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      text.append('p').append(i).append(',');
    }
    text.append("y\n0,1,2,3,4,5,6,7,8,9,10,11,1\n");
    Path file = write(text.toString());
    Dataset d = Csv.read(file, true, ',', Map.of(), Specs.of(f32("x", 2, 2, 3), i32("y")), Map.of("y", List.of()), Map.of("y", 2));
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, d.f32("x"));
    assertError(file + ": x: f32[B,4,4,1] takes 16 columns, but the file has 12 besides the last, which feeds y:"
        + " p0, p1, p2, p3, p4, p5, p6, p7, ... (12 columns)", () -> Csv.read(file, true, ',', Map.of(),
        Specs.of(f32("x", 4, 4, 1), i32("y")), Map.of("y", List.of()), Map.of("y", 2)));
  }

  @Test
  void rowsWithAnotherNumberOfCells() throws IOException {
    Path file = write("a,b,c\n1,2,3\n4,5\n");
    assertError(file + ":3: expected 3 cells as the header has, got 2",
        () -> Csv.read(file, true, ',', Map.of(), Specs.of(f32("x", 2), f32("y")), Map.of(), Map.of()));
    Path noHeader = write("1,2,3\n\n4,5,6,7\n");
    assertError(noHeader + ":3: expected 3 cells as line 1 has, got 4",
        () -> Csv.read(noHeader, false, ',', Map.of(), Specs.of(f32("x", 2), f32("y")), Map.of(), Map.of()));
  }

  @Test
  void cellsThatAreNoNumbers() throws IOException {
    Path file = write("a,b,y\n1,2,3\n4,abc,6\n");
    assertError(file + ":3: column 'b': expected a number for x, got 'abc'",
        () -> Csv.read(file, true, ',', Map.of(), Specs.of(f32("x", 2), f32("y")), Map.of(), Map.of()));
    Path empty = write("a,b,y\n1,,3\n");
    assertError(empty + ":2: column 'b': expected a number for x, got an empty cell",
        () -> Csv.read(empty, true, ',', Map.of(), Specs.of(f64("x", 2), f32("y")), Map.of(), Map.of()));
    Path noHeader = write("1,2,3\n4,5,NaN\n");
    assertError(noHeader + ":2: column 3: expected a number for y, got 'NaN'",
        () -> Csv.read(noHeader, false, ',', Map.of(), Specs.of(f32("x", 2), f32("y")), Map.of(), Map.of()));
    Path ints = write("t,y\n1.5,1\n");
    assertError(ints + ":2: column 't': expected an integer for ids, got '1.5'",
        () -> Csv.read(ints, true, ',', Map.of(), Specs.of(i32("ids"), f32("y")), Map.of(), Map.of()));
  }

  @Test
  void unknownClassNamesListTheClasses() throws IOException {
    Path file = write("sepal_length,sepal_width,species\n1,2,setosa\n1,2,setosaa\n");
    assertError(file + ":3: column 'species': unknown class 'setosaa' for species; did you mean 'setosa'? "
        + "The classes are: setosa, versicolor, virginica",
        () -> irisLike(file, List.of("sepal_length", "sepal_width")));
    Path other = write("sepal_length,sepal_width,species\n1,2,rose\n");
    assertError(other + ":2: column 'species': unknown class 'rose' for species; the classes are: setosa, "
        + "versicolor, virginica", () -> irisLike(other, List.of("sepal_length", "sepal_width")));
  }

  @Test
  void classIndicesOutOfRange() throws IOException {
    Path file = write("sepal_length,sepal_width,species\n1,2,3\n");
    assertError(file + ":2: column 'species': class index 3 is out of range for species: expected 0..2",
        () -> irisLike(file, List.of("sepal_length", "sepal_width")));
    Path counted = write("f,label\n1,1\n2,-1\n");
    assertError(counted + ":3: column 'label': class index -1 is out of range for y: expected 0..1",
        () -> Csv.read(counted, true, ',', Map.of(), Specs.of(f32("x"), i32("y")), Map.of("y", List.of()),
            Map.of("y", 2)));
    Path named = write("f,label\n1,cat\n");
    assertError(named + ":2: column 'label': expected a class index 0..1 for y, got 'cat'",
        () -> Csv.read(named, true, ',', Map.of(), Specs.of(f32("x"), i32("y")), Map.of("y", List.of()),
            Map.of("y", 2)));
  }

  @Test
  void emptyFilesAndFilesWithoutRows() throws IOException {
    Path empty = write("");
    assertError(empty + ": the file is empty; expected a header line and rows of data",
        () -> Csv.read(empty, true, ',', Map.of(), Specs.of(f32("x"), f32("y")), Map.of(), Map.of()));
    assertError(empty + ": the file is empty; expected rows of data",
        () -> Csv.read(empty, false, ',', Map.of(), Specs.of(f32("x"), f32("y")), Map.of(), Map.of()));
    Path headerOnly = write("a,b\n\n");
    assertError(headerOnly + ": no rows of data after the header",
        () -> Csv.read(headerOnly, true, ',', Map.of(), Specs.of(f32("x"), f32("y")), Map.of(), Map.of()));
  }

  @Test
  void aFirstLineOfNumbersIsNoHeader() throws IOException {
    Path file = write("5.1,3.5,0\n4.9,3,1\n");
    assertError(file + ":1: expected a header of column names, got numbers: 5.1, 3.5, 0; if the file has no "
        + "header, read it with header = false",
        () -> Csv.read(file, true, ',', Map.of(), Specs.of(f32("x", 2), i32("y")), Map.of(), Map.of("y", 2)));
  }

  @Test
  void namedColumnsNeedAHeader() throws IOException {
    Path file = write("1,2\n");
    assertError(file + ": columns are named for x, y, but the file is read without a header (header = false), so "
        + "no column has a name", () -> Csv.read(file, false, ',', ordered("x", List.of("a"), "y", List.of("b")),
            Specs.of(f32("x"), f32("y")), Map.of(), Map.of()));
  }

  @Test
  void inputsTakeAsManyColumnsAsTheirSamplesHoldValues() throws IOException {
    Path file = write("a,b,c,y\n1,2,3,4\n");
    assertError(file + ": x: f32[B,4] takes 4 columns, but 3 are named: a, b, c",
        () -> Csv.read(file, true, ',', Map.of("x", List.of("a", "b", "c"), "y", List.of("y")),
            Specs.of(f32("x", 4), f32("y")), Map.of(), Map.of()));
    assertError(file + ": x: f32[B,2] takes 2 columns, but the file has 3 besides the last, which feeds y: a, b, c",
        () -> Csv.read(file, true, ',', Map.of(), Specs.of(f32("x", 2), f32("y")), Map.of(), Map.of()));
    assertError(file + ": y: f32[B,2] takes 2 columns, but only the last column feeds the target when no columns "
        + "are named", () -> Csv.read(file, true, ',', Map.of(), Specs.of(f32("x", 2), f32("y", 2)), Map.of(),
            Map.of()));
  }

  @Test
  void aLoneInputReadsEveryColumnInOrder() throws IOException {
    Path file = write("a,b,c\n1,2,3\n4,5,6\n");
    Dataset d = Csv.read(file, true, ',', Map.of(), Specs.of(f32("x", 3)), Map.of(), Map.of());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, d.f32("x"));
    Path bare = write("1,2\n3,4\n");
    assertError(bare + ": x: f32[B,3] takes 3 columns, but the file has 2",
        () -> Csv.read(bare, false, ',', Map.of(), Specs.of(f32("x", 3)), Map.of(), Map.of()));
  }

  @Test
  void aHeaderIsALineWithSomeCellThatIsNoNumber() throws IOException {
    assertTrue(Csv.startsWithHeader(write("a,b\n1,2\n"), ','));
    assertTrue(Csv.startsWithHeader(write("1,b\n1,2\n"), ','));
    assertFalse(Csv.startsWithHeader(write("1,-2.5e3\n1,2\n"), ','));
    assertFalse(Csv.startsWithHeader(write("\uFEFF1;2\n"), ';'), "a byte-order mark is no header");
    assertTrue(Csv.startsWithHeader(write(""), ','));
    Path missing = dir.resolve("absent.csv");
    assertError(missing + ": no such file", () -> Csv.startsWithHeader(missing, ','));
  }

  @Test
  void everyInputAndTargetNamesItsColumnsOrNone() throws IOException {
    Path file = write("a,b,c\n1,2,3\n");
    assertError(file + ": name the columns of each input and target; only a model of one input and one target, or "
        + "a single input, may leave them out", () -> Csv.read(file, true, ',', Map.of(), Specs.of(f32("x"), f32("z"), f32("y")),
            Map.of(), Map.of()));
    assertError(file + ": no columns are named for y; name the columns of every input and target",
        () -> Csv.read(file, true, ',', Map.of("x", List.of("a")), Specs.of(f32("x"), f32("y")), Map.of(),
            Map.of()));
    assertError(file + ": columns are named for 'xs', which is no input or target; did you mean 'x'? The inputs and "
        + "targets are: x, y",
        () -> Csv.read(file, true, ',', ordered("xs", List.of("a"), "y", List.of("b")), Specs.of(f32("x"), f32("y")),
            Map.of(), Map.of()));
  }

  @Test
  void aColumnNamedTwiceInTheHeaderIsAmbiguous() throws IOException {
    Path file = write("a,b,a\n1,2,3\n");
    assertError(file + ":1: column 'a' appears more than once in the header, so it is unclear which one feeds x",
        () -> Csv.read(file, true, ',', Map.of("x", List.of("a"), "y", List.of("b")), Specs.of(f32("x"), f32("y")),
            Map.of(), Map.of()));
  }

  @Test
  void malformedCsvAndMissingFiles() throws IOException {
    Path file = write("a,b\n1,2\n3,\"4\n");
    assertError(file + ":3: malformed CSV: EOF reached before encapsulated token finished",
        () -> Csv.read(file, true, ',', Map.of(), Specs.of(f32("x"), f32("y")), Map.of(), Map.of()));
    Path quote = write("a,b\n1,2\n\"3\"x,4\n");
    assertError(quote + ":3: malformed CSV: Invalid character between encapsulated token and delimiter",
        () -> Csv.read(quote, true, ',', Map.of(), Specs.of(f32("x"), f32("y")), Map.of(), Map.of()));
    Path latin1 = dir.resolve("latin1.csv");
    Files.write(latin1, "a,b\n1,2\n3,\"\u00e9\"\n".getBytes(StandardCharsets.ISO_8859_1));
    assertError(latin1 + ":3: the file is not UTF-8 text: byte 0xe9 is not part of a UTF-8 character; save it as "
        + "UTF-8",
        () -> Csv.read(latin1, true, ',', Map.of(), Specs.of(f32("x"), f32("y")), Map.of(), Map.of()));
    Path missing = dir.resolve("missing.csv");
    assertError(missing + ": no such file",
        () -> Csv.read(missing, true, ',', Map.of(), Specs.of(f32("x"), f32("y")), Map.of(), Map.of()));
  }

  // ---- helpers -----------------------------------------------------------------------

  private Dataset irisLike(Path file, List<String> features) {
    return Csv.read(file, true, ',', ordered("x", features, "species", List.of("species")),
        Specs.of(f32("x", 2), i32("species")), Map.of("species", SPECIES), Map.of("species", 3));
  }

  private static Map<String, List<String>> ordered(String a, List<String> aColumns, String b, List<String> bColumns) {
    Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    out.put(a, aColumns);
    out.put(b, bColumns);
    return out;
  }

  private Path write(String text) throws IOException {
    Path file = Files.createTempFile(dir, "data", ".csv");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  static void assertError(String expected, org.junit.jupiter.api.function.Executable call) {
    DataException e = assertThrows(DataException.class, call);
    assertEquals(expected, e.getMessage());
  }
}
