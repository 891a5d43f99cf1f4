package dev.adjoint.compiler.training;

import dev.adjoint.compiler.frontend.train.Spec;
import dev.adjoint.compiler.frontend.train.TrainConfig;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.runtime.data.Csv;
import dev.adjoint.runtime.data.DataException;
import dev.adjoint.runtime.data.Dataset;
import dev.adjoint.runtime.data.IdLimit;
import dev.adjoint.runtime.data.Idx;
import dev.adjoint.runtime.data.Npy;
import dev.adjoint.runtime.data.Splits;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads the data a train block names ({@code csv}, {@code idx} or {@code npy}), one column
 * per input and target of the model, with paths relative to the .nn file's folder; the
 * values of i32 columns are checked against what the model reads ({@link IdLimits}).
 */
public final class DataSources {
  private DataSources() {}

  public static Dataset load(TrainConfig config, Graph graph) {
    Spec data = config.data();
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
    Dataset loaded = switch (data.name()) {
      case "csv" -> Csv.read(config.resolve(data.string("path")), data.bool("header"),
          data.string("delimiter").charAt(0), columns(data, specs), specs, classNames, classCounts, limits);
      case "idx" -> Idx.read(files(config, data, specs), specs, inputs, classCounts, data.number("scale"), limits);
      case "npy" -> Npy.read(files(config, data, specs), specs, classCounts, limits);
      default -> throw new IllegalArgumentException("no data source " + data.name());
    };
    checkTrainRows(config, loaded);
    return loaded;
  }

  /** Refuses data too small for the split to leave a row to train on, naming the files. */
  private static void checkTrainRows(TrainConfig config, Dataset loaded) {
    Spec split = config.split();
    double train = split.number("train");
    if (Splits.trainRows(loaded.size(), train, split.number("val"), split.number("test")) > 0) {
      return;
    }
    Spec data = config.data();
    String files = data.name().equals("csv") ? config.resolve(data.string("path")).toString()
        : String.join(", ", loaded.columns().stream().map(n -> config.resolve(data.string(n)).toString()).toList());
    throw new DataException(files + ": " + loaded.size() + (loaded.size() == 1 ? " row" : " rows")
        + ", of which the split (train = " + train + ") leaves none to train on; add rows or raise train");
  }

  /** The model's inputs and targets as runtime tensor specs, in model order. */
  public static Map<String, TensorSpec> specs(Graph graph) {
    Map<String, TensorSpec> specs = new LinkedHashMap<>();
    for (Node n : graph.inputs()) {
      specs.put(n.sourceName(), new TensorSpec(n.sourceName(), DType.valueOf(n.dtype().name()), n.shape().dims()));
    }
    return specs;
  }

  private static Map<String, List<String>> columns(Spec data, Map<String, TensorSpec> specs) {
    Map<String, List<String>> columns = new LinkedHashMap<>();
    for (String name : specs.keySet()) {
      if (data.has(name)) {
        columns.put(name, data.list(name).stream().map(String::valueOf).toList());
      }
    }
    return columns;
  }

  private static Map<String, Path> files(TrainConfig config, Spec data, Map<String, TensorSpec> specs) {
    Map<String, Path> files = new LinkedHashMap<>();
    for (String name : specs.keySet()) {
      files.put(name, config.resolve(data.string(name)));
    }
    return files;
  }
}
