package dev.adjoint.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The safetensors header's JSON subset at its edges: whitespace, digits, escapes and control characters. */
class HeaderParserTest {
  private static final Path FILE = Path.of("model.safetensors");

  private static Map<String, Object> parse(String text) {
    return HeaderParser.parse(FILE, text);
  }

  private static String error(String text) {
    return assertThrows(CheckpointException.class, () -> parse(text)).getMessage();
  }

  @Test
  void whitespaceIsAllowedAroundEveryToken() {
    Map<String, Object> header = parse("{ \"w\" :\t{ \"dtype\" : \"F32\" , \"shape\" : [ 2 , 3 ] ,\n"
        + " \"data_offsets\" : [ 0 , 24 ] } , \"__metadata__\" : { } }\r\n ");
    @SuppressWarnings("unchecked")
    Map<String, Object> w = (Map<String, Object>) header.get("w");
    assertEquals("F32", w.get("dtype"));
    assertArrayEquals(new long[] {2, 3}, (long[]) w.get("shape"));
    assertArrayEquals(new long[] {0, 24}, (long[]) w.get("data_offsets"));
    assertEquals(Map.of(), header.get("__metadata__"));
    assertArrayEquals(new long[0], (long[]) ((Map<?, ?>) parse("{\"a\": {\"s\": [ ]}}").get("a")).get("s"));
  }

  @Test
  void integersTakeEveryDigitAndNothingElse() {
    Map<?, ?> entry = (Map<?, ?>) parse("{\"a\": {\"s\": [0, 9, 90, 19, 1234567890, 9223372036854775807]}}").get("a");
    assertArrayEquals(new long[] {0, 9, 90, 19, 1234567890, Long.MAX_VALUE}, (long[]) entry.get("s"));
    for (String notADigit : List.of("/", ":", "-1", "+1")) {
      assertTrue(error("{\"a\": {\"s\": [" + notADigit + "]}}").contains("expected a non-negative integer"), notADigit);
    }
    assertTrue(error("{\"a\": {\"s\": [9:]}}").contains("expected ',' or ']' but found"));
    assertTrue(error("{\"a\": {\"s\": [9223372036854775808]}}").contains("the integer is too large"));
  }

  @Test
  void unicodeEscapesNeedFourDigitsEvenAtTheEndOfTheText() {
    assertEquals(Map.of("A\u00e9", Map.of()), parse("{\"\\u0041\\u00E9\": {}}"));
    assertTrue(error("{\"\\u00").contains("a \\u escape needs four hexadecimal digits"));
    // four digits exactly at the end: the escape is fine, the string is not closed
    assertTrue(error("{\"\\u0041").contains("the string is not closed"), error("{\"\\u0041"));
    assertTrue(error("{\"\\u00G1\": {}}").contains("four hexadecimal digits"));
  }

  @Test
  void controlCharactersMustBeEscapedButASpaceNeedNot() {
    assertEquals(Map.of("a b", Map.of()), parse("{\"a b\": {}}"));
    String message = error("{\"a\u001fb\": {}}");
    assertTrue(message.contains("a control character (U+001F) must be escaped"), message);
    assertTrue(message.contains("at character 3"), message);
  }
}
