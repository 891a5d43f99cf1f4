package dev.adjoint.compiler.fuzz;

import dev.adjoint.compiler.frontend.BuiltinTable;
import dev.adjoint.grammar.AdjointLexer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;

/**
 * Token-level mutations of a program, as the grammar sees it: tokens deleted, duplicated,
 * swapped and inserted; numbers made extreme (0, -1, 1e39, 2^63, huge dimensions); names
 * replaced by keywords, built-in function names, option words and Java names, one use or all
 * uses at once (so that the program stays valid and reaches code generation); unicode; very
 * long names. Every choice comes from the {@link Random} given, so a seed reproduces a mutant.
 */
final class TokenMutator {
  private static final List<String> KEYWORDS = List.of("model", "def", "train", "input", "target", "param",
      "output", "repeat", "return", "of", "B", "loss", "true", "false", "none");
  /** Names that mean something in generated Java or in the runtime it calls. */
  private static final List<String> JAVA_NAMES = List.of("Math", "math", "class", "int", "Gemm", "DType", "this", "m",
      "Initializers", "PartedWork", "Tensor", "String", "Object", "System", "null", "var", "float", "double",
      "super", "java", "dev", "CompiledModel", "Scalars", "step", "seed", "batch", "maxBatch", "i", "j", "n", "b",
      "_", "__", "goto", "const", "enum", "record", "yield", "Arrays", "Override", "NaN", "Infinity", "nan");
  private static final List<String> EXTREME_NUMBERS = List.of("0", "1", "-1", "0.0", "1e39", "1e-320",
      "9223372036854775807", "9223372036854775808", "2147483647", "2147483648", "-2147483648", "4294967296",
      "1e308", "1.7976931348623157e308", "0.5", "3", "10000", "10001", "NaN", "-0");
  private static final List<String> HUGE_DIMENSIONS = List.of("46341", "65536", "100000", "1000000", "100000000",
      "1000000000", "2147483639", "2147483640");
  private static final List<String> UNICODE = List.of("é", "名前", "\u0000", "\uFEFF", "\uD83D\uDE00", "\u202E",
      "\u00A0", "ǅ", "\u2028", "\r", "\t", "\\", "\"", "$", "`", "#");
  private static final int[] LONG_NAMES = {127, 128, 129, 2_000};

  /** A token and the text before it (white space and comments), so that a program prints as it was written. */
  private record Piece(String before, String text, int type) {}

  private final List<Piece> pieces;
  private final String tail;
  private final List<String> names;

  TokenMutator(String program) {
    AdjointLexer lexer = new AdjointLexer(CharStreams.fromString(program));
    lexer.removeErrorListeners();
    List<Piece> out = new ArrayList<>();
    int end = 0;
    for (Token t : lexer.getAllTokens()) {
      out.add(new Piece(program.substring(end, t.getStartIndex()), t.getText(), t.getType()));
      end = t.getStopIndex() + 1;
    }
    this.pieces = out;
    this.tail = program.substring(Math.min(end, program.length()));
    this.names = out.stream().filter(p -> p.type() == AdjointLexer.ID).map(Piece::text).distinct().toList();
  }

  /** A mutant: one to three mutations, each described in {@code log}. */
  String mutate(Random random, List<String> log) {
    List<Piece> program = new ArrayList<>(pieces);
    int count = 1 + (random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0);
    for (int i = 0; i < count && !program.isEmpty(); i++) {
      log.add(mutateOnce(program, random));
    }
    StringBuilder text = new StringBuilder();
    program.forEach(p -> text.append(p.before()).append(p.text()));
    return text.append(tail).toString();
  }

