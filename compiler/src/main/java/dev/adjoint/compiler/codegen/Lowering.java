package dev.adjoint.compiler.codegen;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.BackendKernel;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ElementKernel;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers one entry point's graph to steps: for every node, how its value is read
 * ({@link Operand}) and, for nodes that compute into memory, which buffer holds it.
 * Constants and counts become inline scalars, reshapes alias their input, broadcasts that
 * only feed elementwise loops become views; everything else gets a temporary buffer from
 * the {@link BufferPool}, reused once its last reader has run.
 *
 * <p>Three passes: decide each node's form from its op and its consumers; give the
 * computing nodes buffers in order, by liveness; then build the operands.
 */
final class Lowering {

  /** A node that emits code, and where its result goes. */
  record Step(Node node, Operand.Array out) {}

  /** The lowered entry point. */
  record Plan(Graph graph, List<Step> steps, Map<Node, Operand> operands, Map<Node, Node> epilogues) {
    /** The bias add a matrix product computes as its epilogue ({@code Gemm.multiplyBias}), or null. */
    Node epilogue(Node matmul) {
      return epilogues.get(matmul);
    }

    Operand operand(Node n) {
      Operand o = operands.get(n);
      if (o == null) {
        throw new IllegalStateException("no operand for " + n);
      }
      return o;
    }
  }

  /** How a node's value exists. */
  private enum Form {
    /** An interface field (input, parameter, state). */
    SOURCE,
    /** Computed into a buffer by a step. */
    COMPUTED,
    /** A scalar expression that needs no memory (a literal or a count). */
    LITERAL,
    /** Its input's memory read with another shape (a reshape, or a broadcast of a scalar). */
    ALIAS,
    /** Element 0 of its input's memory, read as a scalar. */
    ELEMENT,
    /** Its input's memory read as a row or column broadcast. */
    VIEW
  }

  private final Graph graph;
  private final Fields fields;
  private final BufferPool pool;
  private final Map<Node, Form> forms = new IdentityHashMap<>();
  private final Map<Node, Operand> operands = new IdentityHashMap<>();
  private final Map<Node, List<Node>> consumers = new IdentityHashMap<>();
  private final Map<Node, Node> owner = new IdentityHashMap<>();
  /** Matrix products whose only reader adds a bias row: the product computes the sum, the add aliases it. */
  private final Map<Node, Node> epilogues = new IdentityHashMap<>();
  private final java.util.Set<Node> fusedAdds = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  private final java.util.Set<Node> roots = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

  /** A loop body's placeholders and the arrays they read (null for an entry point, whose sources are fields). */
  private final Map<Node, Operand.Array> bound;

  private Lowering(Graph graph, Fields fields, BufferPool pool, Map<Node, Operand.Array> bound) {
    this.graph = graph;
    this.fields = fields;
    this.pool = pool;
    this.bound = bound;
    this.roots.addAll(graph.roots());
  }

  static Plan lower(Graph graph, Fields fields, BufferPool pool) {
    return new Lowering(graph, fields, pool, null).run();
  }

  /**
   * A loop body (a graph whose output is the next carry) whose placeholders read the given
   * arrays; its temporaries come from its own {@code pool}, so they never share memory with
   * the values alive around the loop.
   */
  static Plan lowerBody(Graph body, Fields fields, BufferPool pool, Map<Node, Operand.Array> bound) {
    return new Lowering(body, fields, pool, bound).run();
  }

