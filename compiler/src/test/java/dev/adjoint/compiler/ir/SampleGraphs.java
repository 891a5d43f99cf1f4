package dev.adjoint.compiler.ir;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.golden.Golden;
import dev.adjoint.compiler.passes.Pipeline;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.source.SourceSpan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** Small graphs built by hand for the IR tests, with spans over a real .nn text. */
final class SampleGraphs {
  static final String LOGREG_TEXT = String.join("\n",
      "model logreg {",
      "  input  x: f32[B, 2]",
      "  target y: f32[B, 1]",
      "  param  w: f32[2, 1] = glorot_uniform",
      "  param  b: f32[1]    = zeros",
      "  output p = sigmoid(x @ w + b)",
      "  loss   = bce(p, y)",
      "}",
      "");

  private SampleGraphs() {}

  /** The span of the first occurrence of {@code needle} in the file's text. */
  static SourceSpan spanOf(SourceFile file, String needle) {
    int at = file.text().indexOf(needle);
    if (at < 0) {
      throw new IllegalArgumentException(needle + " is not in " + file.name());
    }
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < at; i++) {
      if (file.text().charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    int column = at - lineStart + 1;
    return new SourceSpan(file, line, column, line, column + needle.length());
  }

  /** The sources and nodes of {@link #logreg()}, for tests that rebuild the graph differently. */
  record Logreg(SourceFile file, Node x, Node y, Node w, Node b, Node p, Node loss) {}

  /**
   * {@code p = sigmoid(x @ w + b)} and a binary cross-entropy written out in primitives,
   * each node stamped with the span of the text it stands for.
   */
  static Logreg logregNodes() {
    SourceFile file = SourceFile.of("examples/logreg.nn", LOGREG_TEXT);
    NodeBuilder g = NodeBuilder.start(spanOf(file, "model logreg"), 0);
    Node x = g.at(spanOf(file, "input  x")).node(Op.INPUT, List.of(),
        new Attrs.Input("x", ScalarType.F32, Shape.of(Shape.BATCH, 2), false, 0, List.of()));
    Node y = g.at(spanOf(file, "target y")).node(Op.INPUT, List.of(),
        new Attrs.Input("y", ScalarType.F32, Shape.of(Shape.BATCH, 1), true, 0, List.of()));
    Node w = g.at(spanOf(file, "param  w")).node(Op.PARAM, List.of(),
        new Attrs.Param("w", ScalarType.F32, Shape.of(2, 1), Init.of(Init.Kind.GLOROT_UNIFORM), ParamRole.WEIGHT));
    Node b = g.at(spanOf(file, "param  b")).node(Op.PARAM, List.of(),
        new Attrs.Param("b", ScalarType.F32, Shape.of(1), Init.of(Init.Kind.ZEROS), ParamRole.BIAS));
    Node xw = g.at(spanOf(file, "x @ w")).matmul(x, w, false, false);
    Node logits = g.at(spanOf(file, "x @ w + b")).add(xw, b);
    Node p = g.at(spanOf(file, "sigmoid(")).sigmoid(logits);
    NodeBuilder l = g.at(spanOf(file, "bce(p, y)"));
    Node one = l.constant(1, p);
    Node yes = l.mul(y, l.log(p));
    Node no = l.mul(l.sub(one, y), l.log(l.sub(one, p)));
    Node loss = l.neg(l.meanAll(l.add(yes, no)));
    return new Logreg(file, x, y, w, b, p, loss);
  }

  static Graph logreg() {
    Logreg n = logregNodes();
    return Graph.builder("logreg", spanOf(n.file(), "model logreg"))
        .input(n.x()).input(n.y()).param(n.w()).param(n.b())
        .output("p", n.p()).loss(n.loss())
        .build();
  }

  /**
   * The optimized training graph of an example under examples/, compiled from its source
   * anew: parsed, differentiated and run through every pass, with nodes of its own.
   */
  static Graph compiledTraining(String example) {
    Path nn = Golden.repo().resolve("examples").resolve(example);
    Compilation c;
    try {
      c = Frontend.compile(SourceFile.read(nn, nn.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!c.ok()) {
      throw new AssertionError(example + " should compile:\n" + c.diagnostics().format());
    }
    return Pipeline.training().apply(c.models().get(0).graph());
  }

  /** Whether the two graphs have any node object in common. */
  static boolean shareANode(Graph a, Graph b) {
    Set<Node> ofA = Collections.newSetFromMap(new IdentityHashMap<>());
    ofA.addAll(a.nodes());
    return b.nodes().stream().anyMatch(ofA::contains);
  }

  static SourceSpan synthetic() {
    return SourceSpan.synthetic("t");
  }

  static Node input(String name, int... dims) {
    return Node.of(Op.INPUT, List.of(), new Attrs.Input(name, ScalarType.F32, Shape.of(dims), false, 0, List.of()),
        synthetic());
  }

  static Node param(String name, int... dims) {
    return Node.of(Op.PARAM, List.of(),
        new Attrs.Param(name, ScalarType.F32, Shape.of(dims), Init.of(Init.Kind.ZEROS), ParamRole.WEIGHT), synthetic());
  }

  static Node state(String name, int... dims) {
    return Node.of(Op.STATE, List.of(), new Attrs.State(name, ScalarType.F32, Shape.of(dims), 0), synthetic());
  }

  /**
   * A node whose fields are whatever the caller says, bypassing {@link Node#of}'s shape
   * inference: the only way to build the inconsistent nodes a buggy pass might produce.
   */
  static Node unchecked(Op op, List<Node> inputs, Attrs attrs, TensorType type, SourceSpan span) {
    try {
      Constructor<Node> c = Node.class.getDeclaredConstructor(Primitive.class, List.class, Attrs.class, TensorType.class,
          SourceSpan.class);
      c.setAccessible(true);
      return c.newInstance(op, List.copyOf(inputs), attrs, type, span);
    } catch (NoSuchMethodException | InstantiationException | IllegalAccessException
        | InvocationTargetException e) {
      throw new AssertionError("Node's private constructor changed; update SampleGraphs.unchecked", e);
    }
  }
}