  private String mutateOnce(List<Piece> program, Random random) {
    int at = random.nextInt(program.size());
    Piece piece = program.get(at);
    switch (random.nextInt(12)) {
      case 0 -> {
        program.remove(at);
        return "deleted '" + piece.text() + "' (token " + at + ")";
      }
      case 1 -> {
        program.add(at + 1, new Piece(" ", piece.text(), piece.type()));
        return "duplicated '" + piece.text() + "' (token " + at + ")";
      }
      case 2 -> {
        int other = Math.min(program.size() - 1, at + 1);
        swap(program, at, other);
        return "swapped tokens " + at + " and " + other;
      }
      case 3 -> {
        int other = random.nextInt(program.size());
        swap(program, at, other);
        return "swapped tokens " + at + " and " + other;
      }
      case 4 -> {
        return replaceNumber(program, random, EXTREME_NUMBERS);
      }
      case 5 -> {
        return replaceNumber(program, random, HUGE_DIMENSIONS);
      }
      case 6 -> {
        return replaceName(program, random, pick(random, interestingNames(random)), false);
      }
      case 7 -> {
        return replaceName(program, random, pick(random, interestingNames(random)), true);
      }
      case 8 -> {
        int length = random.nextInt(50) == 0 ? 70_000 : LONG_NAMES[random.nextInt(LONG_NAMES.length)];
        return replaceName(program, random, "n".repeat(length - 1) + "x", random.nextBoolean());
      }
      case 9 -> {
        String u = pick(random, UNICODE);
        String text = piece.text();
        int split = text.isEmpty() ? 0 : random.nextInt(text.length() + 1);
        program.set(at, new Piece(piece.before(), text.substring(0, split) + u + text.substring(split), piece.type()));
        return "inserted " + escape(u) + " into '" + text + "'";
      }
      case 10 -> {
        Piece copy = program.get(random.nextInt(program.size()));
        program.add(at, new Piece(" ", copy.text(), copy.type()));
        return "inserted '" + copy.text() + "' before token " + at;
      }
      default -> {
        return names.isEmpty() ? "nothing" : replaceName(program, random, pick(random, names), false);
      }
    }
  }

  private List<String> interestingNames(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> KEYWORDS;
      case 1 -> List.copyOf(BuiltinTable.standard().names());
      case 2 -> List.copyOf(BuiltinTable.standard().optionWords());
      default -> JAVA_NAMES;
    };
  }

  private static String replaceNumber(List<Piece> program, Random random, List<String> choices) {
    List<Integer> numbers = indices(program, AdjointLexer.NUMBER);
    if (numbers.isEmpty()) {
      return "no number to replace";
    }
    int at = numbers.get(random.nextInt(numbers.size()));
    Piece old = program.get(at);
    String number = pick(random, choices);
    program.set(at, new Piece(old.before(), number, old.type()));
    return "number '" + old.text() + "' (token " + at + ") became " + number;
  }

  /** Replaces one use of a name, or every use of it, with {@code name}. */
  private static String replaceName(List<Piece> program, Random random, String name, boolean everyUse) {
    List<Integer> ids = indices(program, AdjointLexer.ID);
    if (ids.isEmpty()) {
      return "no name to replace";
    }
    int at = ids.get(random.nextInt(ids.size()));
    String old = program.get(at).text();
    for (int i : everyUse ? ids : List.of(at)) {
      Piece p = program.get(i);
      if (p.text().equals(old)) {
        program.set(i, new Piece(p.before(), name, p.type()));
      }
    }
    String shown = name.length() > 40 ? name.length() + " characters" : "'" + name + "'";
    return (everyUse ? "every '" + old + "'" : "'" + old + "' (token " + at + ")") + " became " + shown;
  }

  private static List<Integer> indices(List<Piece> program, int type) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < program.size(); i++) {
      if (program.get(i).type() == type) {
        out.add(i);
      }
    }
    return out;
  }

  private static void swap(List<Piece> program, int a, int b) {
    Piece first = program.get(a);
    Piece second = program.get(b);
    program.set(a, new Piece(first.before(), second.text(), second.type()));
    program.set(b, new Piece(second.before(), first.text(), first.type()));
  }

  private static String pick(Random random, List<String> choices) {
    return choices.get(random.nextInt(choices.size()));
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder();
    s.chars().forEach(c -> out.append(c < 128 && c >= 32 ? String.valueOf((char) c) : String.format("\\u%04X", c)));
    return out.toString();
  }
}
