package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.DType;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Loops for elementwise ops and fused elementwise kernels. When every operand has the
 * output's shape (or is a scalar, hoisted out of the loop), the loop is one flat
 * same-index loop — the form HotSpot's C2 vectorizes. Operands broadcast along rows or
 * columns get a row loop around a column loop. A kernel operand broadcast any other way
 * (such as [B, 1, 4] or [3, 1] against [B, 3, 4]) is read at an index computed from the
 * element's position, axis by axis.
 */
final class ElementwiseEmitter {
  private ElementwiseEmitter() {}

  /**
   * How a loop reads one operand: a local set before the loop (or per row), the expression
   * in a flat or nested loop, and a statement computing its index for each element (or null).
   */
  private record Read(String hoist, String flat, String nested, boolean needsRows, String index) {
    Read(String hoist, String flat, String nested, boolean needsRows) {
      this(hoist, flat, nested, needsRows, null);
    }
  }

  static CodeBlock emit(Node node, List<Operand> inputs, Operand.Array out) {
    Shape shape = out.shape();
    int columns = shape.rank() == 0 || shape.last() == Shape.BATCH ? 1 : shape.last();
    String size = Sizes.size(shape);
    String rows = shape.rank() == 0 ? "1" : shape.last() == Shape.BATCH ? size : Sizes.size(shape, 0, shape.rank() - 1);
    CodeBlock.Builder code = CodeBlock.builder();
    List<Read> reads = new ArrayList<>();
    boolean nested = false;
    for (int k = 0; k < inputs.size(); k++) {
      Read read = read(inputs.get(k), shape, "a" + k);
      reads.add(read);
      nested |= read.needsRows();
    }
    for (Read read : reads) {
      if (read.hoist() != null && !read.needsRows()) {
        code.addStatement("$L", read.hoist());
      }
    }
    if (nested) {
      code.beginControlFlow("for (int r = 0; r < $L; r++)", rows);
      code.addStatement("int o = r * $L", columns);
      for (Read read : reads) {
        if (read.hoist() != null && read.needsRows()) {
          code.addStatement("$L", read.hoist());
        }
      }
      code.beginControlFlow("for (int j = 0; j < $L; j++)", columns);
      code.addStatement("int i = o + j");
    } else {
      code.beginControlFlow("for (int i = 0; i < $L; i++)", size);
    }
    for (Read read : reads) {
      if (read.index() != null) {
        code.addStatement("$L", read.index());
      }
    }
    List<String> args = new ArrayList<>();
    for (Read read : reads) {
      args.add(nested ? read.nested() : read.flat());
    }
    body(code, node, args, inputs, out);
    code.endControlFlow();
    if (nested) {
      code.endControlFlow();
    }
    return code.build();
  }

  /** The statements inside the loop: locals for a kernel's intermediate results, then the store. */
  private static void body(CodeBlock.Builder code, Node node, List<String> args, List<Operand> inputs,
      Operand.Array out) {
    if (node.op() != Op.ELEMENTWISE_KERNEL) {
      List<DType> types = inputs.stream().map(Operand::dtype).toList();
      code.addStatement("$L[i] = $L", out.ref(), expression(node.op(), node.attrs(), args, types, node.dtype()));
      return;
    }
    Attrs.Kernel kernel = node.attrs(Attrs.Kernel.class);
    List<String> values = new ArrayList<>(args);
    List<DType> types = new ArrayList<>();
    inputs.forEach(i -> types.add(i.dtype()));
    List<Attrs.Instruction> program = kernel.program();
    for (int p = 0; p < program.size(); p++) {
      Attrs.Instruction instruction = program.get(p);
      List<String> operands = new ArrayList<>();
      List<DType> operandTypes = new ArrayList<>();
      for (int a : instruction.args()) {
        operands.add(values.get(a));
        operandTypes.add(types.get(a));
      }
      DType result = resultType(instruction.op(), instruction.attrs(), operandTypes);
      String expression = expression(instruction.op(), instruction.attrs(), operands, operandTypes, result);
      if (p == program.size() - 1) {
        code.addStatement("$L[i] = $L", out.ref(), expression);
      } else {
        String local = "v" + (args.size() + p);
        code.addStatement("$L $L = $L", JavaText.type(result), local, expression);
        values.add(local);
        types.add(result);
      }
    }
  }

  private static DType resultType(Op op, Attrs attrs, List<DType> operands) {
    if (op == Op.CAST) {
      return ((Attrs.Cast) attrs).dtype();
    }
    return op == Op.WHERE ? operands.get(1) : operands.get(0);
  }

  /** How to read an operand inside the loop over {@code shape}. */
  private static Read read(Operand operand, Shape shape, String local) {
    if (operand instanceof Operand.Scalar s) {
      String hoist = JavaText.type(s.dtype()) + " " + local + " = " + s.expression();
      return new Read(hoist, local, local, false);
    }
    if (operand instanceof Operand.View v) {
      return viewRead(v.source(), v.pattern(), local);
    }
    Operand.Array a = (Operand.Array) operand;
    if (a.shape().equals(shape) || a.shape().staticSize() == shape.staticSize()
        && a.shape().hasBatch() == shape.hasBatch()) {
      String element = a.ref() + "[i]";
      return new Read(null, element, element, false);
    }
    if (a.shape().staticSize() == 1 && !a.shape().hasBatch()) {
      return new Read(JavaText.type(a.dtype()) + " " + local + " = " + a.ref() + "[0]", local, local, false);
    }
    Operand.Pattern pattern = Lowering.pattern(a.shape(), shape);
    return pattern == null ? generalRead(a, shape, local) : viewRead(a, pattern, local);
  }

