package dev.adjoint.cli;

import dev.adjoint.compiler.codegen.GeneratedModel;
import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.frontend.ModelUnit;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code adjoint compile FILE -o DIR}: writes each model's class as Java source, which
 * compiles with javac against the Adjoint runtime jar alone.
 */
@Command(name = "compile", mixinStandardHelpOptions = true,
    description = {"Writes each model of a .nn file as a Java source file.",
        "One .java file per model, a class that compiles with javac against adjoint-runtime alone."})
final class CompileCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the .nn file")
  Path file;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR",
      description = "the source folder to write into (package folders are created)")
  Path out;

  @Option(names = "--package", paramLabel = "P", description = "the package of the classes (default: "
      + ModelCompiler.DEFAULT_PACKAGE + ")")
  String packageName = ModelCompiler.DEFAULT_PACKAGE;

  @Option(names = "--model", paramLabel = "NAME", description = "only this model")
  String model;

  @Option(names = "--set", paramLabel = "NAME=VALUE", description = "override a hyperparameter, e.g. --set hidden=128")
  List<String> sets = new ArrayList<>();

  @Option(names = "--inference", description = "a predictor: the inference graph only, no training step")
  boolean inference;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!ModelCompiler.isPackageName(packageName)) {
      err.println("adjoint compile: '" + packageName + "' is not a Java package name; e.g. --package com.example.models");
      return AdjointCli.USAGE;
    }
    Optional<List<ModelUnit>> units = ModelSelection.select(file, model, sets, err);
    if (units.isEmpty()) {
      return AdjointCli.INPUT_ERRORS;
    }
    for (ModelUnit unit : units.get()) {
      GeneratedModel generated = Sources.generate(unit, packageName, inference);
      Path target = out.resolve(generated.fileName());
      try {
        Files.createDirectories(target.getParent());
        Files.writeString(target, generated.source(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println(target + ": error: cannot write: " + e.getMessage());
        return AdjointCli.INPUT_ERRORS;
      }
      stdout.println("wrote " + target + " (" + generated.qualifiedName() + ")");
    }
    return AdjointCli.OK;
  }
}
