package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
import org.junit.jupiter.api.Test;

/**
 * Nothing the user wrote reaches generated source unescaped: .nn lines quoted in comments
 * cannot end the comment, form a unicode escape (which javac reads even inside comments)
 * or bring in other characters; names become safe identifiers and string literals.
 */
class CommentSafetyTest {

  @Test
  void hostileTextInTheSourceStaysInertInComments() {
    String text = "model m(n = 2) {\n"
        + "  input x: f32[B, 2]\n"
        + "  output y = relu(x)  # \\u000a System.exit(1); */ \" é ✓\n"
        + "  output z = x * 2    # \\u002a/ class Evil {}\n"
        + "}\n";
    Compilation c = Frontend.compile(SourceFile.of("tricky\\u000a\".nn", text));
    assertTrue(c.ok(), c.diagnostics().format());
    GeneratedModel g = ModelCompiler.generate(c.models().get(0), "p", "M");
    assertFalse(g.source().matches("(?s).*[^\\\\]\\\\u00.*"), "a unicode escape survived:\n" + g.source());
    assertTrue(g.source().contains("\\\\u000a System.exit(1); */"), g.source());
    assertTrue(g.source().chars().allMatch(ch -> ch == '\n' || ch >= 0x20 && ch < 0x7f), "only printable ASCII");
    CompiledModel model = ModelCompiler.compile(c.models().get(0)).newModel(2);
    model.input("x").f32()[0] = -3;
    model.input("x").f32()[1] = 4;
    model.predict(1);
    assertEquals(0f, model.output("y").f32()[0]);
    assertEquals(4f, model.output("y").f32()[1]);
    assertEquals(8f, model.output("z").f32()[1]);
  }

  @Test
  void parameterNamesBecomeIdentifiersAndStringLiterals() {
    String text = "model m {\n  input x: f32[B, 3]\n  class_ = dense(x, 2)\n  output y = class_\n}\n";
    Compilation c = Frontend.compile(SourceFile.of("names.nn", text));
    assertTrue(c.ok(), c.diagnostics().format());
    CompiledModel model = ModelCompiler.compile(c.models().get(0)).newModel(1);
    assertEquals(java.util.Set.of("class_.W", "class_.b"), model.params().keySet());
  }
}
