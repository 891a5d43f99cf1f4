package dev.adjoint.compiler.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.data.DataException;
import dev.adjoint.data.TextTable;
import dev.adjoint.runtime.predict.Predictor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which class names a model's target gets: declared, recorded, collected (sorted by code point) or indices. */
class TargetClassesTest {
  private static Graph graph(String classes) {
    return Adjoint.check("t.nn", """
        model t {
          input  x: f32[B, 2]
          target y: class[B] of CLASSES
          output p = softmax(dense(x, 3))
          loss = cross_entropy(p, y)
        }
        """.replace("CLASSES", classes), null, List.of()).graph();
  }

  private static TextTable.Rows rows(String... labels) {
    int[] lines = new int[labels.length];
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      lines[i] = i + 2;
      texts.add("text");
    }
    return new TextTable.Rows(Path.of("train.tsv"), texts, List.of(labels), lines);
  }

  @Test
  void collectedNamesAreSortedByCodePointNotByUtf16() {
    // U+1F600 (a surrogate pair in UTF-16) sorts after U+FB01 by code point, before it by UTF-16 unit
    TargetClasses classes = TargetClasses.of(graph("3"));
    List<String> names = classes.labelNames(rows("\uFB01", "\uD83D\uDE00", "b", "\uFB01"));
    assertEquals(List.of("b", "\uFB01", "\uD83D\uDE00"), names);
    assertTrue(classes.collected());
    assertEquals(names, classes.names());
    assertEquals(names, classes.labelNames(rows("b")), "decided once, by the first (training) rows");
  }

  @Test
  void labelsThatAreAllClassIndicesStayIndices() {
    TargetClasses classes = TargetClasses.of(graph("3"));
    assertEquals(List.of(), classes.labelNames(rows("2", "0", "0")));
    assertFalse(classes.collected());
    assertEquals(List.of("0", "1", "2"), classes.names());
    assertEquals(List.of(), classes.namedClasses());
    // an index out of range makes them names ("3" is no index of 3 classes)
    assertEquals(List.of("1", "2", "3"), TargetClasses.of(graph("3")).labelNames(rows("1", "2", "3")));
  }

  @Test
  void declaredNamesWinOverRecordedOnesAndRecordedOverCollecting() {
    Map<String, String> metadata = Map.of(Predictor.CLASSES_KEY, Predictor.joinLines(List.of("u", "v", "w")));
    TargetClasses declared = TargetClasses.recorded(graph("(\"a\", \"b\", \"c\")"), metadata);
    assertEquals(List.of("a", "b", "c"), declared.labelNames(rows("c", "zz")), "the data module reports a bad label");
    assertFalse(declared.collected());
    TargetClasses recorded = TargetClasses.recorded(graph("3"), metadata);
    assertEquals(List.of("u", "v", "w"), recorded.names());
    DataException unseen = assertThrows(DataException.class, () -> recorded.labelNames(rows("u", "x")));
    assertTrue(unseen.getMessage().startsWith("train.tsv:3: label \"x\" is not among the 3 classes collected from "
        + "the training set, as the checkpoint records them (u, v, w)"), unseen.getMessage());
    TargetClasses indices = TargetClasses.recorded(graph("3"), Map.of(Predictor.CLASSES_KEY, "0\n1\n2"));
    assertEquals(List.of(), indices.labelNames(rows("1")));
  }
}
