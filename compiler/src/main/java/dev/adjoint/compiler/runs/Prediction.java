package dev.adjoint.compiler.runs;

import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.settings.DataSource;
import dev.adjoint.data.Csv;
import dev.adjoint.data.DataException;
import dev.adjoint.data.Dataset;
import dev.adjoint.data.Standardization;
import dev.adjoint.data.TextData;
import dev.adjoint.data.TextTable;
import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.features.TextFeatures;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.Tensor;
import dev.adjoint.runtime.model.TensorSpec;
import dev.adjoint.runtime.predict.Standardizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint's predictions on the rows of a CSV file, or of one .npy or IDX file per input
 * ({@link PredictionInputs}): a CSV file's inputs are read as the
 * train block reads them (its CSV column names when the file has a header naming them, or
 * else every column in order for a model of one input); then an {@code idx} source's
 * {@code scale} applied; standardized with the statistics saved in the checkpoint), and
 * each row's outputs are written as CSV, with the most likely class named for an output
 * of one score per class or the one score of a binary classifier, after any columns of the
 * file passed through ({@code --keep}).
 */
public final class Prediction {
  /** The most rows one inference pass holds; larger inputs are predicted in chunks of this many. */
  static final int MAX_PREDICTION_BATCH = 1024;

  private final ModelUnit unit;
  private final CompiledModel model;
  private final Standardizer standardizer;
  /** The class names the checkpoint records (or the target declares), in the order of the scores. */
  private final List<String> classNames;
  /** A words model's vocabulary, as the checkpoint records it. */
  private final TrainedVocabulary vocabulary;

  private Prediction(ModelUnit unit, CompiledModel model, Standardizer standardizer, List<String> classNames,
      TrainedVocabulary vocabulary) {
    this.unit = unit;
    this.model = model;
    this.standardizer = standardizer;
    this.classNames = classNames;
    this.vocabulary = vocabulary;
  }

  /** The unit's model compiled, with the checkpoint's parameters and statistics loaded (checked to fit). */
  public static Prediction load(ModelUnit unit, Path checkpoint) {
    return load(unit, checkpoint, false);
  }

  /** As {@link #load(ModelUnit, Path)}, accepting a checkpoint with non-finite weights only when allowed. */
  public static Prediction load(ModelUnit unit, Path checkpoint, boolean allowNonFiniteWeights) {
    ModelFactory factory = ModelCompiler.compile(unit);
    CompiledModel model = factory.newModel(predictionBatch(unit.train().batch()));
    Map<String, String> metadata = Checkpoint.load(checkpoint, model, factory.key(), allowNonFiniteWeights);
    TargetClasses classes = TargetClasses.recorded(unit.graph(), metadata);
    return new Prediction(unit, model, Standardization.fromMetadata(metadata), classes.namedClasses(),
        TrainedVocabulary.recorded(metadata));
  }

  /**
   * The rows predicted at once: the declared batch, at most {@link #MAX_PREDICTION_BATCH}.
   * Rows are independent at inference, so the chunk size changes no output; the cap keeps a
   * train block's huge batch (sized for its data) from sizing the predictor's buffers.
   */
  static int predictionBatch(int declared) {
    return Math.max(1, Math.min(declared, MAX_PREDICTION_BATCH));
  }

  /**
   * What {@link #write} wrote: the number of rows, and how many of them have an output that
   * is not finite (NaN or infinite), with the first such row (1-based, -1 when none).
   */
  public record Written(int rows, int nonFiniteRows, int firstNonFiniteRow) {}

  /**
   * Writes a header line and one line of outputs per row of {@code input}. A row whose
   * outputs are not all finite is written as it is, with its class cells left empty (an
   * arg-max over NaN names no class); {@link Written} counts such rows, so that the caller
   * can fail.
   *
   * @throws DataException naming the file, line and column of a bad cell or a missing column
   */
  public Written write(Path input, Appendable out) {
    return write(new PredictionInputs(input, Map.of()), List.of(), out);
  }

  /**
   * As {@link #write(Path, Appendable)}, with the columns {@code keep} of the file (read as
   * text, by their header names) passed through before the outputs on each line.
   */
  public Written write(PredictionInputs inputs, List<String> keep, Appendable out) {
    Path input = inputs.csv();
    if (input == null && !keep.isEmpty()) {
      throw new DataException("--keep copies columns of a CSV input; .npy and IDX files have none to copy");
    }
    DataSource.LabelledTexts texts = textSource();
    if (texts != null) {
      if (input == null) {
        throw new DataException("model " + unit.name() + " reads text: give a file of texts (a column "
            + texts.text() + "), or --text");
      }
      TextTable.Rows rows = DataSources.rows(input, texts, null);
      return write(featurized(rows), keep, keptTexts(input, texts, keep, rows.size()), out);
    }
    Dataset rows = Standardization.apply(standardizer, scaled(input != null ? read(input) : inputs.readArrays(unit)));
    List<List<String>> kept = keep.isEmpty() ? List.of() : Csv.textColumns(input, delimiter(), keep);
    if (!keep.isEmpty() && kept.size() != rows.size()) {
      throw new DataException(input + ": " + kept.size() + " rows hold the kept columns but " + rows.size()
          + " were read as inputs");
    }
    return write(rows, keep, kept, out);
  }

