package dev.adjoint.compiler.frontend;

import static dev.adjoint.compiler.frontend.Programs.graph;
import static dev.adjoint.compiler.frontend.Programs.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.testing.RandomFeeds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The values of {@code einsum} and of {@code @} over stacks of matrices, against a direct
 * sum over every assignment of the letters, at batches of 1 and 3.
 */
class ProductValuesTest {

  /** einsum subscripts, then the operands' types; B is the batch. */
  private static final String[][] EINSUMS = {
    {"bij,bjk->bik", "f64[B, 2, 3]", "f64[B, 3, 4]"},
    {"bhtd,bhsd->bhts", "f64[B, 2, 3, 4]", "f64[B, 2, 5, 4]"},
    {"bhts,bhsd->bhtd", "f64[B, 2, 3, 5]", "f64[B, 2, 5, 4]"},
    {"bji,bjk->bik", "f64[B, 3, 2]", "f64[B, 3, 4]"},
    {"bij,bkj->bki", "f64[B, 2, 3]", "f64[B, 4, 3]"},
    {"bik,bjk->bji", "f64[B, 2, 3]", "f64[B, 4, 3]"},
    {"ij,jk->ik", "f64[2, 3]", "f64[3, 4]"},
    {"ij,kj->ik", "f64[2, 3]", "f64[4, 3]"},
    {"bi,ij->bj", "f64[B, 3]", "f64[3, 4]"},
    {"ij,bj->bi", "f64[2, 3]", "f64[B, 3]"},
    {"bi,bj->ij", "f64[B, 3]", "f64[B, 2]"},
    {"bti,btj->ji", "f64[B, 2, 3]", "f64[B, 2, 4]"},
    {"bhtd,de->bhte", "f64[B, 2, 3, 4]", "f64[4, 5]"},
    {"htd,bhsd->bhts", "f64[2, 3, 4]", "f64[B, 2, 5, 4]"},
    {"bhtd,hsd->bhts", "f64[B, 2, 3, 4]", "f64[2, 5, 4]"},
    {"i,i->", "f64[3]", "f64[3]"},
    {"i,j->ij", "f64[3]", "f64[2]"},
    {"bi,bi->b", "f64[B, 3]", "f64[B, 3]"},
    {"bij,bjk", "f64[B, 2, 3]", "f64[B, 3, 4]"},
    {"bijk,bkl->bjli", "f64[B, 2, 3, 4]", "f64[B, 4, 2]"},
    {"ij->ji", "f64[2, 3]"},
    {"bij->bj", "f64[B, 2, 3]"},
    {"bij->", "f64[B, 2, 3]"},
    {"bhtd->bdh", "f64[B, 2, 3, 4]"},
  };

  @Test
  @Covers("einsum")
  void einsumSumsProductsOverTheLetters() {
    Random random = new Random(5);
    for (String[] c : EINSUMS) {
      String args = c.length == 3 ? "a, b" : "a";
      String text = "model t {\n" + declare("a", c[1]) + (c.length == 3 ? declare("b", c[2]) : "")
          + "  output y = einsum(\"" + c[0] + "\", " + args + ")\n}\n";
      String spec = c[0].contains("->") ? c[0] : c[0] + "->" + implicitOutput(c[0]);
      checkAgainstDirectSum(text, spec, random);
    }
  }

  @Test
  @Covers("einsum")
  void einsumReadsOperandsTransposedInPlace() {
    Graph g = graph("model t {\n  input q: f32[B, 2, 3, 4]\n  input k: f32[B, 2, 5, 4]\n"
        + "  output s = einsum(\"bhtd,bhsd->bhts\", q, k)\n}\n");
    Node s = g.outputs().get("s");
    assertTrue(s.op() == Op.BATCH_MATMUL && s.input(0).op() == Op.INPUT && s.input(1).op() == Op.INPUT,
        "q·kᵀ on the inputs as they are, got " + s.op().text() + " of " + s.input(0).op().text() + ", "
            + s.input(1).op().text());
  }

  /**
   * Random subscripts over random operands: each either compiles to the direct sum's values
   * or is refused with a diagnostic, never an exception.
   */
  @Test
  @Covers("einsum")
  void randomSubscriptsGiveTheDirectSumOrADiagnostic() {
    Random random = new Random(11);
    String letters = "bijk";
    int compiled = 0;
    for (int trial = 0; trial < 300; trial++) {
      int operands = 1 + random.nextInt(2);
      List<String> groups = new ArrayList<>();
      List<String> types = new ArrayList<>();
      for (int o = 0; o < operands; o++) {
        StringBuilder group = new StringBuilder();
        StringBuilder type = new StringBuilder();
        int rank = random.nextInt(4);
        for (int axis = 0; axis < rank; axis++) {
          char c = letters.charAt(random.nextInt(letters.length()));
          group.append(c);
          // b is the batch where it leads an operand, else a size of 2 or 3 (sometimes mismatched)
          String dim = c == 'b' && axis == 0 && random.nextInt(4) > 0 ? "B"
              : Integer.toString(c == 'b' ? 2 : 2 + (c - 'i' + random.nextInt(8) / 7) % 2);
          type.append(axis == 0 ? "" : ", ").append(dim);
        }
        groups.add(group.toString());
        types.add("f64[" + type + "]");
      }
      String output = random.nextInt(5) == 0 ? "" : "->" + shuffledSubset(String.join("", groups), random);
      String spec = String.join(",", groups) + output;
      String text = "model t {\n" + declare("a", types.get(0)) + (operands == 2 ? declare("b", types.get(1)) : "")
          + "  output y = einsum(\"" + spec + "\", " + (operands == 2 ? "a, b" : "a") + ")\n}\n";
      if (Frontend.compile(SourceFile.of("t.nn", text)).ok()) {
        compiled++;
        checkAgainstDirectSum(text, spec.contains("->") ? spec : spec + "->" + implicitOutput(spec), random);
      }
    }
    assertTrue(compiled > 30, "only " + compiled + " of the random programs compiled");
  }

