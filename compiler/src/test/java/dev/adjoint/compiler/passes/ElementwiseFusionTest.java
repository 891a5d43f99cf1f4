package dev.adjoint.compiler.passes;

import static dev.adjoint.compiler.passes.PassTesting.assertLeftAlone;
import static dev.adjoint.compiler.passes.PassTesting.assertSameTensor;
import static dev.adjoint.compiler.passes.PassTesting.compile;
import static dev.adjoint.compiler.passes.PassTesting.count;
import static dev.adjoint.compiler.passes.PassTesting.nodes;
import static dev.adjoint.compiler.passes.PassTesting.only;
import static dev.adjoint.compiler.passes.PassTesting.randomFeed;
import static dev.adjoint.compiler.passes.PassTesting.run;
import static dev.adjoint.compiler.passes.PassTesting.runAll;
import static dev.adjoint.compiler.passes.PassTesting.training;
import static dev.adjoint.compiler.passes.PassTesting.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Primitive;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Chains of elementwise ops become ELEMENTWISE_KERNELs, counted as tinygrad's tests count
 * kernels: one loop per chain; a result used twice, a graph result and an op of another
 * kind end a chain. Kernels compute exactly what the chain computed.
 */
class ElementwiseFusionTest {

  private static Graph program(String body) {
    return compile("model t {\n  input x: f64[B, 3]\n  input u: f64[B, 3]\n  param m: f64[3, 3]\n" + body + "\n}\n");
  }

  private static void assertSameOutputs(Graph expected, Graph actual) {
    for (int batch : new int[] {4, 1, 0}) {
      Feed feed = randomFeed(expected, batch, 21 + batch);
      Map<String, F64Tensor> want = values(expected, feed);
      Map<String, F64Tensor> got = values(actual, feed);
      assertEquals(want.keySet(), got.keySet());
      want.forEach((name, t) -> assertSameTensor(t, got.get(name), name + " with B = " + batch));
    }
    // a kernel runs the chain's ops in the chain's order, one element at a time, with the
    // ops' own dtypes: nothing is reordered or re-associated, so even where e^1000
    // overflows, 1e30² stays finite or a product underflows the values are the same bits
    PassTesting.assertIdenticalOnExtremes(expected, actual, 121);
  }

  @Test
  void reluOfAnAffineMapIsOneKernel() {
    Graph forward = program("  output o = relu(x * 2 + 1)");
    Pass.Result r = run(new ElementwiseFusion(), forward);
    assertEquals(1, r.fired());
    Graph g = r.graph();
    Node kernel = only(g, Op.ELEMENTWISE_KERNEL);
    assertSame(kernel, g.outputs().get("o"));
    for (Op gone : new Op[] {Op.MUL, Op.ADD, Op.MAX, Op.BROADCAST}) {
      assertEquals(0, count(g, gone), gone.text());
    }
    List<Primitive> program = kernel.attrs(Attrs.Kernel.class).program().stream().map(Attrs.Instruction::op).toList();
    assertEquals(List.of(Op.MUL, Op.ADD, Op.MAX), program);
    assertSame(g.source("x"), kernel.input(0));
    for (Node in : kernel.inputs().subList(1, kernel.inputs().size())) {
      assertEquals(Op.CONST, in.op(), "a broadcast scalar is read as a scalar: " + in);
    }
    assertSameOutputs(forward, g);
  }

  @Test
  void aResultUsedTwiceEndsAChain() {
    Graph forward = program("  a = exp(x * 2 + u)\n  output o = tanh(a) * a");
    Pass.Result r = run(new ElementwiseFusion(), forward);
    Graph g = r.graph();
    assertEquals(2, r.fired());
    assertEquals(2, count(g, Op.ELEMENTWISE_KERNEL));
    Node last = g.outputs().get("o");
    assertEquals(Op.ELEMENTWISE_KERNEL, last.op());
    Node first = last.input(0);
    assertEquals(Op.ELEMENTWISE_KERNEL, first.op(), "a = exp(x * 2 + u) is computed once, by the first kernel");
    assertEquals(List.of(Op.MUL, Op.ADD, Op.EXP),
        first.attrs(Attrs.Kernel.class).program().stream().map(Attrs.Instruction::op).toList());
    assertEquals(List.of(first), last.inputs(), "tanh(a) * a reads a once");
    assertSameOutputs(forward, g);
  }

  @Test
  void aGraphOutputIsNotAbsorbed() {
    Graph forward = program("  output a = x * 2 + u\n  output o = exp(a)");
    Pass.Result r = run(new ElementwiseFusion(), forward);
    Graph g = r.graph();
    assertEquals(1, r.fired());
    Node a = g.outputs().get("a");
    assertEquals(Op.ELEMENTWISE_KERNEL, a.op());
    Node o = g.outputs().get("o");
    assertEquals(Op.EXP, o.op(), "a single op after a result stays as it is");
    assertSame(a, o.input(0));
    assertSameOutputs(forward, g);
  }

