package dev.adjoint.compiler.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.frontend.Builtin;
import dev.adjoint.compiler.frontend.BuiltinTable;
import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.InitSpec;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.trainblock.TrainOptions;
import dev.adjoint.compiler.golden.Golden;
import dev.adjoint.compiler.ir.Init;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.syntax.SyntaxParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks every code example in {@code docs/language.md}, one dynamic test per fenced block:
 *
 * <ul>
 *   <li>{@code ```nn}: a complete program that must compile without errors, and each of its models
 *       through the passes, code generation and Janino, with one training step on random data when
 *       it has a loss ({@link CompiledExample});
 *   <li>{@code ```nn-error}: a program that must fail; the {@code ```text} block that follows it
 *       (only blank lines between) holds the exact output of {@link Diagnostics#format()};
 *   <li>{@code ```nn-fragment}: a snippet that must parse; one that does not start with
 *       {@code model}, {@code def} or {@code train} is parsed as the body of a model;
 *   <li>{@code ```text} and {@code ```sh}: not checked (shell commands, grammar, output).
 * </ul>
 *
 * <p>Any other tag fails the test, so that an example cannot escape checking by a typo. After
 * the tag, an {@code nn} or {@code nn-error} block may name command-line overrides, e.g.
 * {@code ```nn --set hidden=32}; they are passed to the compiler as {@code adjoint check} would.
 *
 * <p>Data paths. The front end resolves a train block's data paths against the folder of the
 * source file, and {@code docs/language.md} writes them relative to {@code docs/}, e.g.
 * {@code "../examples/mnist/data/mnist-images.idx.gz"}. Nothing may be written into the
 * repository, so each block is written to {@code TEMP/block-N/docs/example.nn} in a JUnit
 * temporary folder, and every string literal of the block that names an existing file relative
 * to the repository's {@code docs/} folder is copied to the same relative place under
 * {@code TEMP/block-N/}. Paths then mean the same as for a reader of {@code docs/}, no symbolic
 * links are needed, and the source is reported as {@code example.nn}, so diagnostics are stable.
 *
 * <p>Besides the examples, the reference must list every built-in function, initializer and
 * train-block option call with the signature the compiler prints in its hints (so a new option
 * or a changed default fails here until the page says so), and the option words exactly.
 *
 * <p>Run with {@code -Dadjoint.updateGolden=true} to rewrite the {@code text} blocks after the
 * {@code nn-error} blocks with the compiler's current output; then review the diff.
 */
class LanguageDocTest {
  private static final boolean UPDATE = Boolean.getBoolean("adjoint.updateGolden");
  private static final String SOURCE_NAME = "example.nn";
  private static final Set<String> TAGS = Set.of("nn", "nn-error", "nn-fragment", "text", "sh");
  private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
  private static final Pattern DECLARATION = Pattern.compile("(?s)^(\\s*(#[^\\n]*)?\\n)*\\s*(model|def|train)\\b.*");

  @TempDir
  Path temp;

  /** A fenced block of the document; lines are 1-based and point at the fences. */
  private record Block(int index, int openLine, int closeLine, String tag, List<String> sets, String text) {
    String label() {
      return "line " + openLine + ": " + tag + (sets.isEmpty() ? "" : " --set " + String.join(" --set ", sets));
    }
  }

  /** Update mode: the text block after an nn-error block (null when missing) and what it should say. */
  private record Update(Block block, Block expected, String diagnostics) {}

  private static Path document() {
    return Golden.repo().resolve("docs/language.md");
  }

  @TestFactory
  Stream<DynamicTest> everyExampleBehavesAsDocumented() throws IOException {
    List<String> lines = Files.readAllLines(document(), StandardCharsets.UTF_8);
    List<Block> blocks = blocks(lines);
    List<DynamicTest> tests = new ArrayList<>();
    List<Update> updates = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      Block block = blocks.get(i);
      Block next = i + 1 < blocks.size() ? blocks.get(i + 1) : null;
      switch (block.tag()) {
        case "nn":
          tests.add(DynamicTest.dynamicTest(block.label(), () -> checkCompiles(block)));
          break;
        case "nn-error":
          Block expected = followingText(lines, block, next);
          if (UPDATE) {
            updates.add(new Update(block, expected, actualDiagnostics(block)));
          }
          tests.add(DynamicTest.dynamicTest(block.label(), () -> checkFails(block, expected)));
          break;
        case "nn-fragment":
          tests.add(DynamicTest.dynamicTest(block.label(), () -> checkParses(block)));
          break;
        default:
          if (!TAGS.contains(block.tag())) {
            tests.add(DynamicTest.dynamicTest(block.label(), () -> fail("docs/language.md:" + block.openLine()
                + ": unknown block tag '" + block.tag() + "'; use one of " + TAGS)));
          }
      }
    }
    if (UPDATE && !updates.isEmpty()) {
      rewrite(lines, updates);
    }
    return tests.stream();
  }

  @Test
  void theReferenceKeepsItsCheckedExamples() throws IOException {
    List<Block> blocks = blocks(Files.readAllLines(document(), StandardCharsets.UTF_8));
    long programs = blocks.stream().filter(b -> b.tag().equals("nn")).count();
    long errors = blocks.stream().filter(b -> b.tag().equals("nn-error")).count();
    assertTrue(programs >= 30, "docs/language.md should keep at least 30 checked ```nn programs, has " + programs);
    assertTrue(errors >= 5, "docs/language.md should keep at least 5 checked ```nn-error programs, has " + errors);
  }

  @Test
  void everySignatureIsDocumentedAsTheCompilerPrintsIt() throws IOException {
    String doc = Files.readString(document(), StandardCharsets.UTF_8);
    List<Signature> signatures = new ArrayList<>();
    BuiltinTable.standard().all().stream().map(Builtin::signature).forEach(signatures::add);
    Arrays.stream(Init.Kind.values()).map(InitSpec::signature).forEach(signatures::add);
    for (Map<String, Signature> table : List.of(TrainOptions.OPTIMIZERS, TrainOptions.SCHEDULES,
        TrainOptions.REGULARIZERS, TrainOptions.CLIPS, TrainOptions.METRICS)) {
      signatures.addAll(table.values());
    }
    signatures.add(TrainOptions.SPLIT);
    signatures.add(TrainOptions.EARLY_STOPPING);
    List<String> missing = new ArrayList<>();
    for (Signature s : signatures) {
      boolean found = doc.contains("`" + s.usage() + "`") || s.params().isEmpty() && doc.contains("`" + s.name() + "`");
      if (!found) {
        missing.add(s.usage());
      }
    }
    assertTrue(missing.isEmpty(), "docs/language.md does not show these signatures as the compiler prints them"
        + " (in backquotes):\n  " + String.join("\n  ", missing));
  }

  @Test
  void theOptionWordsAreListedExactly() throws IOException {
    List<String> lines = Files.readAllLines(document(), StandardCharsets.UTF_8);
    int paragraph = -1;
    for (int i = 0; i < lines.size() && paragraph < 0; i++) {
      if (lines.get(i).startsWith("**Option words.**")) {
        paragraph = i + 1;
      }
    }
    assertTrue(paragraph > 0, "docs/language.md has no paragraph starting with **Option words.**");
    int from = paragraph;
    Block list = blocks(lines).stream().filter(b -> b.openLine() > from && b.tag().equals("text")).findFirst()
        .orElseThrow(() -> new AssertionError("no ```text block lists the option words"));
    Set<String> documented = new TreeSet<>(Arrays.asList(list.text().trim().split("\\s+")));
    assertEquals(new TreeSet<>(BuiltinTable.standard().optionWords()), documented,
        "docs/language.md:" + list.openLine() + ": the option words differ from the compiler's");
  }

  // ---- checks ----------------------------------------------------------------------

  private void checkCompiles(Block block) throws Exception {
    Compilation c = compile(block);
    assertTrue(c.ok(), () -> "docs/language.md:" + block.openLine() + ": this ```nn example should compile:\n"
        + c.diagnostics().format());
    assertFalse(c.models().isEmpty(), "docs/language.md:" + block.openLine() + ": this ```nn example has no model");
    for (ModelUnit unit : c.models()) {
      String where = "docs/language.md:" + block.openLine() + ": model " + unit.name();
      CompiledExample.check(unit, where);
    }
  }

  private void checkFails(Block block, Block expected) throws IOException {
    if (expected == null) {
      fail("docs/language.md:" + block.closeLine() + ": an ```nn-error block must be followed by a ```text block"
          + " with its exact diagnostics (run with -Dadjoint.updateGolden=true to write it)");
    }
    Compilation c = compile(block);
    assertFalse(c.ok(), "docs/language.md:" + block.openLine() + ": this ```nn-error example compiles without errors");
    assertEquals(expected.text(), c.diagnostics().format(), "docs/language.md:" + expected.openLine()
        + ": the diagnostics differ (run with -Dadjoint.updateGolden=true to accept the new output, then review it)");
  }

  private static void checkParses(Block block) {
    String text = DECLARATION.matcher(block.text()).matches() ? block.text()
        : "model fragment {\n" + block.text() + "}\n";
    Diagnostics diagnostics = new Diagnostics();
    SyntaxParser.parse(SourceFile.of(SOURCE_NAME, text), diagnostics);
    assertFalse(diagnostics.hasErrors(), () -> "docs/language.md:" + block.openLine()
        + ": this ```nn-fragment does not parse:\n" + diagnostics.format());
  }

  private String actualDiagnostics(Block block) {
    try {
      return compile(block).diagnostics().format();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the block to TEMP/block-N/docs/example.nn beside copies of the data files it names. */
  private Compilation compile(Block block) throws IOException {
    Path root = temp.resolve("block-" + block.index());
    Path docs = Golden.repo().resolve("docs");
    Matcher m = STRING.matcher(block.text());
    while (m.find()) {
      Path source;
      try {
        source = docs.resolve(m.group(1)).normalize();
      } catch (InvalidPathException notAPath) {
        continue;
      }
      if (!m.group(1).isEmpty() && source.startsWith(Golden.repo()) && Files.isRegularFile(source)) {
        Path copy = root.resolve(Golden.repo().relativize(source));
        Files.createDirectories(copy.getParent());
        if (!Files.exists(copy)) {
          Files.copy(source, copy);
        }
      }
    }
    Path file = root.resolve("docs").resolve(SOURCE_NAME);
    Files.createDirectories(file.getParent());
    Files.writeString(file, block.text(), StandardCharsets.UTF_8);
    return Frontend.compile(SourceFile.read(file, SOURCE_NAME), block.sets());
  }

  // ---- the document ----------------------------------------------------------------

  /** Every fenced block, in order; fences start at the beginning of a line. */
  private static List<Block> blocks(List<String> lines) {
    List<Block> out = new ArrayList<>();
    int open = -1;
    String info = null;
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (open < 0 && line.startsWith("```")) {
        open = i + 1;
        info = line.substring(3).trim();
        text.setLength(0);
      } else if (open >= 0 && line.strip().equals("```")) {
        String[] words = info.isEmpty() ? new String[] {""} : info.split("\\s+");
        out.add(new Block(out.size() + 1, open, i + 1, words[0], sets(words, open), text.toString()));
        open = -1;
      } else if (open >= 0) {
        text.append(line).append('\n');
      }
    }
    if (open >= 0) {
      fail("docs/language.md:" + open + ": this code block is never closed");
    }
    return out;
  }

  /** The values of {@code --set NAME=VALUE} (or {@code --set=NAME=VALUE}) words after a block's tag. */
  private static List<String> sets(String[] words, int line) {
    List<String> sets = new ArrayList<>();
    for (int i = 1; i < words.length; i++) {
      if (words[i].equals("--set") && i + 1 < words.length) {
        sets.add(words[++i]);
      } else if (words[i].startsWith("--set=")) {
        sets.add(words[i].substring("--set=".length()));
      } else {
        fail("docs/language.md:" + line + ": unexpected '" + words[i] + "' after the block's tag;"
            + " only --set NAME=VALUE may follow it");
      }
    }
    return sets;
  }

  /** The ```text block right after an nn-error block (only blank lines between), or null. */
  private static Block followingText(List<String> lines, Block block, Block next) {
    if (next == null || !next.tag().equals("text")) {
      return null;
    }
    for (int line = block.closeLine() + 1; line < next.openLine(); line++) {
      if (!lines.get(line - 1).isBlank()) {
        return null;
      }
    }
    return next;
  }

  /** Update mode: replaces (or inserts) the text block after each nn-error block, bottom to top. */
  private static void rewrite(List<String> lines, List<Update> updates) throws IOException {
    List<String> out = new ArrayList<>(lines);
    for (int u = updates.size() - 1; u >= 0; u--) {
      Update update = updates.get(u);
      List<String> replacement = new ArrayList<>();
      replacement.add("```text");
      replacement.addAll(List.of(update.diagnostics().split("\n")));
      replacement.add("```");
      if (update.expected() == null) {
        replacement.add(0, "");
        out.addAll(update.block().closeLine(), replacement);
      } else {
        out.subList(update.expected().openLine() - 1, update.expected().closeLine()).clear();
        out.addAll(update.expected().openLine() - 1, replacement);
      }
    }
    Files.write(document(), out, StandardCharsets.UTF_8);
  }
}
