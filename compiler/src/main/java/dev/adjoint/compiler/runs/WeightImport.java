package dev.adjoint.compiler.runs;

import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.data.DataException;
import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.checkpoint.ForeignWeights;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Weights trained elsewhere (a PyTorch {@code state_dict} or a Hugging Face model saved as
 * safetensors) written as a checkpoint of an Adjoint model, so that {@code eval},
 * {@code predict}, a {@code Predictor} or {@code train --resume} use them. Each parameter and
 * state of the model takes one tensor of the file, named by a mapping: {@code h=fc1} maps a
 * layer (its {@code W}, {@code b}, {@code gamma}, {@code beta}, {@code table}, running
 * statistics and recurrent weights take PyTorch's {@code weight}, {@code bias},
 * {@code running_mean}, {@code weight_ih_l0}, ...), {@code h.W=fc1.weight} one tensor, and a
 * name of the model that the file holds too needs no mapping. A {@code W} is a dense or
 * convolution weight, which PyTorch keeps as {@code [out, in, k...]} and Adjoint as
 * {@code [k..., in, out]}: it is transposed so. Other tensors keep their layout (a matrix
 * given the other way round is transposed). F16, BF16 and F64 values become f32.
 */
public final class WeightImport {
  /** PyTorch's names for the last part of Adjoint's parameter and state names. */
  private static final Map<String, String> TORCH_NAMES = Map.of("W", "weight", "b", "bias", "gamma", "weight",
      "beta", "bias", "table", "weight", "weight_ih", "weight_ih_l0", "weight_hh", "weight_hh_l0", "bias_ih",
      "bias_ih_l0", "bias_hh", "bias_hh_l0");

  /** What was imported: for each tensor of the model, the file's tensor and how it was laid out. */
  public record Result(Map<String, String> sources, List<String> unused) {}

  private WeightImport() {}

