package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.golden.Golden;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Generated code refers to every class it uses by a name no name from the .nn file can
 * shadow: a model named {@code math}, or inputs and parameters named after the classes the
 * generated code calls ({@code Math}, {@code Gemm}, {@code DType}, ...) or after the root
 * packages of qualified names ({@code java}, {@code dev}), compile and train a step.
 */
class GeneratedNamesTest {

  /** The {@code model math} example of docs/language.md, section 10. */
  private static final String MATH_MODEL = """
      model math {
        input  x: f32[B, 12]
        target y: f32[B]
        a = reshape(x, (B, 3, 4))
        t = transpose(a)
        u = transpose(a, perm = (0, 2, 1))
        s = sum(t - u, axis = (1, 2))
        m = mean(a, axis = -1, keepdims = true)
        k = max(abs(a - m), axis = 2)
        r = clip(pow(x, 2), 0, 1) + maximum(x, 0.25) - minimum(sqrt(square(x)), 4) + exp(-x) + log(1 + x * x)
        output o = s + sum(k, axis = 1) + mean(r, axis = 1)
        loss = mse(o, y)
      }
      """;

  /** Every name the issue found, and the other classes and packages generated code names. */
  private static final String CLASS_NAMES = """
      model names {
        input  Math: f32[B, 4]
        input  Gemm: f32[B, 4]
        target DType: f32[B, 2]
        param  Initializers: f32[4, 2] = glorot_uniform
        param  PartedWork: f32[2] = zeros
        param  java: f32[4, 2] = glorot_uniform
        param  dev: f32[2] = zeros
        param  Float: f32[] = 1.0
        param  Scalars: f32[] = 0.5
        param  System: f32[] = 0.5
        param  Arrays: f32[] = 0.5
        param  seed: f32[] = 0.5
        h = sigmoid((Math + Gemm) @ Initializers + PartedWork) * Float + gelu(Math @ java + dev) * Scalars
        output o = h * System + Arrays + seed + mean(Math)
        loss = mse(o, DType)
      }
      """;

  @Test
  void aModelNamedMathCompilesAndTrains() {
    ModelUnit unit = compile(MATH_MODEL);
    assertEquals("MathModel", ModelCompiler.className(unit.name()));
    trainsAStep(unit);
  }

  @Test
  void sourcesNamedAfterGeneratedCodesClassesCompileAndTrain() {
    trainsAStep(compile(CLASS_NAMES));
  }

  @Test
  void theSameSplitIntoPartClasses() {
    ModelUnit unit = compile(CLASS_NAMES);
    GeneratedModel model = ModelCompiler.generateSplit(unit, ModelCompiler.DEFAULT_PACKAGE, "Names");
    assertTrue(model.source().contains("static final class Part0"), "split");
    CompiledModel compiled = new ModelFactory(model, JaninoLoader.load(model), "split").newModel(4);
    feed(unit, compiled, 4);
    assertTrue(Double.isFinite(compiled.trainStep(4)));
  }

  /**
   * Every name that generated code reads unqualified before a dot (a class, or the root
   * package of a qualified name) is reserved, so no field can take it: the list in
   * {@link RuntimeTypes} covers what the emitters write, in {@code $T} or in text.
   */
  /** A Java string literal: its text (a tensor's name, a .nn position) is no qualifier. */
  private static final Pattern STRING_LITERAL = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");

  @Test
  void everyQualifierInGeneratedCodeIsReserved() throws Exception {
    Pattern qualifier = Pattern.compile("(?<![\\w$.\"])([A-Za-z_$][\\w$]*)\\.(?=[A-Za-z_$])");
    Set<String> unreserved = new TreeSet<>();
    List<Path> files = new ArrayList<>(Golden.nnFiles(Golden.repo().resolve("examples")));
    files.addAll(Golden.nnFiles(Golden.resources().resolve("programs/valid")));
    for (Path nn : files) {
      Compilation c = Frontend.compile(SourceFile.read(nn, nn.getFileName().toString()));
      for (ModelUnit unit : c.models()) {
        String className = ModelCompiler.className(unit.name());
        for (GeneratedModel model : List.of(ModelCompiler.generate(unit, ModelCompiler.DEFAULT_PACKAGE, className),
            ModelCompiler.generateSplit(unit, ModelCompiler.DEFAULT_PACKAGE, className))) {
          for (String line : model.source().split("\n")) {
            String code = line.strip();
            if (code.startsWith("//") || code.startsWith("*") || code.startsWith("/*") || code.startsWith("package ")
                || code.startsWith("import ")) {
              continue;
            }
            Matcher m = qualifier.matcher(STRING_LITERAL.matcher(line).replaceAll("\"\""));
            while (m.find()) {
              String name = m.group(1);
              if (!name.equals("this") && !name.equals("m") && !name.matches("Part\\d+")
                  && !Names.RESERVED.contains(name)) {
                unreserved.add(name + " (in " + nn.getFileName() + ": " + code + ")");
              }
            }
          }
        }
      }
    }
    assertTrue(unreserved.isEmpty(), "names generated code qualifies with but does not reserve: " + unreserved);
  }

  private static ModelUnit compile(String text) {
    Compilation c = Frontend.compile(SourceFile.of("names.nn", text));
    assertTrue(c.ok(), c.diagnostics().format());
    return c.models().get(0);
  }

  private static void trainsAStep(ModelUnit unit) {
    CompiledModel model = ModelCompiler.compile(unit).newModel(4);
    feed(unit, model, 3);
    double before = model.trainStep(3);
    double after = model.trainStep(3);
    assertTrue(Double.isFinite(before) && Double.isFinite(after), before + ", " + after);
  }

  private static void feed(ModelUnit unit, CompiledModel model, int batch) {
    int k = 0;
    for (Node input : unit.graph().inputs()) {
      dev.adjoint.runtime.model.Tensor t = model.input(input.sourceName());
      for (int i = 0; i < input.shape().size(batch); i++) {
        t.set(i, 0.1 * ((k++ % 7) - 3));
      }
    }
  }
}
