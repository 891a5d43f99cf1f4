package dev.adjoint.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One JSON object per line: members as text, every escape, and what is not an object. */
class JsonLineTest {
  @Test
  void membersKeepTheirOrderAndValuesAsText() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("s", "a\tb\rc\bd\fe/f\\g\"h\ni\u00e9");
    expected.put("n", "-1.5e3");
    expected.put("t", "true");
    expected.put("z", "null");
    expected.put("a", "[1, {\"x\": \"]\"}]");
    expected.put("o", "{}");
    assertEquals(expected, JsonLine.members(" { \"s\" : \"a\\tb\\rc\\bd\\fe\\/f\\\\g\\\"h\\ni\\u00E9\", \"n\":-1.5e3,"
        + "\"t\": true ,\"z\":null, \"a\": [1, {\"x\": \"]\"}], \"o\": {} }  "));
    assertEquals(Map.of(), JsonLine.members("{}"));
    assertEquals(List.of("k"), List.copyOf(JsonLine.members("{\"k\":\"\"}").keySet()));
  }

  @Test
  void whatIsNotOneObjectIsRefusedWithWhereAndWhy() {
    Map<String, String> errors = new LinkedHashMap<>();
    errors.put("{\"a\": 1} x", "text after the object at character 10");
    errors.put("{\"a\": \"b}", "an unterminated string at character 10");
    errors.put("{\"a\": \"\\q\"}", "unknown escape \\q at character 10");
    errors.put("{\"a\": \"\\u12\"}", "a \\u escape needs four hex digits at character 10");
    errors.put("{\"a\": \"\\u12zz\"}", "a \\u escape needs four hex digits at character 10");
    errors.put("{\"a\": \"\\u1", "a \\u escape needs four hex digits at character 10");
    errors.put("{\"a\": \"\\", "an unterminated string at character 9");
    errors.put("{\"a\": [1, [2]", "an unclosed array or object at character 14");
    errors.put("{\"a\": [1, 2}", "'}' expected at character 13");
    errors.put("{\"a\": }", "a value expected at character 7");
    errors.put("{a: 1}", "a string expected at character 2");
    errors.put("{\"a\" 1}", "':' expected at character 6");
    errors.put("", "'{' expected at character 1");
    errors.put("{\"a\": 1", "'}' expected at character 8");
    errors.forEach((line, message) -> assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> JsonLine.members(line), line).getMessage(), line));
  }
}