  /**
   * For a model trained on a {@code texts(...)} source: one line per text, the text first, then
   * the outputs, the text featurized as the checkpoint's training data was.
   */
  public Written writeTexts(List<String> texts, Appendable out) {
    DataSource.LabelledTexts source = textSource();
    if (source == null) {
      throw new DataException("--text feeds a model trained on a texts(...) source; model " + unit.name()
          + " reads " + unit.train().data() + "; give --input");
    }
    int[] lines = new int[texts.size()];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = i + 1;
    }
    TextTable.Rows rows = new TextTable.Rows(Path.of("--text"), texts, List.of(), lines);
    return write(featurized(rows), List.of("text"), texts.stream().map(List::of).toList(), out);
  }

  /**
   * The columns {@code keep} of a text model's file, row by row: each read as the source reads
   * its text column (same format, header and skipped blank lines), so the rows line up.
   */
  private static List<List<String>> keptTexts(Path input, DataSource.LabelledTexts texts, List<String> keep, int rows) {
    List<List<String>> columns = new ArrayList<>();
    for (String column : keep) {
      columns.add(DataSources.column(input, texts, column));
    }
    List<List<String>> kept = new ArrayList<>(rows);
    for (int r = 0; r < rows && !keep.isEmpty(); r++) {
      List<String> cells = new ArrayList<>(keep.size());
      for (List<String> c : columns) {
        cells.add(c.get(r));
      }
      kept.add(cells);
    }
    return kept;
  }

  /** The texts source of the train block, or null. */
  private DataSource.LabelledTexts textSource() {
    return unit.train().data().match(c -> null, idx -> null, npy -> null, text -> null, texts -> texts);
  }

  /** Texts featurized into the model's inputs as the train block's features say. */
  private Dataset featurized(TextTable.Rows rows) {
    DataSource.LabelledTexts source = textSource();
    TextFeatures features = vocabulary.features(source.features(), () -> {
      throw new DataException("the checkpoint records no vocabulary for the words of model " + unit.name()
          + "; it was not written by a training run of it");
    });
    return TextData.load(rows, features, DataSources.specs(unit.graph()), null, List.of(), 0);
  }

  /** Writes the header and a line per row: the kept cells, then the outputs. */
  private Written write(Dataset rows, List<String> keep, List<List<String>> kept, Appendable out) {
    List<OutputColumns> outputs = outputColumns();
    int nonFinite = 0;
    int first = -1;
    try {
      List<String> header = new ArrayList<>(keep.stream().map(Prediction::quoted).toList());
      outputs.forEach(o -> header.addAll(o.header()));
      out.append(String.join(",", header)).append('\n');
      int batch = model.maxBatch();
      StringBuilder line = new StringBuilder();
      for (int from = 0; from < rows.size(); from += batch) {
        int count = Math.min(batch, rows.size() - from);
        fill(rows, from, count);
        model.predict(count);
        for (int r = 0; r < count; r++) {
          line.setLength(0);
          if (!keep.isEmpty()) {
            line.append(String.join(",", kept.get(from + r).stream().map(Prediction::quoted).toList()));
          }
          boolean finite = true;
          for (OutputColumns o : outputs) {
            finite &= o.appendRow(r, line);
          }
          if (!finite) {
            nonFinite++;
            first = first < 0 ? from + r + 1 : first;
          }
          out.append(line).append('\n');
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the predictions", e);
    }
    return new Written(rows.size(), nonFinite, first);
  }

  /** The delimiter of the train block's CSV source; a comma for other sources. */
  private char delimiter() {
    DataSource.CsvFile csv = unit.train().data().match(c -> c, idx -> null, npy -> null, text -> null, texts -> null);
    return csv != null ? csv.delimiter().charAt(0) : ',';
  }

  /** The inputs of the model (its targets left out), as a data set read from the CSV file. */
  private Dataset read(Path input) {
    DataSource.CsvFile csv = unit.train().data().match(c -> c, idx -> null, npy -> null, text -> null, texts -> null);
    char delimiter = delimiter();
    Map<String, TensorSpec> specs = new LinkedHashMap<>();
    Map<String, List<String>> columns = new LinkedHashMap<>();
    for (Node n : unit.graph().inputs()) {
      Attrs.Input a = n.attrs(Attrs.Input.class);
      if (!a.target()) {
        specs.put(a.name(), new TensorSpec(a.name(), DType.valueOf(n.dtype().name()), n.shape().dims()));
        if (csv != null && csv.columns().containsKey(a.name())) {
          columns.put(a.name(), csv.columns().get(a.name()).names());
        }
      }
    }
    boolean header = Csv.startsWithHeader(input, delimiter);
    if (!header && specs.size() == 1) {
      columns.clear();
    }
    if (columns.isEmpty() && specs.size() > 1) {
      throw new DataException(input + ": model " + unit.name() + " has several inputs (" + String.join(", ",
          specs.keySet()) + "), so its train block must name their columns, and the file needs a header with "
          + "those names");
    }
    return Csv.read(input, header, delimiter, columns, specs, Map.of(), Map.of(), IdLimits.of(unit.graph()));
  }

  /** The inputs as training saw them: times an idx source's scale, unchanged for other sources. */
  private Dataset scaled(Dataset read) {
    return unit.train().data().match(c -> read, idx -> scaled(read, idx.scale()), npy -> read, text -> read,
        texts -> read);
  }

  /** Floating-point inputs multiplied by the idx source's scale, as training saw them. */
  private static Dataset scaled(Dataset data, double scale) {
    Dataset.Builder out = Dataset.builder(data.size());
    for (String name : data.columns()) {
      TensorSpec spec = data.spec(name);
      switch (spec.dtype()) {
        case F32 -> {
          float[] v = data.f32(name);
          for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] * scale);
          }
          out.add(spec, v);
        }
        case F64 -> {
          double[] v = data.f64(name);
          for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
          }
          out.add(spec, v);
        }
        default -> out.add(spec, data.i32(name));
      }
    }
    return out.build();
  }

  /** Copies rows {@code from .. from + count} of every input column into the model's buffers. */
  private void fill(Dataset rows, int from, int count) {
    for (String name : rows.columns()) {
      Tensor t = model.input(name);
      int k = t.spec().sampleSize();
      for (int r = 0; r < count; r++) {
        for (int e = 0; e < k; e++) {
          t.set(r * k + e, rows.get(name, from + r, e));
        }
      }
    }
  }

  /** One group of CSV columns per output of the model. */
  private List<OutputColumns> outputColumns() {
    int classCount = -1;
    int classTargets = 0;
    for (Node n : unit.graph().inputs()) {
      Attrs.Input a = n.attrs(Attrs.Input.class);
      if (a.target() && a.classes() > 0) {
        classTargets++;
        classCount = a.classes();
      }
    }
    List<OutputColumns> out = new ArrayList<>();
    for (Tensor t : model.outputs().values()) {
      int k = t.spec().sampleSize();
      boolean classes = classTargets == 1 && k == classCount && k > 1;
      boolean binary = classTargets == 1 && classCount == 2 && k == 1 && t.spec().dtype() != DType.I32;
      out.add(new OutputColumns(t, k, classes || binary ? classNames : null,
          binary ? ClassReport.oneScoreThreshold(unit, t.name()) : NO_THRESHOLD));
    }
    return out;
  }

  /** The threshold of an output that is not one score per class. */
  private static final double NO_THRESHOLD = Double.NaN;


  /**
   * The columns of one output: its values ({@code probs[fr]} when classes have names,
   * {@code probs[3]} otherwise, the bare name for one value per sample) and, for one score
   * per class or one score of a binary classifier, the most likely class ({@code probs.class}).
   *
   * @param classNames null when the output names no class; empty for classes without names
   * @param threshold for one score of a binary classifier, the value from which it names the
   *     second class; NaN for one score per class (the largest names it)
   */
  private record OutputColumns(Tensor tensor, int width, List<String> classNames, double threshold) {
    List<String> header() {
      String name = tensor.name();
      List<String> out = new ArrayList<>();
      if (width == 1) {
        out.add(name);
      }
      for (int e = 0; width > 1 && e < width; e++) {
        boolean named = classNames != null && !classNames.isEmpty();
        out.add(name + "[" + (named ? classNames.get(e) : Integer.toString(e)) + "]");
      }
      if (classNames != null) {
        out.add(name + ".class");
      }
      return out.stream().map(Prediction::quoted).toList();
    }

    /** Appends the row's cells; returns false when a value is not finite (its class cell is then empty). */
    boolean appendRow(int row, StringBuilder line) {
      int best = 0;
      boolean finite = true;
      for (int e = 0; e < width; e++) {
        double v = tensor.get(row * width + e);
        finite &= Double.isFinite(v);
        if (line.length() > 0) {
          line.append(',');
        }
        line.append(tensor.spec().dtype() == DType.I32 ? Integer.toString((int) v) : Float.toString((float) v));
        if (v > tensor.get(row * width + best)) {
          best = e;
        }
      }
      if (!Double.isNaN(threshold)) {
        best = tensor.get(row) >= threshold ? 1 : 0;
      }
      if (classNames != null) {
        line.append(',');
        if (finite) {
          line.append(classNames.isEmpty() ? Integer.toString(best) : quoted(classNames.get(best)));
        }
      }
      return finite;
    }
  }

  /** A CSV cell, quoted when it holds a comma, a quote or a line break, or is empty (so a line never starts bare). */
  private static String quoted(String cell) {
    if (!cell.isEmpty() && cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) {
      return cell;
    }
    return '"' + cell.replace("\"", "\"\"") + '"';
  }
}