  /**
   * Any other broadcast: the source index from the element index {@code i}, as the sum over
   * the source's non-1 axes of (the element's index along the axis) times the source stride.
   */
  private static Read generalRead(Operand.Array source, Shape shape, String local) {
    Shape s = source.shape();
    int offset = shape.rank() - s.rank();
    List<String> terms = new ArrayList<>();
    for (int axis = 0; axis < shape.rank(); axis++) {
      int from = axis - offset;
      if (from < 0 || s.dim(from) == 1) {
        continue;
      }
      String stride = Sizes.size(shape, axis + 1, shape.rank());
      String index = stride.equals("1") ? "i" : "i / (" + stride + ")";
      if (axis > 0) {
        index = (stride.equals("1") ? index : "(" + index + ")") + " % " + Sizes.dim(shape.dim(axis));
      }
      String sourceStride = Sizes.size(s, from + 1, s.rank());
      terms.add(sourceStride.equals("1") ? index : index + " * (" + sourceStride + ")");
    }
    String name = local + "i";
    String element = source.ref() + "[" + name + "]";
    return new Read(null, element, element, false,
        "int " + name + " = " + (terms.isEmpty() ? "0" : String.join(" + ", terms)));
  }

  private static Read viewRead(Operand.Array source, Operand.Pattern pattern, String local) {
    if (pattern == Operand.Pattern.ROW) {
      String element = source.ref() + "[j]";
      return new Read(null, element, element, true);
    }
    String hoist = JavaText.type(source.dtype()) + " " + local + " = " + source.ref() + "[r]";
    return new Read(hoist, local, local, true);
  }

  /** The Java expression of an elementwise op on operand expressions of the given dtypes. */
  static String expression(Op op, Attrs attrs, List<String> a, List<DType> types, DType result) {
    DType t = types.get(0);
    String cast = t == DType.F32 ? "(float) " : "";
    switch (op) {
      case NEG:
        return "(-" + a.get(0) + ")";
      case RECIP:
        return JavaText.literal(1, t) + " / " + a.get(0);
      case EXP:
        return cast + "Math.exp(" + a.get(0) + ")";
      case LOG:
        return cast + "Math.log(" + a.get(0) + ")";
      case LOG1P:
        // f32 through Scalars (Math.log1p is a native call in HotSpot 17), f64 as the interpreter
        return t == DType.F32 ? "log1p(" + a.get(0) + ")" : "Math.log1p(" + a.get(0) + ")";
      case SQRT:
        return cast + "Math.sqrt(" + a.get(0) + ")";
      case TANH:
        return t == DType.F32 ? "tanh(" + a.get(0) + ")" : "Math.tanh(" + a.get(0) + ")";
      case ABS:
        return "Math.abs(" + a.get(0) + ")";
      case SIGN:
        return t == DType.I32 ? "Integer.signum(" + a.get(0) + ")" : "Math.signum(" + a.get(0) + ")";
      case SIGMOID:
        return "sigmoid(" + a.get(0) + ")";
      case ERF:
        return "erf(" + a.get(0) + ")";
      case CAST:
        return "(" + JavaText.type(((Attrs.Cast) attrs).dtype()) + ") " + a.get(0);
      case ADD:
        return "(" + a.get(0) + " + " + a.get(1) + ")";
      case SUB:
        return "(" + a.get(0) + " - " + a.get(1) + ")";
      case MUL:
        return "(" + a.get(0) + " * " + a.get(1) + ")";
      case DIV:
        return "(" + a.get(0) + " / " + a.get(1) + ")";
      case POW:
        // i32 powers truncate toward zero, as the interpreter's cast to i32 does
        return (t == DType.I32 ? "(int) " : cast) + "Math.pow(" + a.get(0) + ", " + a.get(1) + ")";
      case MAX:
        return "Math.max(" + a.get(0) + ", " + a.get(1) + ")";
      case MIN:
        return "Math.min(" + a.get(0) + ", " + a.get(1) + ")";
      case GREATER:
        return compare(a, ">", t);
      case GREATER_EQUAL:
        return compare(a, ">=", t);
      case EQUAL:
        return compare(a, "==", t);
      case WHERE:
        return "(" + a.get(0) + " != " + JavaText.literal(0, types.get(0)) + " ? " + a.get(1) + " : " + a.get(2) + ")";
      case SIGMOID_BCE:
        return "sigmoidBce(" + a.get(0) + ", " + a.get(1) + ")";
      default:
        throw new IllegalArgumentException(op.text() + " is not elementwise");
    }
  }

  private static String compare(List<String> a, String operator, DType t) {
    return "(" + a.get(0) + " " + operator + " " + a.get(1) + " ? " + JavaText.literal(1, t) + " : "
        + JavaText.literal(0, t) + ")";
  }
}
