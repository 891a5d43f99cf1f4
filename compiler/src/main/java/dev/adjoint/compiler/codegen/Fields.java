package dev.adjoint.compiler.codegen;

import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The arrays a generated class keeps for its interface: one per input, parameter, state
 * and output, named after them. Every entry point reads and writes the same fields.
 */
final class Fields {
  private final Names names;
  private final Map<String, Operand.Array> inputs = new LinkedHashMap<>();
  private final Map<String, Operand.Array> params = new LinkedHashMap<>();
  private final Map<String, Operand.Array> states = new LinkedHashMap<>();
  private final Map<String, Operand.Array> outputs = new LinkedHashMap<>();

  /** Fields for the forward graph's interface, inputs limited to those the compiled graphs read. */
  Fields(Names names, Graph forward, java.util.Set<String> usedInputs) {
    this.names = names;
    for (Node n : forward.inputs()) {
      if (usedInputs.contains(n.sourceName())) {
        inputs.put(n.sourceName(), array(n.sourceName(), n));
      }
    }
    for (Node n : forward.params()) {
      params.put(n.sourceName(), array(n.sourceName(), n));
    }
    for (Node n : forward.states()) {
      states.put(n.sourceName(), array(n.sourceName(), n));
    }
    forward.outputs().forEach((name, n) -> outputs.put(name, array("out_" + name, n)));
  }

  private Operand.Array array(String name, Node n) {
    return new Operand.Array(names.field(name), n.dtype(), n.shape());
  }

  /** The field of an input, parameter or state node. */
  Operand.Array source(Node n) {
    Map<String, Operand.Array> group = n.op() == Op.INPUT ? inputs : n.op() == Op.PARAM ? params : states;
    Operand.Array a = group.get(n.sourceName());
    if (a == null) {
      throw new IllegalStateException("no field for " + n);
    }
    return a;
  }

  /** The output field a computed node writes directly, when it is one of {@code graph}'s outputs. */
  Operand.Array outputFieldFor(Graph graph, Node n) {
    for (Map.Entry<String, Node> e : graph.outputs().entrySet()) {
      if (e.getValue() == n) {
        Operand.Array field = outputs.get(e.getKey());
        return new Operand.Array(field.field(), n.dtype(), n.shape());
      }
    }
    return null;
  }

  Map<String, Operand.Array> inputs() {
    return inputs;
  }

  Map<String, Operand.Array> params() {
    return params;
  }

  Map<String, Operand.Array> states() {
    return states;
  }

  Map<String, Operand.Array> outputs() {
    return outputs;
  }
}
