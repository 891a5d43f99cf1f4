package dev.adjoint.compiler;

import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.source.SourceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Compiling .nn models from Java, in a few lines:
 *
 * <pre>{@code
 * CompiledModel model = Adjoint.compile(Path.of("mnist.nn")).newModel(64);
 * model.input("x").f32()[0] = 0.5f;   // fill the first batch rows of each input
 * double loss = model.trainStep(64);   // forward, backward and the optimizer's update
 * model.predict(1);
 * float[] probs = model.output("probs").f32();
 * }</pre>
 *
 * Compiled classes are cached: compiling the same model again costs a parse and a hash.
 */
public final class Adjoint {
  private Adjoint() {}

  /** The file's only model (or its first, when it declares several), compiled. */
  public static ModelFactory compile(Path file) {
    return compile(read(file), null, List.of());
  }

  /** A model given as text; {@code name} is the name errors are reported under, e.g. "xor.nn". */
  public static ModelFactory compile(String name, String text) {
    return compile(SourceFile.of(name, text), null, List.of());
  }

  /**
   * A named model of the file, with hyperparameters overridden as {@code --set} does
   * ({@code "hidden=128"}); {@code model} null takes the first.
   */
  public static ModelFactory compile(Path file, String model, List<String> sets) {
    return compile(read(file), model, sets);
  }

  /** The checked model without compiling it: its graph and train configuration. */
  public static ModelUnit check(Path file, String model, List<String> sets) {
    return unit(read(file), model, sets);
  }

  /**
   * A named model of a source given as text ({@code name}: what errors are reported under), with
   * hyperparameters overridden; for hosts that ship the text rather than a file, as Spark does.
   */
  public static ModelFactory compile(String name, String text, String model, List<String> sets) {
    return compile(SourceFile.of(name, text), model, sets);
  }

  /** As {@link #check(Path, String, List)}, for a source given as text. */
  public static ModelUnit check(String name, String text, String model, List<String> sets) {
    return unit(SourceFile.of(name, text), model, sets);
  }

  private static ModelFactory compile(SourceFile source, String model, List<String> sets) {
    return ModelCompiler.compile(unit(source, model, sets));
  }

  private static ModelUnit unit(SourceFile source, String model, List<String> sets) {
    Compilation c = Frontend.compile(source, sets);
    if (!c.ok()) {
      throw new AdjointException(c.diagnostics());
    }
    if (c.models().isEmpty()) {
      throw new IllegalArgumentException(source.name() + " declares no model");
    }
    if (model == null) {
      return c.models().get(0);
    }
    return c.model(model).orElseThrow(() -> new IllegalArgumentException(source.name() + " has no model '" + model
        + "'; it has: " + String.join(", ", c.models().stream().map(ModelUnit::name).toList())));
  }

  private static SourceFile read(Path file) {
    try {
      return SourceFile.read(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