  /**
   * Writes {@code out}, a step-0 checkpoint of {@code unit}'s model (optimizer state zero, as
   * at the start of training) with the weights of {@code weights} mapped by {@code mapping}
   * ({@code ADJOINT=FILE} entries, layers or tensors).
   *
   * @throws DataException naming an unmapped tensor, a name the file lacks, or shapes that do not fit
   */
  public static Result write(ModelUnit unit, Path weights, List<String> mapping, Path out) {
    ForeignWeights file = ForeignWeights.read(weights);
    ModelFactory factory = ModelCompiler.compile(unit);
    CompiledModel model = factory.newModel(1);
    long seed = unit.train() != null ? unit.train().seed() : 0;
    model.initialize(seed);
    Map<String, String> layers = new LinkedHashMap<>();
    Map<String, String> tensors = new LinkedHashMap<>();
    for (String entry : mapping) {
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1) {
        throw new DataException("--map " + entry + ": expected ADJOINT=FILE, a layer (h=fc1) or a tensor "
            + "(h.W=fc1.weight)");
      }
      String ours = entry.substring(0, eq).trim();
      String theirs = entry.substring(eq + 1).trim();
      (isTensor(model, ours) ? tensors : layers).put(ours, theirs);
    }
    Map<String, Tensor> targets = new LinkedHashMap<>(model.params());
    targets.putAll(model.states());
    for (String layer : layers.keySet()) {
      if (targets.keySet().stream().noneMatch(n -> n.startsWith(layer + "."))) {
        throw new DataException("--map " + layer + "=" + layers.get(layer) + ": model " + unit.name()
            + " has no layer or tensor '" + layer + "'; its tensors are " + String.join(", ", targets.keySet()));
      }
    }
    Map<String, String> sources = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : targets.entrySet()) {
      String name = e.getKey();
      String source = sourceOf(name, layers, tensors, file);
      if (source == null) {
        problems.add(name + " " + Arrays.toString(e.getValue().spec().shape()) + ": no tensor of the file is mapped "
            + "to it" + hint(name, layers));
        continue;
      }
      ForeignWeights.Tensor t = file.tensors().get(source);
      if (t == null) {
        problems.add(name + ": the file has no floating-point tensor '" + source + "'"
            + (file.skipped().containsKey(source) ? " (it is " + file.skipped().get(source) + ")" : ""));
        continue;
      }
      String layout = copy(name, t, e.getValue(), problems, source);
      if (layout != null) {
        sources.put(name, source + layout);
      }
    }
    if (!problems.isEmpty()) {
      throw new DataException(weights + ": cannot import into model " + unit.name() + ":\n  "
          + String.join("\n  ", problems));
    }
    Set<String> unused = new LinkedHashSet<>(file.tensors().keySet());
    sources.values().forEach(s -> unused.remove(s.replace(" (transposed)", "")));
    unused.addAll(file.skipped().keySet());
    Map<String, String> metadata = new LinkedHashMap<>(PredictorMetadata.of(unit));
    metadata.put(Checkpoint.MODEL_HASH_KEY, factory.key());
    metadata.put(RecordedSets.KEY, RecordedSets.text(unit.sets()));
    metadata.put("adjoint.imported_from", weights.getFileName() == null ? weights.toString()
        : weights.getFileName().toString());
    Checkpoint.save(out, model, metadata);
    return new Result(sources, List.copyOf(unused));
  }

  private static boolean isTensor(CompiledModel model, String name) {
    return model.params().containsKey(name) || model.states().containsKey(name);
  }

  /** The file's tensor for {@code name}: mapped as a tensor, through its layer, or by its own name. */
  private static String sourceOf(String name, Map<String, String> layers, Map<String, String> tensors,
      ForeignWeights file) {
    if (tensors.containsKey(name)) {
      return tensors.get(name);
    }
    int dot = name.lastIndexOf('.');
    String layer = dot < 0 ? "" : name.substring(0, dot);
    String last = name.substring(dot + 1);
    if (layers.containsKey(layer)) {
      String prefix = layers.get(layer) + ".";
      String torch = prefix + TORCH_NAMES.getOrDefault(last, last);
      return file.tensors().containsKey(torch) || !file.tensors().containsKey(prefix + last) ? torch : prefix + last;
    }
    return file.tensors().containsKey(name) ? name : null;
  }

  private static String hint(String name, Map<String, String> layers) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "; map it: --map " + name + "=NAME_IN_FILE"
        : "; map its layer, e.g. --map " + name.substring(0, dot) + "=fc1, or the tensor, --map " + name
            + "=NAME_IN_FILE";
  }

  /**
   * Copies {@code from} into {@code into} in Adjoint's layout; returns "" or " (transposed)",
   * or null after adding a problem.
   */
  private static String copy(String name, ForeignWeights.Tensor from, Tensor into, List<String> problems,
      String source) {
    int[] ours = into.spec().shape();
    int[] theirs = from.shape();
    boolean weight = name.endsWith(".W") || name.equals("W");
    if (weight && theirs.length >= 2 && Arrays.equals(ours, torchToAdjoint(theirs))) {
      int[] order = new int[theirs.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i < order.length - 2 ? i + 2 : order.length - 1 - i;
      }
      permute(from, order, into);
      return " (transposed)";
    }
    if (Arrays.equals(ours, theirs)) {
      for (int i = 0; i < from.values().length; i++) {
        into.set(i, from.values()[i]);
      }
      return "";
    }
    if (ours.length == 2 && theirs.length == 2 && ours[0] == theirs[1] && ours[1] == theirs[0]) {
      permute(from, new int[] {1, 0}, into);
      return " (transposed)";
    }
    problems.add(name + ": shape " + Arrays.toString(ours) + ", but '" + source + "' is " + Arrays.toString(theirs)
        + (weight ? " (a W takes PyTorch's [out, in, k...] as [k..., in, out])" : ""));
    return null;
  }

  /** PyTorch's {@code [out, in, k...]} as Adjoint lays a weight out: {@code [k..., in, out]}. */
  private static int[] torchToAdjoint(int[] shape) {
    int[] out = new int[shape.length];
    for (int i = 0; i < shape.length - 2; i++) {
      out[i] = shape[i + 2];
    }
    out[shape.length - 2] = shape[1];
    out[shape.length - 1] = shape[0];
    return out;
  }

  /** {@code into[i_0, ..., i_r] = from[...]} where axis a of {@code into} is axis {@code order[a]} of {@code from}. */
  private static void permute(ForeignWeights.Tensor from, int[] order, Tensor into) {
    int[] shape = from.shape();
    int rank = shape.length;
    int[] strides = new int[rank];
    int stride = 1;
    for (int a = rank - 1; a >= 0; a--) {
      strides[a] = stride;
      stride *= shape[a];
    }
    int[] outShape = new int[rank];
    for (int a = 0; a < rank; a++) {
      outShape[a] = shape[order[a]];
    }
    int[] index = new int[rank];
    for (int flat = 0; flat < from.values().length; flat++) {
      int source = 0;
      for (int a = 0; a < rank; a++) {
        source += index[a] * strides[order[a]];
      }
      into.set(flat, from.values()[source]);
      for (int a = rank - 1; a >= 0 && ++index[a] == outShape[a]; a--) {
        index[a] = 0;
      }
    }
  }
}
