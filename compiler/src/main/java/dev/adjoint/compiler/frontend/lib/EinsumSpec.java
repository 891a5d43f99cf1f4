package dev.adjoint.compiler.frontend.lib;

import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The subscripts of an einsum call, {@code "bij,bjk->bik"}, read and checked against the
 * operands: one letter per axis, each operand's letters distinct (no diagonals), every output
 * letter in some operand and at most once, a letter the same size wherever it appears, and
 * B under one letter. Without {@code ->} the output is NumPy's: the letters that appear once,
 * in alphabetical order. Spaces are ignored.
 */
record EinsumSpec(List<String> inputs, String output) {

  /** Why the subscripts do not fit, with how to fix them; reported at the string. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;
    private final String hint;

    Invalid(String message, String hint) {
      super(message, null, false, false);
      this.hint = hint;
    }

    String hint() {
      return hint;
    }
  }

  static EinsumSpec parse(String text, List<Node> operands) throws Invalid {
    String spec = text.replace(" ", "");
    if (spec.contains("...")) {
      throw new Invalid("einsum: '...' is not supported; name every axis with a letter", null);
    }
    int arrow = spec.indexOf("->");
    if (arrow >= 0 && spec.indexOf("->", arrow + 2) >= 0) {
      throw new Invalid("einsum: '->' appears twice in \"" + text + "\"", "write inputs->output, e.g. \"bij,bjk->bik\"");
    }
    String left = arrow < 0 ? spec : spec.substring(0, arrow);
    List<String> inputs = List.of(left.split(",", -1));
    if (inputs.size() != operands.size()) {
      throw new Invalid("einsum: the subscripts name " + inputs.size() + " operand" + (inputs.size() == 1 ? "" : "s")
          + " (\"" + left + "\"), and " + operands.size() + " " + (operands.size() == 1 ? "is" : "are") + " given",
          "one comma-separated group of letters per operand, e.g. \"bij,bjk->bik\"");
    }
    for (int i = 0; i < inputs.size(); i++) {
      checkLetters(inputs.get(i), ordinal(i) + " operand's subscripts");
      checkRank(inputs.get(i), operands.get(i), ordinal(i));
    }
    String output = arrow < 0 ? implicitOutput(inputs) : spec.substring(arrow + 2);
    checkLetters(output, "output");
    for (char c : output.toCharArray()) {
      if (inputs.stream().noneMatch(in -> in.indexOf(c) >= 0)) {
        throw new Invalid("einsum: output axis '" + c + "' is in no operand's subscripts \"" + left + "\"", null);
      }
    }
    checkSizes(inputs, operands);
    return new EinsumSpec(inputs, output);
  }

  private static void checkLetters(String labels, String what) throws Invalid {
    for (int i = 0; i < labels.length(); i++) {
      char c = labels.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
        throw new Invalid("einsum: '" + c + "' in the " + what + " \"" + labels + "\" is not an axis letter",
            "name each axis with one letter a-z or A-Z");
      }
      if (labels.indexOf(c, i + 1) >= 0) {
        throw new Invalid("einsum: '" + c + "' appears twice in the " + what + " \"" + labels + "\"",
            what.equals("output") ? null : "diagonals are not supported: give each axis its own letter");
      }
    }
  }

  private static void checkRank(String labels, Node operand, String ordinal) throws Invalid {
    int rank = operand.shape().rank();
    if (labels.length() != rank) {
      throw new Invalid("einsum: \"" + labels + "\" names " + labels.length() + " ax" + (labels.length() == 1 ? "is" : "es")
          + ", and the " + ordinal + " operand " + operand.type() + " has " + rank, null);
    }
  }

  /** Each letter's size the same in every operand; B under one letter only. */
  private static void checkSizes(List<String> inputs, List<Node> operands) throws Invalid {
    Map<Character, Integer> sizes = new LinkedHashMap<>();
    Map<Character, String> where = new LinkedHashMap<>();
    Character batch = null;
    for (int i = 0; i < inputs.size(); i++) {
      Shape s = operands.get(i).shape();
      for (int axis = 0; axis < s.rank(); axis++) {
        char c = inputs.get(i).charAt(axis);
        int d = s.dim(axis);
        Integer seen = sizes.putIfAbsent(c, d);
        if (seen != null && seen != d) {
          throw new Invalid("einsum: axis '" + c + "' is " + Shape.dimText(seen) + " in the " + where.get(c)
              + " operand and " + Shape.dimText(d) + " in the " + ordinal(i), null);
        }
        where.putIfAbsent(c, ordinal(i));
        if (d == Shape.BATCH) {
          if (batch != null && batch != c) {
            throw new Invalid("einsum: the batch B is axis '" + batch + "' and axis '" + c + "'",
                "give the batch one letter in every operand");
          }
          batch = c;
        }
      }
    }
  }

  private static String implicitOutput(List<String> inputs) {
    TreeSet<Character> once = new TreeSet<>();
    String all = String.join("", inputs);
    for (char c : all.toCharArray()) {
      if (all.indexOf(c) == all.lastIndexOf(c)) {
        once.add(c);
      }
    }
    StringBuilder out = new StringBuilder();
    once.forEach(out::append);
    return out.toString();
  }

  private static String ordinal(int i) {
    return i == 0 ? "first" : "second";
  }

  /** The letters of operand {@code i} as a list. */
  List<Character> labels(int i) {
    return chars(inputs.get(i));
  }

  List<Character> outputLabels() {
    return chars(output);
  }

  private static List<Character> chars(String s) {
    List<Character> out = new ArrayList<>();
    for (char c : s.toCharArray()) {
      out.add(c);
    }
    return out;
  }
}
