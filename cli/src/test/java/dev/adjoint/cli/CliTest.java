package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.golden.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process: exit statuses and what reaches stdout and stderr. */
class CliTest {
  @TempDir
  Path temp;

  private Path write(String name, String text) throws IOException {
    Path file = temp.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private static String example(String relative) {
    return Golden.repo().resolve("examples").resolve(relative).toString();
  }

  /** A subcommand that fails the way the JVM does when it runs out of a resource. */
  @picocli.CommandLine.Command(name = "fail")
  static final class Failing implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Parameters(index = "0")
    String what;

    @Override
    public Integer call() {
      switch (what) {
        case "stack" -> throw new StackOverflowError();
        case "memory" -> throw new OutOfMemoryError("Java heap space");
        default -> throw new AssertionError("an assertion inside Adjoint");
      }
    }
  }

  private static CliRun runWithFailing(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cli = new picocli.CommandLine(new AdjointCli()).addSubcommand("fail", new Failing());
    int status = AdjointCli.run(cli, args, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
    return new CliRun(status, out.toString(), err.toString());
  }

  /** Out of memory is the model or data outgrowing the heap (exit 1, with the hint); other JVM errors are bugs. */
  @Test
  void errorsOfTheJvmAreOneLine() {
    CliRun stack = runWithFailing("fail", "stack");
    assertEquals(AdjointCli.INTERNAL_ERROR, stack.status());
    assertEquals("adjoint: internal error: out of stack space (java.lang.StackOverflowError); a larger stack may help:"
        + " ADJOINT_JAVA_OPTS=-Xss64m (set ADJOINT_DEBUG=1 to see the stack trace)\n", stack.err());
    CliRun memory = runWithFailing("fail", "memory");
    assertEquals(AdjointCli.INPUT_ERRORS, memory.status());
    assertEquals("adjoint: out of memory (java.lang.OutOfMemoryError: Java heap space); more heap may"
        + " help: ADJOINT_JAVA_OPTS=-Xmx8g\n", memory.err());
    CliRun other = runWithFailing("fail", "other");
    assertEquals(AdjointCli.INTERNAL_ERROR, other.status());
    assertTrue(other.err().startsWith("adjoint: internal error: java.lang.AssertionError: an assertion inside Adjoint"),
        other.err());
    assertEquals(1, other.err().lines().count(), other.err());
  }

  /** The audit's repros: nesting and sizes that overflowed the stack or the heap are diagnostics at the file. */
  @Test
  void programsTooDeepOrTooLargeAreInputErrors() {
    Path invalid = Golden.resources().resolve("programs/invalid");
    for (String name : new String[] {"nesting_too_deep_parentheses", "nesting_too_deep_negation",
        "nesting_too_deep_blocks", "def_calls_too_deep", "model_too_many_nodes"}) {
      CliRun r = CliRun.of("graph", "--backward", invalid.resolve(name + ".nn").toString());
      assertEquals(AdjointCli.INPUT_ERRORS, r.status(), name + ": " + r.err());
      assertTrue(r.err().contains(name + ".nn:") && r.err().endsWith("1 error\n"), name + ": " + r.err());
    }
  }

  @Test
  void checkPassesOnEveryExample() {
    String[] files = Golden.nnFiles(Golden.repo().resolve("examples")).stream().map(Path::toString)
        .toArray(String[]::new);
    String[] args = new String[files.length + 1];
    args[0] = "check";
    System.arraycopy(files, 0, args, 1, files.length);
    CliRun r = CliRun.of(args);
    assertEquals(AdjointCli.OK, r.status(), r.err());
    assertEquals("", r.err());
    assertEquals(files.length, r.out().lines().filter(l -> l.contains(": ok (")).count());
  }

  @Test
  void checkReportsErrorsWithLocationAndExitsOne() throws IOException {
    Path bad = write("bad.nn", "model m {\n  input x: f32[B, 4]\n  output y = relu(xx)\n}\n");
    CliRun r = CliRun.of("check", bad.toString());
    assertEquals(AdjointCli.INPUT_ERRORS, r.status());
    assertTrue(r.err().startsWith(bad + ":3:19: error: unknown name 'xx'\n"), r.err());
    assertTrue(r.err().contains("hint: did you mean 'x'?"), r.err());
    assertTrue(r.err().endsWith("1 error\n"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void warningsArePrintedButTheFileCompiles() {
    Path file = Golden.resources().resolve("programs/warnings/constants_not_finite.nn");
    CliRun r = CliRun.of("check", file.toString());
    assertEquals(AdjointCli.OK, r.status(), r.err());
    assertTrue(r.out().contains(": ok (1 model)"), r.out());
    assertTrue(r.err().contains(file + ":8:22: warning: the constant log(0) is -infinity\n"), r.err());
    assertTrue(r.err().endsWith("\n5 warnings\n"), r.err());
  }

  @Test
  void checkKeepsGoingAfterABadFileAndQuietHidesOk() throws IOException {
    Path good = write("good.nn", "model m {\n  input x: f32[B, 4]\n  output y = relu(x)\n}\n");
    CliRun r = CliRun.of("check", "-q", temp.resolve("missing.nn").toString(), good.toString());
    assertEquals(AdjointCli.INPUT_ERRORS, r.status());
    assertTrue(r.err().contains("missing.nn: error: no such file"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void aFolderIsNotAFile() {
    CliRun r = CliRun.of("check", temp.toString());
    assertEquals(AdjointCli.INPUT_ERRORS, r.status());
    assertTrue(r.err().contains("this is a folder"), r.err());
  }

  @Test
  void wrongFlagsGetUsageNotATrace() {
    CliRun r = CliRun.of("check", "--frobnicate", "x.nn");
    assertEquals(AdjointCli.USAGE, r.status());
    assertTrue(r.err().contains("Unknown option: '--frobnicate'"), r.err());
    assertTrue(r.err().contains("Usage: adjoint check"), r.err());
    assertFalse(r.err().contains("at dev.adjoint"), r.err());
    CliRun none = CliRun.of();
    assertEquals(AdjointCli.USAGE, none.status());
    assertTrue(none.err().contains("Usage: adjoint"), none.err());
    CliRun unknownCommand = CliRun.of("frobnicate");
    assertEquals(AdjointCli.USAGE, unknownCommand.status());
    assertTrue(unknownCommand.err().contains("Unmatched argument at index 0: 'frobnicate'"), unknownCommand.err());
    CliRun badFormat = CliRun.of("graph", example("mnist/mnist.nn"), "--format", "png");
    assertEquals(AdjointCli.USAGE, badFormat.status());
    assertTrue(badFormat.err().contains("png"), badFormat.err());
  }

  @Test
  void helpAndVersion() {
    CliRun help = CliRun.of("--help");
    assertEquals(AdjointCli.OK, help.status());
    assertTrue(help.out().contains("check") && help.out().contains("graph"), help.out());
    CliRun version = CliRun.of("--version");
    assertEquals(AdjointCli.OK, version.status());
    assertTrue(version.out().startsWith("adjoint "), version.out());
  }

  @Test
  void graphPrintsTextAndDot() {
    CliRun text = CliRun.of("graph", example("salammbo/logreg.nn"));
    assertEquals(AdjointCli.OK, text.status(), text.err());
    assertTrue(text.out().startsWith("model salammbo\n"), text.out());
    assertTrue(text.out().contains("output p_fr = %"), text.out());
    assertTrue(text.out().contains("train salammbo\n"), text.out());
    CliRun dot = CliRun.of("graph", example("salammbo/logreg.nn"), "--format", "dot");
    assertEquals(AdjointCli.OK, dot.status(), dot.err());
    assertTrue(dot.out().startsWith("digraph \"salammbo\" {"), dot.out());
  }

  @Test
  void graphSelectsAModelAndAppliesOverrides() throws IOException {
    Path two = write("two.nn", "model a(n = 3) {\n  input x: f32[B, 2]\n  output y = dense(x, n)\n}\n"
        + "model b {\n  input x: f32[B, 2]\n  output y = relu(x)\n}\n");
    CliRun a = CliRun.of("graph", two.toString(), "--model", "a", "--set", "n=5");
    assertEquals(AdjointCli.OK, a.status(), a.err());
    assertTrue(a.out().contains("hyperparameters: n=5"), a.out());
    assertTrue(a.out().contains("f32[2,5]"), a.out());
    assertFalse(a.out().contains("model b"), a.out());
    CliRun missing = CliRun.of("graph", two.toString(), "--model", "c");
    assertEquals(AdjointCli.INPUT_ERRORS, missing.status());
    assertTrue(missing.err().contains("no model 'c'; the file has: a, b"), missing.err());
  }

  @Test
  void badOverridesAreDiagnosed() throws IOException {
    Path file = write("m.nn", "model m(hidden = 8) {\n  input x: f32[B, 2]\n  output y = dense(x, hidden)\n}\n");
    CliRun wrongType = CliRun.of("check", file.toString(), "--set", "hidden=0.5");
    assertEquals(AdjointCli.INPUT_ERRORS, wrongType.status());
    assertTrue(wrongType.err().contains("--set:1:8: error: hyperparameter 'hidden' takes an integer"),
        wrongType.err());
    CliRun unknown = CliRun.of("check", file.toString(), "--set", "hiden=4");
    assertTrue(unknown.err().contains("no model in " + file + " has a hyperparameter 'hiden'"), unknown.err());
    assertTrue(unknown.err().contains("did you mean 'hidden'?"), unknown.err());
    CliRun malformed = CliRun.of("check", file.toString(), "--set", "hidden");
    assertTrue(malformed.err().contains("--set takes name=value"), malformed.err());
  }

  @Test
  void graphShowsTheOptimizedTrainingAndInferenceGraphs() {
    CliRun training = CliRun.of("graph", example("mnist/mnist.nn"), "--backward");
    assertEquals(AdjointCli.OK, training.status(), training.err());
    assertTrue(training.out().contains("softmax_cross_entropy"), training.out());
    assertTrue(training.out().contains("dropout_mask"), training.out());
    assertTrue(training.out().contains("grad h.W = %"), training.out());
    assertFalse(training.out().contains(" = log "), training.out());
    CliRun inference = CliRun.of("graph", example("mnist/mnist.nn"), "--inference");
    assertEquals(AdjointCli.OK, inference.status(), inference.err());
    assertFalse(inference.out().contains("dropout"), inference.out());
    assertFalse(inference.out().contains("loss ="), inference.out());
    assertFalse(inference.out().contains("target y"), inference.out());
    CliRun both = CliRun.of("graph", example("mnist/mnist.nn"), "--backward", "--inference");
    assertEquals(AdjointCli.USAGE, both.status());
    assertTrue(both.err().contains("choose one of --backward and --inference"), both.err());
  }

  @Test
  void theTrainingGraphDifferentiatesTheTrainBlocksPenalties() throws IOException {
    String program = """
        model m {
          input x: f32[B, 3]
          target y: f32[B, 1]
          loss = mse(dense(x, 1), y)
        }
        train m {
          data csv("d.csv"); optimizer sgd(lr = 0.1); regularize l1(1e-3)
        }
        """;
    write("d.csv", "a,b,c,y\n1,2,3,4\n");
    Path file = write("penalized.nn", program);
    CliRun penalized = CliRun.of("graph", file.toString(), "--backward");
    assertEquals(AdjointCli.OK, penalized.status(), penalized.err());
    assertTrue(penalized.out().contains(" = abs "), "the L1 penalty is in the objective:\n" + penalized.out());
    assertTrue(penalized.out().contains("sign("), "and its gradient sign(w):\n" + penalized.out());
    CliRun plain = CliRun.of("graph", write("plain.nn", program.replace("; regularize l1(1e-3)", "")).toString(), "--backward");
    assertEquals(AdjointCli.OK, plain.status(), plain.err());
    assertFalse(plain.out().contains(" = abs "), plain.out());
  }

  @Test
  void graphStopsAfterAStageAndListsPasses() {
    CliRun after = CliRun.of("graph", example("salammbo/logreg.nn"), "--after", "sigmoid-bce");
    assertEquals(AdjointCli.OK, after.status(), after.err());
    assertTrue(after.out().contains("sigmoid_bce"), after.out());
    assertFalse(after.out().contains("grad "), after.out());
    CliRun ambiguous = CliRun.of("graph", example("salammbo/logreg.nn"), "--after", "cse");
    assertEquals(AdjointCli.USAGE, ambiguous.status());
    assertTrue(ambiguous.err().contains("canonicalize/cse"), ambiguous.err());
    CliRun unknown = CliRun.of("graph", example("salammbo/logreg.nn"), "--after", "magic");
    assertEquals(AdjointCli.USAGE, unknown.status());
    assertTrue(unknown.err().contains("no stage 'magic'"), unknown.err());
    assertTrue(unknown.err().contains("phases: canonicalize, stabilize, differentiate, optimize, fuse; stages: "),
        unknown.err());
    CliRun phase = CliRun.of("graph", example("salammbo/logreg.nn"), "--after", "stabilize");
    assertEquals(AdjointCli.OK, phase.status(), phase.err());
    CliRun lastStage = CliRun.of("graph", example("salammbo/logreg.nn"), "--after", "stabilize/cse");
    assertEquals(lastStage.out(), phase.out(), "a phase name stops after its last stage");
    assertTrue(phase.out().contains("sigmoid_bce") && !phase.out().contains("grad "), phase.out());
    CliRun inference = CliRun.of("graph", example("salammbo/logreg.nn"), "--inference", "--after", "extract");
    assertEquals(AdjointCli.OK, inference.status(), inference.err());
    CliRun passes = CliRun.of("graph", example("salammbo/logreg.nn"), "--passes");
    assertEquals(AdjointCli.OK, passes.status(), passes.err());
    assertTrue(passes.out().matches("(?s).*stabilize/sigmoid-bce\\s+fired\\s+1 .*"), passes.out());
    CliRun passesDot = CliRun.of("graph", example("salammbo/logreg.nn"), "--passes", "--format", "dot");
    assertEquals(AdjointCli.USAGE, passesDot.status(), passesDot.out());
    assertEquals("", passesDot.out());
    assertTrue(passesDot.err().contains("--passes lists the pipeline's stages as text"), passesDot.err());
    CliRun dot = CliRun.of("graph", example("salammbo/logreg.nn"), "--backward", "--format", "dot");
    assertTrue(dot.out().contains("orange"), "fused nodes stand out in DOT");
  }

  @Test
  void inspectPrintsTheGeneratedClassAndCompileWritesIt() throws IOException {
    CliRun inspect = CliRun.of("inspect", example("salammbo/logreg.nn"));
    assertEquals(AdjointCli.OK, inspect.status(), inspect.err());
    assertTrue(inspect.out().contains("public final class Salammbo extends CompiledModel"), inspect.out());
    assertTrue(inspect.out().contains("// logreg.nn:10:25  output p_fr = sigmoid(x @ w + b)"), inspect.out());
    CliRun predictor = CliRun.of("inspect", example("salammbo/logreg.nn"), "--inference");
    assertTrue(predictor.out().contains("class SalammboPredictor"), predictor.out());
    assertFalse(predictor.out().contains("registerInput(new TensorSpec(\"lang\""), "a predictor takes no targets");
    CliRun compile = CliRun.of("compile", example("mnist/mnist.nn"), "-o", temp.toString(), "--package", "com.example");
    assertEquals(AdjointCli.OK, compile.status(), compile.err());
    assertTrue(Files.readString(temp.resolve("com/example/Mnist.java")).startsWith("// Generated by Adjoint"));
    CliRun badPackage = CliRun.of("compile", example("mnist/mnist.nn"), "-o", temp.toString(), "--package", "com.1bad");
    assertEquals(AdjointCli.USAGE, badPackage.status());
    assertTrue(badPackage.err().contains("not a Java package name"), badPackage.err());
    CliRun noOut = CliRun.of("compile", example("mnist/mnist.nn"));
    assertEquals(AdjointCli.USAGE, noOut.status());
    assertTrue(noOut.err().contains("Missing required option: '--out=DIR'"), noOut.err());
  }
}
