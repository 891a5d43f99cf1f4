package dev.adjoint.compiler.fuzz;

import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.grammar.AdjointLexer;
import java.util.Set;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;

/**
 * Failures the fuzzer finds whose fix belongs to another part of the code base and is under
 * way there. Each is named after its cause; a mutant that fails with one is counted, not
 * reported. Remove an entry once its fix is merged, so that the fuzzer guards it again.
 */
final class KnownIssues {
  /**
   * Issue 12, deliverable 1 (code generation): generated code refers to runtime and
   * {@code java.lang} classes by their simple names, and to others by qualified names, so an
   * input, parameter or output named like one of those classes or like the first part of a
   * package ({@code java}, {@code dev}), or a model whose class takes such a name
   * ({@code model math} is class {@code Math}), shadows it and the generated Java does not
   * compile.
   */
  static final String CODEGEN_NAME_SHADOWING = "codegen-name-shadowing";

  /** The simple names generated code uses for classes of the runtime and java.lang, and its packages' roots. */
  private static final Set<String> SHADOWED = Set.of("Math", "CompiledModel", "TensorSpec", "DType", "Gemm",
      "PartedWork", "DoubleGemm", "Indexing", "Softmax", "Scalars", "CounterRng", "Initializers", "Float", "Double",
      "Integer", "Long", "String", "Object", "System", "Override", "Arrays", "Thread", "java", "javax", "dev");

  private KnownIssues() {}

  /** The name of the known issue that explains the failure, or null when it is a new one. */
  static String match(String mutant, Throwable error) {
    boolean javaDoesNotCompile = error instanceof MutantRun.InternalError internal
        && internal.stage() == MutantRun.Stage.COMPILE
        && String.valueOf(internal.getCause().getMessage()).contains("generated Java that does not compile");
    return javaDoesNotCompile && namesAShadowedClass(mutant) ? CODEGEN_NAME_SHADOWING : null;
  }

  private static boolean namesAShadowedClass(String mutant) {
    AdjointLexer lexer = new AdjointLexer(CharStreams.fromString(mutant));
    lexer.removeErrorListeners();
    for (Token t : lexer.getAllTokens()) {
      if (t.getType() == AdjointLexer.ID
          && (SHADOWED.contains(t.getText()) || SHADOWED.contains(ModelCompiler.className(t.getText())))) {
        return true;
      }
    }
    return false;
  }
}
