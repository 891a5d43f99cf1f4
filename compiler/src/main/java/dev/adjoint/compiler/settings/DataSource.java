package dev.adjoint.compiler.settings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code data} of a train block: a CSV file, one IDX or npy file per input and
 * target, a plain text cut into windows of ids, or a table of texts and labels featurized as
 * the block's {@code features} say. Paths are as written, relative to the .nn file's folder ({@link TrainConfig#resolve}).
 */
public sealed interface DataSource {

  /** The result of the function for this source's kind. */
  <R> R match(Function<CsvFile, R> csv, Function<IdxFiles, R> idx, Function<NpyFiles, R> npy,
      Function<TextFile, R> text, Function<LabelledTexts, R> texts);

  /** The columns of one input or target, as written: one name, or a tuple of names. */
  record Columns(List<String> names, boolean tuple) {
    public Columns {
      names = List.copyOf(names);
    }

    @Override
    public String toString() {
      return OptionText.names(names, tuple);
    }
  }

  /**
   * {@code csv(path, header, delimiter, x = (...), y = "...")}.
   *
   * @param columns by input or target, in the model's order; empty when the model has one
   *     input and one target and the last column is the target
   */
  record CsvFile(String path, boolean header, String delimiter, Map<String, Columns> columns) implements DataSource {
    public CsvFile {
      columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    @Override
    public <R> R match(Function<CsvFile, R> csv, Function<IdxFiles, R> idx, Function<NpyFiles, R> npy,
        Function<TextFile, R> text, Function<LabelledTexts, R> texts) {
      return csv.apply(this);
    }

    @Override
    public String toString() {
      OptionText text = OptionText.call("csv").string("path", path).bool("header", header)
          .string("delimiter", delimiter);
      columns.forEach(text::shown);
      return text.toString();
    }
  }

  /** {@code idx(x = "...", y = "...", scale)}: one file per input and target, inputs times {@code scale}. */
  record IdxFiles(Map<String, String> files, double scale) implements DataSource {
    public IdxFiles {
      files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    @Override
    public <R> R match(Function<CsvFile, R> csv, Function<IdxFiles, R> idx, Function<NpyFiles, R> npy,
        Function<TextFile, R> text, Function<LabelledTexts, R> texts) {
      return idx.apply(this);
    }

    @Override
    public String toString() {
      OptionText text = OptionText.call("idx");
      files.forEach(text::string);
      return text.number("scale", scale).toString();
    }
  }

  /** {@code npy(x = "...", y = "...")}: one file per input and target. */
  record NpyFiles(Map<String, String> files) implements DataSource {
    public NpyFiles {
      files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    @Override
    public <R> R match(Function<CsvFile, R> csv, Function<IdxFiles, R> idx, Function<NpyFiles, R> npy,
        Function<TextFile, R> text, Function<LabelledTexts, R> texts) {
      return npy.apply(this);
    }

    @Override
    public String toString() {
      OptionText text = OptionText.call("npy");
      files.forEach(text::string);
      return text.toString();
    }
  }

  /**
   * {@code text(path, bytes, stride)}: windows of a plain text's ids (its characters, or its
   * UTF-8 bytes) for a model with one input and one target, both [B, T]: the ids and the next ids.
   *
   * @param stride the step between windows' starts; 0 for the window's length
   */
  record TextFile(String path, boolean bytes, int stride) implements DataSource {
    @Override
    public <R> R match(Function<CsvFile, R> csv, Function<IdxFiles, R> idx, Function<NpyFiles, R> npy,
        Function<TextFile, R> text, Function<LabelledTexts, R> texts) {
      return text.apply(this);
    }

    @Override
    public String toString() {
      return OptionText.call("text").string("path", path).bool("bytes", bytes).number("stride", stride).toString();
    }
  }

  /**
   * {@code texts(path, text = "COLUMN", TARGET = "COLUMN", format, header)}: a text column of a
   * TSV, CSV or JSON-lines file featurized into the model's inputs as the block's
   * {@code features} say, and each target's label column.
   *
   * @param format {@code auto} (by the file's extension), {@code tsv}, {@code csv} or {@code jsonl}
   * @param labels the label column of each target, by target
   * @param features how each text becomes the inputs' row
   */
  record LabelledTexts(String path, String text, String format, boolean header, Map<String, String> labels,
      dev.adjoint.runtime.features.TextFeatures features) implements DataSource {
    public LabelledTexts {
      labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    @Override
    public <R> R match(Function<CsvFile, R> csv, Function<IdxFiles, R> idx, Function<NpyFiles, R> npy,
        Function<TextFile, R> text, Function<LabelledTexts, R> texts) {
      return texts.apply(this);
    }

    @Override
    public String toString() {
      OptionText out = OptionText.call("texts").string("path", path).string("text", text).shown("format", format)
          .bool("header", header);
      labels.forEach(out::string);
      return out + " with features " + features.toText();
    }
  }
}