  /** Distinct letters of {@code labels} in a random order, some left out. */
  private static String shuffledSubset(String labels, Random random) {
    List<Character> distinct = new ArrayList<>();
    for (char c : labels.toCharArray()) {
      if (!distinct.contains(c) && random.nextInt(3) > 0) {
        distinct.add(c);
      }
    }
    java.util.Collections.shuffle(distinct, random);
    StringBuilder out = new StringBuilder();
    distinct.forEach(out::append);
    return out.toString();
  }

  /** @ on stacks of matrices, as the einsum it is. */
  @Test
  void matmulOverBatchAxesBroadcasts() {
    Random random = new Random(7);
    String[][] cases = {
      {"f64[B, 3, 4]", "f64[B, 4, 3]", "bij,bjk->bik"},
      {"f64[B, 2, 3, 4]", "f64[2, 4, 5]", "bhij,hjk->bhik"},
      {"f64[B, 2, 3, 4]", "f64[1, 4, 5]", "bhij,gjk->bhik"},
      {"f64[B, 2, 3, 4]", "f64[4, 5]", "bhij,jk->bhik"},
      {"f64[2, 3, 4]", "f64[B, 1, 4, 5]", "hij,bgjk->bhik"},
      {"f64[4]", "f64[B, 4, 5]", "j,bjk->bk"},
      {"f64[B, 3, 4]", "f64[B, 4]", null},
    };
    for (String[] c : cases) {
      String text = "model t {\n" + declare("a", c[0]) + declare("b", c[1]) + "  output y = a @ b\n}\n";
      if (c[2] == null) {
        Programs.assertRejects(text, "4:16", "B can only be a batch (leading) axis");
        continue;
      }
      checkAgainstDirectSum(text, c[2], random);
    }
  }

  /** The graph's output y against the direct sum of the spec, at batches of 1 and 3. */
  private static void checkAgainstDirectSum(String text, String spec, Random random) {
    Graph g = graph(text);
    for (int batch : new int[] {1, 3}) {
      Programs.Run r = run(g);
      List<F64Tensor> operands = new ArrayList<>();
      for (String name : List.of("a", "b")) {
        Node source = g.source(name);
        if (source == null) {
          continue;
        }
        F64Tensor value = source.op() == Op.INPUT ? RandomFeeds.input(source, batch, random)
            : RandomFeeds.gaussian(source.shape().dims(), random, 1);
        if (source.op() == Op.INPUT) {
          r.input(name, value);
        } else {
          r.param(name, value);
        }
        operands.add(value);
      }
      F64Tensor expected = directSum(spec, operands);
      F64Tensor actual = r.output("y");
      assertArrayEquals(expected.shape(), actual.shape(), spec + " at batch " + batch);
      assertTrue(actual.allClose(expected, 1e-12, 1e-12), spec + " at batch " + batch + ": " + actual
          + ", expected " + expected);
    }
  }

  /** An input when the type has B (inputs lead with it), else a parameter. */
  private static String declare(String name, String type) {
    return "  " + (type.contains("B") ? "input " : "param ") + name + ": " + type + "\n";
  }

  private static String implicitOutput(String inputs) {
    String all = inputs.replace(",", "");
    StringBuilder out = new StringBuilder();
    all.chars().filter(ch -> all.indexOf(ch) == all.lastIndexOf(ch)).sorted().forEach(ch -> out.append((char) ch));
    return out.toString();
  }

  /** Σ over every assignment of the letters of the product of the operands' elements. */
  static F64Tensor directSum(String spec, List<F64Tensor> operands) {
    String[] sides = spec.split("->", -1);
    String[] inputs = sides[0].split(",", -1);
    String output = sides[1];
    Map<Character, Integer> sizes = new HashMap<>();
    for (int i = 0; i < inputs.length; i++) {
      for (int axis = 0; axis < inputs[i].length(); axis++) {
        sizes.put(inputs[i].charAt(axis), operands.get(i).dim(axis));
      }
    }
    String letters = sizes.keySet().stream().map(String::valueOf).reduce("", String::concat);
    int[] outShape = new int[output.length()];
    int outSize = 1;
    for (int i = 0; i < output.length(); i++) {
      outShape[i] = sizes.get(output.charAt(i));
      outSize *= outShape[i];
    }
    double[] out = new double[outSize];
    int[] at = new int[letters.length()];
    while (true) {
      double product = 1;
      for (int i = 0; i < inputs.length; i++) {
        product *= operands.get(i).get(index(inputs[i], letters, at));
      }
      int flat = 0;
      for (int i = 0; i < output.length(); i++) {
        flat = flat * outShape[i] + at[letters.indexOf(output.charAt(i))];
      }
      out[flat] += product;
      int d = letters.length() - 1;
      while (d >= 0 && ++at[d] == sizes.get(letters.charAt(d))) {
        at[d--] = 0;
      }
      if (d < 0) {
        return F64Tensor.of(outShape, out);
      }
    }
  }

  private static int[] index(String labels, String letters, int[] at) {
    int[] index = new int[labels.length()];
    for (int i = 0; i < labels.length(); i++) {
      index[i] = at[letters.indexOf(labels.charAt(i))];
    }
    return index;
  }
}