  private Plan run() {
    List<Node> order = graph.nodes();
    for (Node n : order) {
      for (Node in : n.inputs()) {
        consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
    }
    for (Node n : order) {
      Node product = biasEpilogueOf(n);
      if (product != null) {
        epilogues.put(product, n);
        fusedAdds.add(n);
      }
    }
    for (Node n : order) {
      Form form = formOf(n);
      forms.put(n, form);
      if (form == Form.ALIAS || form == Form.ELEMENT || form == Form.VIEW) {
        owner.put(n, ownerOf(n.input(0)));
      }
    }
    List<Step> steps = allocate(order);
    for (Node n : order) {
      if (!operands.containsKey(n)) {
        operands.put(n, operandOf(n));
      }
    }
    return new Plan(graph, steps, operands, epilogues);
  }

  /**
   * The f32 matrix product (or convolution, channels last) that {@code n} adds a parameter's
   * bias row to, when the sum can be its epilogue: the product [rows, cols] (or [N, ..., cols])
   * has no other reader and is no root (so nothing, the backward pass included, needs it
   * without the bias), and the bias is a [cols] parameter.
   */
  private Node biasEpilogueOf(Node n) {
    if (n.op() != Op.ADD || n.dtype() != dev.adjoint.compiler.ir.ScalarType.F32) {
      return null;
    }
    Node product = n.input(0);
    Node bias = n.input(1);
    boolean matrix = product.op() == Op.MATMUL && n.shape().rank() == 2;
    if (!matrix && product.op() != Op.CONV || product.dtype() != dev.adjoint.compiler.ir.ScalarType.F32
        || !product.shape().equals(n.shape()) || isRoot(product)
        || consumers.getOrDefault(product, List.of()).size() != 1) {
      return null;
    }
    // the bias a row view of the parameter (see broadcastForm), not a scalar or a materialized broadcast
    if (bias.op() != Op.BROADCAST || bias.input(0).op() != Op.PARAM || bias.input(0).shape().rank() != 1
        || bias.input(0).shape().dim(0) != n.shape().last() || n.shape().last() < 2 || isRoot(bias)
        || !consumers.getOrDefault(bias, List.of()).stream().allMatch(Lowering::readsViews)) {
      return null;
    }
    return product;
  }

  // ---- pass 1: forms -----------------------------------------------------------------

  private Form formOf(Node n) {
    if (fusedAdds.contains(n)) {
      return Form.ALIAS;
    }
    if (!(n.op().kernel() instanceof BackendKernel kernel)) {
      return Form.COMPUTED;
    }
    return switch (kernel) {
      case SOURCE -> Form.SOURCE;
      case CONSTANT -> n.shape().isScalar() && scalarReadable(n) ? Form.LITERAL : Form.COMPUTED;
      case COUNT -> scalarReadable(n) ? Form.LITERAL : Form.COMPUTED;
      case RESHAPE -> reshapeForm(n);
      case BROADCAST -> broadcastForm(n);
      case MODE_SWITCH ->
          throw new IllegalStateException("a mode switch reached code generation; the pipeline resolves them");
      case REDUCE_SUM, REDUCE_MAX, ARGMAX, TRANSPOSE, SLICE, UNSLICE, PAD, GATHER, SCATTER_ADD, ONE_HOT, MATMUL,
          BATCH_MATMUL, RANDOM_UNIFORM, POOL_ARGMAX, SPATIAL_TAKE, SPATIAL_PUT, CONV, CONV_INPUT_GRAD,
          CONV_FILTER_GRAD, LOG_SOFTMAX, SOFTMAX_CROSS_ENTROPY, DROPOUT_MASK, ELEMENTWISE_KERNEL, SCAN, ATTENTION,
          CONV_BIAS_RELU, BAG_SUM, BAG_SUM_GRAD
              -> Form.COMPUTED;
      case CONCAT -> Form.COMPUTED; // one copy of each operand into its buffer
    };
  }

  private boolean isScalar(Node n) {
    Form f = forms.get(n);
    return f == Form.LITERAL || f == Form.ELEMENT || f == Form.ALIAS && isScalar(n.input(0));
  }

  private boolean isArray(Node n) {
    Form f = forms.get(n);
    return f == Form.SOURCE || f == Form.COMPUTED || f == Form.ALIAS && isArray(n.input(0));
  }

  private Form reshapeForm(Node n) {
    if (isArray(n.input(0))) {
      return Form.ALIAS;
    }
    return isScalar(n.input(0)) && scalarReadable(n) ? Form.ALIAS : Form.COMPUTED;
  }

  private Form broadcastForm(Node n) {
    Node in = n.input(0);
    if (isScalar(in)) {
      return scalarReadable(n) ? Form.ALIAS : Form.COMPUTED;
    }
    if (!isArray(in)) {
      return Form.COMPUTED;
    }
    if (in.shape().staticSize() == 1 && !in.shape().hasBatch() && scalarReadable(n)) {
      return Form.ELEMENT;
    }
    boolean viewable = pattern(in.shape(), n.shape()) != null
        && consumers.getOrDefault(n, List.of()).stream().allMatch(Lowering::readsViews) && !isRoot(n);
    return viewable ? Form.VIEW : Form.COMPUTED;
  }

  /** Whether every consumer can take the node's value as a scalar expression. */
  private boolean scalarReadable(Node n) {
    return !isRoot(n) && consumers.getOrDefault(n, List.of()).stream()
        .allMatch(c -> readsViews(c) || c.op() == Op.RESHAPE || c.op() == Op.BROADCAST);
  }

  /** Ops whose emitted loops read a broadcast view or scalar directly: scalar kernels, alone or fused. */
  static boolean readsViews(Node consumer) {
    return consumer.op().kernel() instanceof ElementKernel || consumer.op() == Op.ELEMENTWISE_KERNEL;
  }

  private boolean isRoot(Node n) {
    return roots.contains(n);
  }

  private Node ownerOf(Node n) {
    return owner.getOrDefault(n, n);
  }

  // ---- pass 2: buffers ---------------------------------------------------------------

  /** Buffers for computing nodes, reused by liveness; roots stay alive to the end. */
  private List<Step> allocate(List<Node> order) {
    Map<Node, Integer> position = new IdentityHashMap<>();
    for (Node n : order) {
      position.put(n, position.size());
    }
    Map<Node, Integer> lastRead = new IdentityHashMap<>();
    for (Node n : order) {
      for (Node in : n.inputs()) {
        lastRead.merge(ownerOf(in), position.get(n), Math::max);
      }
    }
    for (Node root : graph.roots()) {
      lastRead.put(ownerOf(root), Integer.MAX_VALUE);
    }
    pool.startEntryPoint();
    List<Step> steps = new ArrayList<>();
    for (Node n : order) {
      if (forms.get(n) != Form.COMPUTED) {
        continue;
      }
      int at = position.get(n);
      Operand.Array out = bound == null ? fields.outputFieldFor(graph, n) : null;
      if (out == null) {
        String field = pool.acquire(n, at, lastRead.getOrDefault(n, at));
        out = new Operand.Array(field, n.dtype(), n.shape());
      }
      operands.put(n, out);
      steps.add(new Step(n, out));
    }
    return steps;
  }

  // ---- pass 3: operands --------------------------------------------------------------

  private Operand operandOf(Node n) {
    Operand in = n.inputs().isEmpty() ? null : operands.get(n.input(0));
    return switch (forms.get(n)) {
      case SOURCE -> bound == null ? fields.source(n) : boundSource(n);
      case LITERAL -> new Operand.Scalar(n.op() == Op.COUNT ? count(n)
          : JavaText.literal(n.attrs(Attrs.Fill.class).value(), n.dtype()), n.dtype(), n.shape());
      case ALIAS -> in instanceof Operand.Array a ? new Operand.Array(a.field(), a.dtype(), n.shape())
          : new Operand.Scalar(((Operand.Scalar) in).text(), ((Operand.Scalar) in).element(), n.dtype(), n.shape());
      case ELEMENT -> Operand.Scalar.element((Operand.Array) in, n.dtype(), n.shape());
      case VIEW -> {
        Operand.Array a = (Operand.Array) in;
        yield new Operand.View(a, n.shape(), pattern(a.shape(), n.shape()));
      }
      case COMPUTED -> throw new IllegalStateException("a computed node without a buffer: " + n);
    };
  }

  private Operand.Array boundSource(Node placeholder) {
    Operand.Array a = bound.get(placeholder);
    if (a == null) {
      throw new IllegalStateException("a source in a loop body that is none of its placeholders: " + placeholder);
    }
    return new Operand.Array(a.field(), placeholder.dtype(), placeholder.shape());
  }

  /** max(1, element count over the axes), in the node's dtype. */
  static String count(Node n) {
    Shape shape = n.input(0).shape();
    boolean batch = false;
    long size = 1;
    for (int axis : n.attrs(Attrs.Axes.class).axes()) {
      if (shape.dim(axis) == Shape.BATCH) {
        batch = true;
      } else {
        size *= shape.dim(axis);
      }
    }
    String count = Sizes.times(batch, size);
    return Sizes.isStatic(count) ? JavaText.literal(Math.max(1, size), n.dtype())
        : "((" + JavaText.type(n.dtype()) + ") Math.max(1, " + count + "))";
  }

  /** ROW when {@code from} is [1, .., 1, C] against [.., C]; COLUMN when it is {@code to} with a last axis of 1. */
  static Operand.Pattern pattern(Shape from, Shape to) {
    if (to.rank() == 0) {
      return null;
    }
    int offset = to.rank() - from.rank();
    boolean row = from.rank() >= 1 && from.last() == to.last() && to.last() != 1 && to.last() != Shape.BATCH;
    for (int i = 0; i < from.rank() - 1 && row; i++) {
      row = from.dim(i) == 1;
    }
    if (row) {
      return Operand.Pattern.ROW;
    }
    if (offset != 0 || from.rank() == 0 || from.last() != 1 || to.last() == 1 || to.last() == Shape.BATCH) {
      return null;
    }
    for (int i = 0; i < from.rank() - 1; i++) {
      if (from.dim(i) != to.dim(i)) {
        return null;
      }
    }
    return Operand.Pattern.COLUMN;
  }
}
