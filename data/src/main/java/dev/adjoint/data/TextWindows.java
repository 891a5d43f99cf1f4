package dev.adjoint.data;

import dev.adjoint.runtime.model.TensorSpec;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A plain text corpus as fixed-length windows of ids, for a language model: row r holds the
 * ids at positions s .. s+T-1 (the input) and s+1 .. s+T (the target: each next id), with
 * s = r·stride. The rows are {@link Dataset#ordered()}, so a split cuts the text by position
 * (training text first); with a stride below T, neighbouring windows overlap, and the T
 * characters around a cut are seen by both sides.
 */
public final class TextWindows {
  private TextWindows() {}

  /** The text of a corpus file, as UTF-8; a file that is not UTF-8 is refused. */
  public static String read(Path file) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new DataException(file + ": not UTF-8 text", e);
    } catch (IOException e) {
      throw new DataException(file + ": cannot be read (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The windows of {@code file} for an input {@code ids [B, T]} and a target {@code next [B, T]}
   * (both i32), ids below {@code classes}.
   *
   * @param stride the step between windows' starts; 0 for T (windows side by side)
   */
  public static Dataset load(Path file, TextVocabulary vocabulary, int stride, TensorSpec ids, TensorSpec next,
      int classes) {
    int window = ids.shape()[1];
    int step = stride == 0 ? window : stride;
    if (vocabulary.size() > classes) {
      throw new DataException(file + ": the text has " + vocabulary.size() + " distinct "
          + (vocabulary.bytes() ? "byte values" : "characters") + " but the model's " + next.name() + " has "
          + classes + " classes; give it at least " + vocabulary.size());
    }
    int[] text = vocabulary.encode(read(file), file.toString());
    int rows = text.length <= window ? 0 : (text.length - window - 1) / step + 1;
    if (rows == 0) {
      throw new DataException(file + ": " + text.length + " ids, too short for one window of " + window
          + " and its next id");
    }
    int[] x = new int[rows * window];
    int[] y = new int[rows * window];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(text, r * step, x, r * window, window);
      System.arraycopy(text, r * step + 1, y, r * window, window);
    }
    return Dataset.builder(rows).add(ids, x).add(next, y).ordered().build();
  }
}
