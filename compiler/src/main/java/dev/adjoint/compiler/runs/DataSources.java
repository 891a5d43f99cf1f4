package dev.adjoint.compiler.runs;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.settings.DataSource;
import dev.adjoint.compiler.settings.DataSplit;
import dev.adjoint.compiler.settings.TrainConfig;
import dev.adjoint.data.Csv;
import dev.adjoint.data.DataException;
import dev.adjoint.data.Dataset;
import dev.adjoint.data.IdLimit;
import dev.adjoint.data.Idx;
import dev.adjoint.data.Npy;
import dev.adjoint.data.Splits;
import dev.adjoint.data.TextData;
import dev.adjoint.data.TextTable;
import dev.adjoint.data.TextVocabulary;
import dev.adjoint.data.TextWindows;
import dev.adjoint.runtime.features.TextFeatures;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads the data a train block names ({@code csv}, {@code idx}, {@code npy}, {@code text} or {@code texts}),
 * one column per input and target of the model, with paths relative to the .nn file's
 * folder, and divides it into training, validation and test sets; the values of i32 columns
 * are checked against what the model reads ({@link IdLimits}). Given sets are read alike,
 * a text's validation and test sets with the training text's character ids.
 */
public final class DataSources {
  private DataSources() {}

  /**
   * The training, validation and test sets: the block's given sources, each whole and in
   * file order, or its one source divided by its split.
   */
  public static Splits splits(TrainConfig config, Graph graph) {
    return splits(config, graph, TargetClasses.of(graph));
  }

  /**
   * As {@link #splits(TrainConfig, Graph)}, a {@code texts} source's labels read by the names
   * {@code classes} decides, which it collects from the training set's labels when undecided
   * (the training set is read first: the given train source, or the whole of the one source).
   */
  public static Splits splits(TrainConfig config, Graph graph, TargetClasses classes) {
    return splits(config, graph, classes, TrainedVocabulary.fresh());
  }

  /**
   * As {@link #splits(TrainConfig, Graph, TargetClasses)}, a {@code words} source's texts
   * numbered by the vocabulary {@code words}, which it builds from the training set's texts when it has
   * none (the given train source's, or the rows of the one source that its split trains on).
   */
  public static Splits splits(TrainConfig config, Graph graph, TargetClasses classes, TrainedVocabulary words) {
    Labels labels = new Labels(classes, words);
    if (!config.given().given()) {
      DataSplit split = config.split();
      return Splits.split(load(config, graph, labels), split.train(), split.val(), split.test(), config.seed());
    }
    Dataset train = read(config, config.data(), graph, null, labels);
    DataSource.TextFile textSource = config.data().match(c -> null, i -> null, n -> null, t -> t, ts -> null);
    TextVocabulary vocabulary = textSource == null ? null : vocabulary(config, textSource);
    Dataset none = train.select(new int[0]);
    DataSource val = config.given().val();
    DataSource test = config.given().test();
    return new Splits(train, val == null ? none : read(config, val, graph, vocabulary, labels),
        test == null ? none : read(config, test, graph, vocabulary, labels));
  }

  /** All the rows of the block's one source (the training set's, when the block gives its sets). */
  private static Dataset load(TrainConfig config, Graph graph, Labels labels) {
    Dataset loaded = read(config, config.data(), graph, null, labels);
    checkTrainRows(config, loaded);
    return loaded;
  }

  /**
   * The rows of one source; a text source numbers its characters by {@code vocabulary}, or by
   * its own when null; a texts source reads its labels and words as {@code labels} decides.
   */
  private static Dataset read(TrainConfig config, DataSource source, Graph graph, TextVocabulary vocabulary,
      Labels labels) {
    Map<String, TensorSpec> specs = specs(graph);
    Map<String, Integer> classCounts = new LinkedHashMap<>();
    Map<String, List<String>> classNames = new LinkedHashMap<>();
    Set<String> inputs = new LinkedHashSet<>();
    for (Node n : graph.inputs()) {
      Attrs.Input a = n.attrs(Attrs.Input.class);
      if (a.classes() > 0) {
        classCounts.put(a.name(), a.classes());
        classNames.put(a.name(), a.classNames());
      }
      if (!a.target()) {
        inputs.add(a.name());
      }
    }
    Map<String, IdLimit> limits = IdLimits.of(graph);
    return source.match(
        csv -> Csv.read(config.resolve(csv.path()), csv.header(), csv.delimiter().charAt(0), columns(csv), specs,
            classNames, classCounts, limits),
        idx -> Idx.read(files(config, idx.files()), specs, inputs, classCounts, idx.scale(), limits),
        npy -> Npy.read(files(config, npy.files()), specs, classCounts, limits),
        text -> textWindows(config, text, graph, specs, classCounts,
            vocabulary != null ? vocabulary : vocabulary(config, text)),
        texts -> textTable(config, texts, specs, labels, classCounts));
  }

  /** A table of texts featurized into the model's inputs, its labels into the targets' class indices. */
  private static Dataset textTable(TrainConfig config, DataSource.LabelledTexts texts, Map<String, TensorSpec> specs,
      Labels labels, Map<String, Integer> classCounts) {
    Map.Entry<String, String> label = texts.labels().entrySet().iterator().next();
    TextTable.Rows rows = rows(config, texts);
    String target = label.getKey();
    TextFeatures features = labels.vocabulary().features(texts.features(), () -> trainingTexts(config, rows));
    return TextData.load(rows, features, specs, target, labels.classes().labelNames(rows),
        classCounts.getOrDefault(target, Integer.MAX_VALUE));
  }