  @Test
  void reductionsAndProductsEndChains() {
    Graph forward = program("  output o = exp(x - sum(tanh(x * u), axis = 1, keepdims = true)) @ m");
    Graph g = run(new ElementwiseFusion(), forward).graph();
    assertEquals(2, count(g, Op.ELEMENTWISE_KERNEL), "tanh(x·u), and exp(x - s) reading s broadcast");
    assertEquals(1, count(g, Op.REDUCE_SUM));
    assertEquals(1, count(g, Op.MATMUL));
    assertSameOutputs(forward, g);
  }

  /**
   * A kernel does not re-associate or cancel: (x + 1e30) - 1e30 is 0 for x = 1 or -1000, as
   * the chain computes it, not x; e^x·e^-x is ∞·0 = NaN for x = ±1000, not 1.
   */
  @Test
  void aKernelKeepsTheChainsOrderOfOperations() {
    Graph forward = program("  output o = (x + 1e30) - 1e30\n  output p = exp(x) * exp(-x)");
    Graph g = run(new ElementwiseFusion(), forward).graph();
    assertEquals(2, count(g, Op.ELEMENTWISE_KERNEL));
    Feed feed = PassTesting.feed(Map.of("x", F64Tensor.matrix(new double[] {1, -1000, 1000}), "u", F64Tensor.zeros(1, 3)),
        Map.of("m", F64Tensor.zeros(3, 3)));
    Map<String, F64Tensor> fused = values(g, feed);
    assertEquals(values(forward, feed), fused);
    assertEquals(F64Tensor.matrix(new double[] {0, 0, 0}), fused.get("output o"));
    F64Tensor p = fused.get("output p");
    assertEquals(Math.exp(1) * Math.exp(-1), p.get(0, 0));
    assertTrue(Double.isNaN(p.get(0, 1)) && Double.isNaN(p.get(0, 2)), p.toString());
  }

  @Test
  void aLongChainIsCutIntoKernelsOfAtMostTheLimit() {
    // 150 repeats of tanh(h) * 0.5: 300 instructions in one chain
    Graph forward = program("  h = x\n  repeat 150 { h = tanh(h) * 0.5 }\n  output o = h");
    Pass.Result r = run(new ElementwiseFusion(), forward);
    Graph g = r.graph();
    int limit = ElementwiseFusion.MAX_INSTRUCTIONS;
    assertEquals((300 + limit - 1) / limit, count(g, Op.ELEMENTWISE_KERNEL));
    int instructions = 0;
    for (Node k : nodes(g, Op.ELEMENTWISE_KERNEL)) {
      int size = k.attrs(Attrs.Kernel.class).program().size();
      assertTrue(size <= limit, "a kernel of " + size + " instructions");
      instructions += size;
    }
    assertEquals(300, instructions, "every op of the chain is in exactly one kernel");
    assertEquals(0, count(g, Op.TANH));
    assertSameOutputs(forward, g);
  }

  @Test
  void nearMissesAreLeftAlone() {
    // single elementwise ops between other kinds of ops: nothing to chain
    assertLeftAlone(new ElementwiseFusion(), program("  output o = exp(x) @ m\n  output p = sum(x * u, axis = 1)"));
  }

  @Test
  void aTrainingGraphComputesExactlyTheSameValues() {
    Graph forward = compile("""
        model t {
          input  x: f64[B, 3]
          target y: class[B] of 3
          h = dropout(dense(x, 8, act = gelu), p = 0.25)
          g = layer_norm(dense(h, 4, act = tanh))
          output p = softmax(dense(g, 3))
          loss = cross_entropy(p, y, label_smoothing = 0.1)
        }
        """);
    Graph optimized = runAll(training(forward), new CommonSubexpressions(), new DropoutScaleFolding(),
        new CommonSubexpressions());
    Pass.Result r = run(new ElementwiseFusion(), optimized);
    assertTrue(r.fired() > 5, "kernels: " + r.fired());
    assertEquals(r.fired(), count(r.graph(), Op.ELEMENTWISE_KERNEL));
    assertTrue(count(r.graph(), Op.ELEMENTWISE_KERNEL) > 0);
    for (Node k : nodes(r.graph(), Op.ELEMENTWISE_KERNEL)) {
      assertTrue(k.attrs(Attrs.Kernel.class).program().size() >= 2, "a kernel of one op: " + k);
    }
    assertSameOutputs(optimized, r.graph());
  }
}
