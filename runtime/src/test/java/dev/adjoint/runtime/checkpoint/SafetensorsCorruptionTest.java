package dev.adjoint.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a file can be broken is reported, naming the file and what is wrong, never read past. */
class SafetensorsCorruptionTest {
  @TempDir
  Path dir;

  private static String entry(String name, String dtype, String shape, long begin, long end) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
        + end + "]}";
  }

  private String failure(Path file) {
    CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.read(file));
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    assertEquals(file, e.file());
    return e.getMessage().substring(file.toString().length() + 2);
  }

  private Path valid() {
    Path file = dir.resolve("valid.safetensors");
    Safetensors.write(file, Map.of("w", TensorData.f32(new int[] {2, 2}, new float[] {1, 2, 3, 4}),
        "n", TensorData.i32(new int[] {3}, new int[] {1, 2, 3})), Map.of("k", "v"));
    return file;
  }

  @Test
  void truncatedDataIsReported() throws IOException {
    Path file = valid();
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
    assertEquals("tensor 'n' has data_offsets [16,28] past the end of the data section, which has 25 bytes"
        + " (the file is truncated or the offsets are wrong)", failure(file));
  }

  @Test
  void extraBytesAfterTheDataAreReported() throws IOException {
    Path file = valid();
    Files.write(file, new byte[] {1, 2}, StandardOpenOption.APPEND);
    assertEquals("the file is 2 bytes longer than its tensors: the data section has 30 bytes but the tensors"
        + " cover 28", failure(file));
  }

  @Test
  void aFileShorterThanTheLengthPrefixIsReported() throws IOException {
    Path file = Files.write(dir.resolve("tiny.safetensors"), new byte[] {1, 2, 3});
    assertEquals("is 3 bytes long, too short for the 8-byte header length of a safetensors file", failure(file));
    Files.write(file, new byte[0]);
    assertEquals("is 0 bytes long, too short for the 8-byte header length of a safetensors file", failure(file));
  }

  @Test
  void aHeaderLengthBeyondTheFileIsReported() throws IOException {
    byte[] header = "{}".getBytes(StandardCharsets.UTF_8);
    Path file = RawFiles.write(dir.resolve("long.safetensors"), 1000, header, new byte[0]);
    assertEquals("declares a header of 1000 bytes, but only 2 bytes follow the header length (truncated, or not a"
        + " safetensors file?)", failure(file));
  }

  @Test
  void anAbsurdHeaderLengthIsReported() throws IOException {
    Path file = RawFiles.write(dir.resolve("huge.safetensors"), -1, new byte[8], new byte[0]);
    assertEquals("declares a header of 18446744073709551615 bytes, more than the format's limit of 100000000 (not a"
        + " safetensors file?)", failure(file));
    Files.write(file, "PK\u0003\u0004 this is a zip file".getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(failure(file).contains("more than the format's limit"));
  }

  @Test
  void aMissingFileIsReported() {
    assertEquals("no such file", failure(dir.resolve("absent.safetensors")));
  }

  static Stream<Arguments> badHeaders() {
    return Stream.of(
        Arguments.of("offsets out of range",
            "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[1]", 8, 12) + "}", 8,
            "tensor 'b' has data_offsets [8,12] past the end of the data section, which has 8 bytes (the file is"
                + " truncated or the offsets are wrong)"),
        Arguments.of("overlapping tensors",
            "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", 12,
            "the data of tensor 'b' [4,12] overlaps that of tensor 'a' [0,8]"),
        Arguments.of("two tensors on the same bytes",
            "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "I32", "[2]", 0, 8) + "}", 8,
            "the data of tensor 'b' [0,8] overlaps that of tensor 'a' [0,8]"),
        Arguments.of("a gap between tensors",
            "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", 12,
            "bytes 4..8 of the data section, before tensor 'b' [8,12], belong to no tensor"),
        Arguments.of("wrong size for the dtype",
            "{" + entry("a", "F64", "[2,2]", 0, 16) + "}", 16,
            "tensor 'a' is F64 of shape [2,2], which takes 32 bytes, but its data_offsets [0,16] span 16"),
        Arguments.of("wrong size for the dtype, not at the start",
            "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F64", "[2]", 4, 12) + "}", 12,
            "tensor 'b' is F64 of shape [2], which takes 16 bytes, but its data_offsets [4,12] span 8"),
        Arguments.of("the largest dimension Java takes, with too little data",
            "{" + entry("a", "I32", "[2147483647]", 0, 4) + "}", 4,
            "tensor 'a' is I32 of shape [2147483647], which takes 8589934588 bytes, but its data_offsets [0,4] span 4"),
        Arguments.of("a dimension too large for Java",
            "{" + entry("a", "I32", "[2147483648]", 0, 4) + "}", 4,
            "tensor 'a' has dimension 2147483648, too large for Java"),
        Arguments.of("more elements than a Java array holds",
            "{" + entry("a", "I32", "[2,1073741824]", 0, 4) + "}", 4,
            "tensor 'a' of shape [2,1073741824] has more elements than a Java array can hold"),
        Arguments.of("offsets that end before they begin",
            "{" + entry("a", "F32", "[1]", 8, 4) + "}", 8,
            "tensor 'a' has data_offsets [8,4] that end before they begin"),
        Arguments.of("a dtype Adjoint does not read",
            "{" + entry("a", "BF16", "[2]", 0, 4) + "}", 4,
            "tensor 'a' has dtype BF16, which Adjoint does not read; it reads F32, F64 and I32"),
        Arguments.of("an unknown dtype",
            "{" + entry("a", "float32", "[1]", 0, 4) + "}", 4,
            "tensor 'a' has unknown dtype \"float32\"; Adjoint reads F32, F64 and I32"),
        Arguments.of("a missing field",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4,
            "tensor 'a' has no data_offsets"),
        Arguments.of("an unexpected field",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"offsets\":[0,4]}}", 4,
            "tensor 'a' has an unexpected field 'offsets'; an entry has dtype, shape and data_offsets"),
        Arguments.of("three offsets",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4,
            "tensor 'a' has 3 data_offsets; it needs two, [begin, end]"),
        Arguments.of("a shape that is a string",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":\"[1]\",\"data_offsets\":[0,4]}}", 4,
            "tensor 'a' has a shape that is a string, not an array of integers"),
        Arguments.of("an entry that is a string",
            "{\"a\":\"F32\"}", 0,
            "the entry of tensor 'a' must be an object, not a string"),
        Arguments.of("metadata that is not a map of strings",
            "{\"__metadata__\":{\"epoch\":[3]}}", 0,
            "__metadata__ must map strings to strings, but 'epoch' maps to an array"),
        Arguments.of("a dimension too large for Java",
            "{" + entry("a", "F32", "[4294967296]", 0, 4) + "}", 4,
            "tensor 'a' has dimension 4294967296, too large for Java"),
        Arguments.of("too many elements for an array",
            "{" + entry("a", "F32", "[65536,65536]", 0, 4) + "}", 4,
            "tensor 'a' of shape [65536,65536] has more elements than a Java array can hold"),
        Arguments.of("not an object",
            "[1,2]", 0,
            "malformed header JSON at character 0: the header must be a JSON object starting with '{', found '['"),
        Arguments.of("leading whitespace",
            " {}", 0,
            "malformed header JSON at character 0: the header must be a JSON object starting with '{', found ' '"),
        Arguments.of("a boolean",
            "{\"__metadata__\":{\"ok\":true}}", 0,
            "malformed header JSON at character 22: expected an object, a string or an array but found 't'; a"
                + " safetensors header holds nothing else"),
        Arguments.of("a negative number",
            "{" + entry("a", "F32", "[-1]", 0, 4) + "}", 4,
            "malformed header JSON at character 29: expected a non-negative integer but found '-'; arrays in a"
                + " safetensors header hold only those"),
        Arguments.of("a fraction",
            "{" + entry("a", "F32", "[1.0]", 0, 4) + "}", 4,
            "malformed header JSON at character 30: expected a whole number, found a fraction or exponent"),
        Arguments.of("a leading zero",
            "{" + entry("a", "F32", "[01]", 0, 4) + "}", 4,
            "malformed header JSON at character 29: an integer with a leading zero is not JSON"),
        Arguments.of("an integer beyond 64 bits",
            "{" + entry("a", "F32", "[99999999999999999999]", 0, 4) + "}", 4,
            "malformed header JSON at character 29: the integer is too large"),
        Arguments.of("a duplicate tensor",
            "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("a", "F32", "[1]", 0, 4) + "}", 4,
            "malformed header JSON at character 54: the key \"a\" appears twice in the same object"),
        Arguments.of("a nested object",
            "{\"__metadata__\":{\"k\":{}}}", 0,
            "malformed header JSON at character 21: an object nested deeper than a safetensors header has them"),
        Arguments.of("a trailing comma",
            "{\"__metadata__\":{\"k\":\"v\",}}", 0,
            "malformed header JSON at character 25: expected a key (a string) but found '}'"),
        Arguments.of("a missing colon",
            "{\"__metadata__\" {}}", 0,
            "malformed header JSON at character 16: expected ':' but found '{'"),
        Arguments.of("an unclosed string",
            "{\"__metadata__\":{\"k\":\"v}}", 0,
            "malformed header JSON at character 25: the string is not closed"),
        Arguments.of("an unclosed object",
            "{\"__metadata__\":{}", 0,
            "malformed header JSON at character 18: expected ',' or '}' but found the end of the header"),
        Arguments.of("text after the header",
            "{}  x", 0,
            "malformed header JSON at character 4: unexpected 'x' after the header's closing '}'"),
        Arguments.of("padding with something other than whitespace",
            "{}\u0000\u0000", 0,
            "malformed header JSON at character 2: unexpected U+0000 after the header's closing '}'"),
        Arguments.of("a raw newline in a string",
            "{\"__metadata__\":{\"k\":\"a\nb\"}}", 0,
            "malformed header JSON at character 23: a control character (U+000A) must be escaped in a string"),
        Arguments.of("an unknown escape",
            "{\"__metadata__\":{\"k\":\"a\\qb\"}}", 0,
            "malformed header JSON at character 23: unknown escape '\\q' in a string"),
        Arguments.of("a short unicode escape",
            "{\"__metadata__\":{\"k\":\"\\u12\"}}", 0,
            "malformed header JSON at character 24: a \\u escape needs four hexadecimal digits"),
        Arguments.of("a lone surrogate escape",
            "{\"__metadata__\":{\"k\":\"\\ud800x\"}}", 0,
            "malformed header JSON at character 22: a lone surrogate escape is not valid Unicode"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badHeaders")
  void badHeadersAreReported(String what, String header, int dataLength, String expected) throws IOException {
    Path file = RawFiles.write(dir.resolve("bad.safetensors"), header, dataLength);
    assertEquals(expected, failure(file), what);
  }

  @Test
  void aHeaderThatIsNotUtf8IsReported() throws IOException {
    byte[] header = {'{', '"', (byte) 0xC3, '"', ':', '{', '}', '}'};
    Path file = RawFiles.write(dir.resolve("latin1.safetensors"), header.length, header, new byte[0]);
    assertEquals("has a header that is not valid UTF-8", failure(file));
  }

  @Test
  void aFlippedLengthByteIsCaught() throws IOException {
    Path file = valid();
    byte[] bytes = Files.readAllBytes(file);
    long length = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    bytes[0] = (byte) (length - 8);
    Files.write(file, bytes);
    assertTrue(failure(file).startsWith("malformed header JSON"));
  }
}