  /** How a texts source's labels and words are read: by the decided class names and vocabulary. */
  private record Labels(TargetClasses classes, TrainedVocabulary vocabulary) {}

  /**
   * The training texts among {@code rows}, the first rows read: all of them for a given train
   * source, or those its split trains on (the same permutation of as many rows).
   */
  private static List<String> trainingTexts(TrainConfig config, TextTable.Rows rows) {
    if (config.given().given()) {
      return rows.texts();
    }
    int n = rows.size();
    int[] index = new int[n];
    Arrays.setAll(index, i -> i);
    TensorSpec row = new TensorSpec("row", DType.I32, TensorSpec.BATCH);
    DataSplit split = config.split();
    int[] train = Splits.split(Dataset.builder(n).add(row, index).build(), split.train(), split.val(), split.test(),
        config.seed()).train().i32("row");
    List<String> texts = new ArrayList<>(train.length);
    for (int r : train) {
      texts.add(rows.texts().get(r));
    }
    return texts;
  }

  /** The text and label columns of a {@code texts(...)} source's file. */
  static TextTable.Rows rows(TrainConfig config, DataSource.LabelledTexts texts) {
    String label = texts.labels().isEmpty() ? null : texts.labels().values().iterator().next();
    return rows(config.resolve(texts.path()), texts, label);
  }

  /**
   * The text column of {@code file}, read as the source reads its own file (its format, or
   * the file's extension for {@code auto}; its header), and the label column unless null.
   */
  static TextTable.Rows rows(Path file, DataSource.LabelledTexts texts, String label) {
    TextTable.Format format = texts.format().equals("auto") ? TextTable.Format.of(file)
        : TextTable.Format.valueOf(texts.format().toUpperCase(java.util.Locale.ROOT));
    return TextTable.read(file, format, texts.header(), texts.text(), label);
  }

  /** Column {@code column} of {@code file}, read as the source reads its text column. */
  static List<String> column(Path file, DataSource.LabelledTexts texts, String column) {
    TextTable.Format format = texts.format().equals("auto") ? TextTable.Format.of(file)
        : TextTable.Format.valueOf(texts.format().toUpperCase(java.util.Locale.ROOT));
    return TextTable.read(file, format, texts.header(), column, null).texts();
  }

  /** The ids of a text source's characters (or bytes), from its own text. */
  private static TextVocabulary vocabulary(TrainConfig config, DataSource.TextFile text) {
    return TextVocabulary.of(TextWindows.read(config.resolve(text.path())), text.bytes());
  }

  /** Refuses data too small for the split to leave a row to train on, naming the files. */
  private static void checkTrainRows(TrainConfig config, Dataset loaded) {
    DataSplit split = config.split();
    double train = split.train();
    if (Splits.trainRows(loaded.size(), train, split.val(), split.test()) > 0) {
      return;
    }
    String files = config.data().match(
        csv -> config.resolve(csv.path()).toString(),
        idx -> String.join(", ", files(config, idx.files()).values().stream().map(Path::toString).toList()),
        npy -> String.join(", ", files(config, npy.files()).values().stream().map(Path::toString).toList()),
        text -> config.resolve(text.path()).toString(),
        texts -> config.resolve(texts.path()).toString());
    throw new DataException(files + ": " + loaded.size() + (loaded.size() == 1 ? " row" : " rows")
        + ", of which the split (train = " + train + ") leaves none to train on; add rows or raise train");
  }

  /**
   * The windows of a text source for the model's one input (the ids) and one target (the
   * next ids, as many classes as the target has, or as the ids' table allows).
   */
  private static Dataset textWindows(TrainConfig config, DataSource.TextFile text, Graph graph,
      Map<String, TensorSpec> specs, Map<String, Integer> classCounts, TextVocabulary vocabulary) {
    Path file = config.resolve(text.path());
    List<String> names = new ArrayList<>(specs.keySet());
    TensorSpec target = specs.get(names.get(1));
    int classes = classCounts.getOrDefault(target.name(), Integer.MAX_VALUE);
    IdLimit limit = IdLimits.of(graph).get(names.get(0));
    if (limit != null) {
      classes = Math.min(classes, limit.count());
    }
    return TextWindows.load(file, vocabulary, text.stride(), specs.get(names.get(0)), target, classes);
  }

  /** The model's inputs and targets as runtime tensor specs, in model order. */
  public static Map<String, TensorSpec> specs(Graph graph) {
    Map<String, TensorSpec> specs = new LinkedHashMap<>();
    for (Node n : graph.inputs()) {
      specs.put(n.sourceName(), new TensorSpec(n.sourceName(), DType.valueOf(n.dtype().name()), n.shape().dims()));
    }
    return specs;
  }

  /** The columns the csv source names for each input and target, in the model's order. */
  private static Map<String, List<String>> columns(DataSource.CsvFile csv) {
    Map<String, List<String>> columns = new LinkedHashMap<>();
    csv.columns().forEach((name, written) -> columns.put(name, written.names()));
    return columns;
  }

  private static Map<String, Path> files(TrainConfig config, Map<String, String> written) {
    Map<String, Path> files = new LinkedHashMap<>();
    written.forEach((name, path) -> files.put(name, config.resolve(path)));
    return files;
  }
}
