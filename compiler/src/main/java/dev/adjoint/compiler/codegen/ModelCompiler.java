package dev.adjoint.compiler.codegen;

import dev.adjoint.compiler.ir.TextDump;
import dev.adjoint.compiler.settings.CheckedModel;
import dev.adjoint.compiler.settings.Clipping;
import dev.adjoint.compiler.settings.Optimizer;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * From a checked model to Java: optimizes its graphs, emits the class and (in process)
 * compiles it with Janino. A unit's train block flows in: its optimizer and clipping make
 * the update, its penalties the training objective. Compiled classes are cached by a hash
 * of the optimized graphs, the optimizer, the clipping and the class name, so compiling
 * the same model again is free while the first is in use; the cache holds them weakly, so
 * models no longer used unload with their classes.
 */
public final class ModelCompiler {
  /** The package of generated classes unless another is asked for. */
  public static final String DEFAULT_PACKAGE = "dev.adjoint.generated";

  /**
   * Factories by key, held weakly: a factory stays while it or any model of its class is in
   * use (its class loader's parent holds it, see {@link JaninoLoader.Anchor}), so compiling a
   * live model again is free, and a model nobody uses any more unloads with its classes.
   */
  private static final Map<String, WeakReference<ModelFactory>> CACHE = new ConcurrentHashMap<>();

  private ModelCompiler() {}

  /** The Java source of a model's class. */
  public static GeneratedModel generate(CheckedModel unit, String packageName, String className) {
    return generate(graphs(unit), optimizer(unit), clips(unit), packageName, className);
  }

  /**
   * The Java source of a model's class with its per-node methods in part classes whatever its
   * size, as a model too large for one class file is written: for tests of that layout.
   */
  static GeneratedModel generateSplit(CheckedModel unit, String packageName, String className) {
    String source = new ModelClassEmitter(graphs(unit), packageName, className, optimizer(unit), clips(unit), true)
        .emit();
    return new GeneratedModel(packageName, className, source);
  }

  /** The Java source of a predictor: the model's inference graph only, for serving. */
  public static GeneratedModel generatePredictor(CheckedModel unit, String packageName, String className) {
    GraphSet all = GraphSet.of(unit.graph());
    GraphSet predictor = new GraphSet(all.forward(), null, null, all.prediction());
    return generate(predictor, optimizer(unit), List.of(), packageName, className);
  }

  /** Whether {@code name} can be a Java package: dotted identifiers, none a keyword. */
  public static boolean isPackageName(String name) {
    return name.isEmpty() || javax.lang.model.SourceVersion.isName(name);
  }

  static GeneratedModel generate(GraphSet graphs, Optimizer optimizer, String packageName, String className) {
    return generate(graphs, optimizer, List.of(), packageName, className);
  }

  static GeneratedModel generate(GraphSet graphs, Optimizer optimizer, List<Clipping> clips, String packageName,
      String className) {
    String source = new ModelClassEmitter(graphs, packageName, className, optimizer, clips).emit();
    return new GeneratedModel(packageName, className, source);
  }

  /** The model's class compiled in process, from the cache when the same model was compiled before. */
  public static ModelFactory compile(CheckedModel unit) {
    return compile(graphs(unit), optimizer(unit), clips(unit), className(unit.name()));
  }

  /**
   * The model's class compiled in process as {@link #compile(CheckedModel)} does, but always anew:
   * the cache is neither read nor filled. For measuring compile latency (the benchmarks);
   * applications want {@link #compile(CheckedModel)}.
   */
  public static ModelFactory compileUncached(CheckedModel unit) {
    GraphSet graphs = graphs(unit);
    Optimizer optimizer = optimizer(unit);
    List<Clipping> clips = clips(unit);
    String className = className(unit.name());
    GeneratedModel model = generate(graphs, optimizer, clips, DEFAULT_PACKAGE, className);
    return new ModelFactory(model, JaninoLoader.load(model), key(graphs, optimizer, clips, className));
  }

  /** Graphs compiled in process with this optimizer and clipping, through the same cache. */
  static ModelFactory compile(GraphSet graphs, Optimizer optimizer, List<Clipping> clips, String className) {
    String key = key(graphs, optimizer, clips, className);
    ModelFactory[] found = new ModelFactory[1];
    CACHE.compute(key, (k, cached) -> {
      ModelFactory factory = cached == null ? null : cached.get();
      if (factory != null) {
        found[0] = factory;
        return cached;
      }
      GeneratedModel model = generate(graphs, optimizer, clips, DEFAULT_PACKAGE, className);
      found[0] = new ModelFactory(model, JaninoLoader.load(model), k);
      return new WeakReference<>(found[0]);
    });
    CACHE.values().removeIf(ref -> ref.get() == null);
    return found[0];
  }

  /** The unit's graphs, its train block's penalties in the training objective. */
  static GraphSet graphs(CheckedModel unit) {
    return GraphSet.of(unit.graph(), unit.hasTrain() ? unit.train().regularizers() : List.of());
  }

  /** The train block's gradient clipping, none without one. */
  static List<Clipping> clips(CheckedModel unit) {
    return unit.hasTrain() ? unit.train().clips() : List.of();
  }

  /** The train block's optimizer, or {@link Optimizer#DEFAULT} (sgd with its defaults) for a model without one. */
  static Optimizer optimizer(CheckedModel unit) {
    return unit.hasTrain() ? unit.train().optimizer() : Optimizer.DEFAULT;
  }

  /** A Java class name from a model name: {@code mnist} becomes {@code Mnist}, {@code math} {@code MathModel}. */
  public static String className(String modelName) {
    StringBuilder out = new StringBuilder();
    boolean upper = true;
    for (char c : modelName.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else if (Character.isLetterOrDigit(c) && c < 128) {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    String name = out.length() == 0 || !Character.isLetter(out.charAt(0)) ? "Model" + out : out.toString();
    // a keyword, or a class the generated code names (model math would be class Math, hiding java.lang.Math)
    return javax.lang.model.SourceVersion.isKeyword(name) || Names.RESERVED.contains(name) ? name + "Model" : name;
  }

  private static String key(GraphSet graphs, Optimizer optimizer, List<Clipping> clips, String className) {
    StringBuilder text = new StringBuilder(className).append('\n').append(optimizer).append('\n');
    clips.forEach(c -> text.append(c).append('\n'));
    text.append(TextDump.dump(graphs.prediction()));
    if (graphs.training() != null) {
      text.append(TextDump.dump(graphs.training())).append(TextDump.dump(graphs.evaluation()));
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
