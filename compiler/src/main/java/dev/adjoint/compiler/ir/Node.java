package dev.adjoint.compiler.ir;

import dev.adjoint.compiler.source.SourceSpan;
import java.util.List;
import java.util.Objects;

/**
 * One immutable operation in a graph: an op, its inputs, its attributes, the type it
 * produces and the .nn text it came from. Identity is the object; passes build new nodes
 * rather than change old ones, and keep the span of what they replace.
 */
public final class Node {
  private final Primitive op;
  private final List<Node> inputs;
  private final Attrs attrs;
  private final TensorType type;
  private final SourceSpan span;

  private Node(Primitive op, List<Node> inputs, Attrs attrs, TensorType type, SourceSpan span) {
    this.op = op;
    this.inputs = inputs;
    this.attrs = attrs;
    this.type = type;
    this.span = span;
  }

  /** A node whose type follows from {@link ShapeRules}; throws {@link ShapeException} if the inputs do not fit. */
  public static Node of(Primitive op, List<Node> inputs, Attrs attrs, SourceSpan span) {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(attrs, "attrs");
    Objects.requireNonNull(span, "span");
    List<Node> copy = List.copyOf(inputs);
    TensorType type = ShapeRules.infer(op, copy.stream().map(Node::type).toList(), attrs);
    return new Node(op, copy, attrs, type, span);
  }

  public Primitive op() {
    return op;
  }

  public List<Node> inputs() {
    return inputs;
  }

  public Node input(int i) {
    return inputs.get(i);
  }

  public Attrs attrs() {
    return attrs;
  }

  /** The attributes as the record this op takes. */
  public <A extends Attrs> A attrs(Class<A> kind) {
    return kind.cast(attrs);
  }

  public TensorType type() {
    return type;
  }

  public Shape shape() {
    return type.shape();
  }

  public ScalarType dtype() {
    return type.dtype();
  }

  public SourceSpan span() {
    return span;
  }

  /** This node's op and attributes over other inputs, with the same span. */
  public Node withInputs(List<Node> newInputs) {
    return of(op, newInputs, attrs, span);
  }

  /** The name of an input, parameter or state node; null for others. */
  public String sourceName() {
    if (attrs instanceof Attrs.Input a) {
      return a.name();
    }
    if (attrs instanceof Attrs.Param a) {
      return a.name();
    }
    if (attrs instanceof Attrs.State a) {
      return a.name();
    }
    return null;
  }

  @Override
  public String toString() {
    String a = attrs.text();
    return op.text() + (a.isEmpty() ? "" : " " + a) + " : " + type;
  }
}
