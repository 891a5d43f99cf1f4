package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.adjoint.compiler.ir.BackendKernel;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ScalarType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * One method per distinct computation, shared by every node that computes the same thing on
 * other arrays: a node's code is emitted over parameters ({@code arg0}, {@code arg1}, ...)
 * instead of the model's fields, and nodes whose code is then the same text call one method
 * with their own arrays. A transformer's layers, and the forward pass that training,
 * evaluation and prediction each run, differ only in the arrays they read and write, so
 * W6's 431 per-node methods become 90: the generated source, and what Janino compiles,
 * shrink by half, and each entry point reads as a list of calls under the comments that name
 * each node and its .nn line. The shared code is the text each node would have had, with its
 * fields renamed, so results are bit for bit those of a method per node.
 */
final class KernelMethods {
  private final Names names;
  /** Methods by their code and parameter types. */
  private final Map<String, String> byCode = new HashMap<>();

  KernelMethods(Names names) {
    this.names = names;
  }

  /**
   * How a node calls its kernel: the method, the model's arrays it passes (in parameter
   * order, then {@code B}), and the method itself when this node is the first to need it.
   */
  record Use(String method, List<Operand.Array> arguments, MethodSpec created) {}

  /** Whether a node's code can live in a kernel method: it reads no model state (a seed or step). */
  static boolean shareable(Node node) {
    return node.op() != Op.SCAN && node.op().kernel() != BackendKernel.RANDOM_UNIFORM
        && node.op().kernel() != BackendKernel.DROPOUT_MASK;
  }

  /**
   * The kernel computing {@code node} from {@code in} into {@code out} ({@code bias}, when
   * not null, added by the product as its epilogue): an existing method when another node's
   * code was the same, else a new one.
   */
  Use use(Node node, List<Operand> in, Operand.Array out, Operand.Array bias) {
    Parameters params = new Parameters();
    List<Operand> inParams = in.stream().map(params::of).toList();
    Operand.Array outParam = params.array(out);
    CodeBlock body = bias == null ? NodeEmitter.emit(node, inParams, outParam)
        : NodeEmitter.matmulBias(node, inParams, outParam, params.array(bias));
    StringBuilder key = new StringBuilder();
    params.types.forEach(t -> key.append(t).append(' '));
    key.append('\n').append(body);
    String existing = byCode.get(key.toString());
    if (existing != null) {
      return new Use(existing, params.arguments, null);
    }
    String name = names.method(node.op().text() + byCode.size());
    byCode.put(key.toString(), name);
    MethodSpec.Builder method = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE);
    for (int i = 0; i < params.types.size(); i++) {
      method.addParameter(params.types.get(i), Receiver.ARGUMENTS.field(parameter(i)));
    }
    method.addParameter(int.class, "B");
    return new Use(name, params.arguments, method.addCode(body).build());
  }

  /** The name of the i-th array parameter. */
  private static String parameter(int i) {
    return "arg" + i;
  }

  /** The arrays of one node, each distinct field one parameter, in the order the code meets them. */
  private static final class Parameters {
    private final Map<String, String> byField = new LinkedHashMap<>();
    private final List<Operand.Array> arguments = new ArrayList<>();
    private final List<TypeName> types = new ArrayList<>();

    Operand of(Operand operand) {
      if (operand instanceof Operand.Array a) {
        return array(a);
      }
      if (operand instanceof Operand.View v) {
        return new Operand.View(array(v.source()), v.shape(), v.pattern());
      }
      Operand.Scalar s = (Operand.Scalar) operand;
      return s.element() == null ? s : Operand.Scalar.element(array(s.element()), s.dtype(), s.shape());
    }

    Operand.Array array(Operand.Array a) {
      String name = byField.computeIfAbsent(a.field(), f -> {
        arguments.add(a);
        types.add(ArrayTypeName.of(element(a.dtype())));
        return parameter(byField.size());
      });
      return new Operand.Array(name, a.dtype(), a.shape(), Receiver.ARGUMENTS);
    }

    private static TypeName element(ScalarType dtype) {
      return switch (dtype) {
        case F32 -> TypeName.FLOAT;
        case F64 -> TypeName.DOUBLE;
        case I32 -> TypeName.INT;
      };
    }
  }
}
