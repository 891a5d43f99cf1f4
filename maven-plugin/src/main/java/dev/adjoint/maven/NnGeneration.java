package dev.adjoint.maven;

import dev.adjoint.compiler.codegen.GeneratedModel;
import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.diag.Diagnostic;
import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.DataPresence;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.source.SourceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Compiles every {@code .nn} file under a source folder into Java sources under an output
 * folder, each model as its class and its predictor ({@code Name} and {@code NamePredictor}),
 * in the package its folder names (or one package for all). A file whose text and settings
 * are those of its last generation, and whose classes are still there, is skipped
 * ({@link GenerationStamp}). The train blocks' data files need not exist. What Maven's
 * {@code generate} goal runs; without Maven here so that it is tested directly.
 */
public final class NnGeneration {
  /** What one run did: files compiled and skipped, classes written, and error lines (file:line:column). */
  public record Result(List<Path> compiled, List<Path> skipped, List<Path> written, List<String> errors) {
    public boolean ok() {
      return errors.isEmpty();
    }
  }

  private final Path sourceRoot;
  private final Path outputRoot;
  private final String packageName;
  private final List<String> sets;

  /**
   * @param packageName the package of every class, or null for each file's folder under
   *     {@code sourceRoot} ({@code com/example/iris.nn}: {@code com.example}; a file at the
   *     root: {@value ModelCompiler#DEFAULT_PACKAGE})
   * @param sets hyperparameter overrides, {@code NAME=VALUE}, as {@code adjoint compile --set}
   */
  public NnGeneration(Path sourceRoot, Path outputRoot, String packageName, List<String> sets) {
    this.sourceRoot = sourceRoot;
    this.outputRoot = outputRoot;
    this.packageName = packageName;
    this.sets = List.copyOf(sets);
  }

  /** The {@code .nn} files under the source folder, in path order; none when it does not exist. */
  public List<Path> sources() {
    if (!Files.isDirectory(sourceRoot)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".nn") && Files.isRegularFile(p)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + sourceRoot, e);
    }
  }

  /** Compiles the files that changed since their last generation. */
  public Result run() {
    List<Path> compiled = new ArrayList<>();
    List<Path> skipped = new ArrayList<>();
    List<Path> written = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (Path file : sources()) {
      Path relative = sourceRoot.relativize(file);
      String pkg = packageOf(relative);
      if (!ModelCompiler.isPackageName(pkg)) {
        errors.add(file + ": error: its folder gives the package '" + pkg + "', which is not a Java package name;"
            + " rename the folder, or set the plugin's packageName");
        continue;
      }
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        errors.add(file + ": error: cannot read: " + e.getMessage());
        continue;
      }
      GenerationStamp stamp = new GenerationStamp(outputRoot, relative, GenerationStamp.key(text, pkg, sets));
      if (stamp.upToDate()) {
        skipped.add(file);
        continue;
      }
      List<Path> classes = generate(file, text, pkg, errors);
      if (classes != null) {
        compiled.add(file);
        written.addAll(classes);
        stamp.write(classes);
      }
    }
    return new Result(compiled, skipped, written, errors);
  }

  /** The classes of one file, written; null after adding its diagnostics to {@code errors}. */
  private List<Path> generate(Path file, String text, String pkg, List<String> errors) {
    Compilation compilation = Frontend.compile(SourceFile.of(file.toString(), text), sets, DataPresence.OPTIONAL);
    if (!compilation.ok()) {
      compilation.diagnostics().sorted().stream().filter(Diagnostic::isError).map(Diagnostic::format)
          .forEach(errors::add);
      return null;
    }
    if (compilation.models().isEmpty()) {
      errors.add(file + ": error: the file declares no model");
      return null;
    }
    List<Path> classes = new ArrayList<>();
    for (ModelUnit unit : compilation.models()) {
      String className = ModelCompiler.className(unit.name());
      classes.add(write(ModelCompiler.generate(unit, pkg, className)));
      classes.add(write(ModelCompiler.generatePredictor(unit, pkg, className + "Predictor")));
    }
    return classes;
  }

  private Path write(GeneratedModel generated) {
    Path target = outputRoot.resolve(generated.fileName());
    try {
      Files.createDirectories(target.getParent());
      Files.writeString(target, generated.source(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
    return target;
  }

  private String packageOf(Path relative) {
    if (packageName != null) {
      return packageName;
    }
    Path folder = relative.getParent();
    if (folder == null) {
      return ModelCompiler.DEFAULT_PACKAGE;
    }
    List<String> parts = new ArrayList<>();
    folder.forEach(p -> parts.add(p.toString()));
    return String.join(".", parts);
  }
}
