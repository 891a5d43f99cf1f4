package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Primitive;
import dev.adjoint.compiler.ir.ElementKernel;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeRules;
import dev.adjoint.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * Loops for ops with a scalar kernel and for fused elementwise kernels: each element is the
 * kernel's emission template over the operands' elements. When every operand has the
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
    return emit(node, inputs, out, false);
  }

  /**
   * Whether the loop is one loop over the output's elements (no operand read per row), the
   * form whose elements threads may share out by index (see {@link PartedLoops}).
   */
  static boolean flat(List<Operand> inputs, Operand.Array out) {
    for (int k = 0; k < inputs.size(); k++) {
      Read read = read(inputs.get(k), out.shape(), "a" + k);
      if (read.needsRows()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The loop, or with {@code parted} (a {@link #flat} loop only) its part {@code part} of
   * {@code parts}: the elements from {@code PartedWork.start(size, part, parts)} on.
   */
  static CodeBlock emit(Node node, List<Operand> inputs, Operand.Array out, boolean parted) {
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
    } else if (parted) {
      code.addStatement("int end = $T.start($L, part + 1, parts)", RuntimeTypes.PARTED_WORK, size);
      code.beginControlFlow("for (int i = $T.start($L, part, parts); i < end; i++)", RuntimeTypes.PARTED_WORK, size);
    } else {
      code.beginControlFlow("for (int i = 0; i < $L; i++)", size);
    }
    for (Read read : reads) {
      if (read.index() != null) {
        code.addStatement("$L", read.index());
      }
    }
    List<CodeBlock> args = new ArrayList<>();
    for (Read read : reads) {
      args.add(CodeBlock.of("$L", nested ? read.nested() : read.flat()));
    }
    body(code, node, args, inputs, out);
    code.endControlFlow();
    if (nested) {
      code.endControlFlow();
    }
    return code.build();
  }

  /** The statements inside the loop: locals for a kernel's intermediate results, then the store. */
  private static void body(CodeBlock.Builder code, Node node, List<CodeBlock> args, List<Operand> inputs,
      Operand.Array out) {
    List<ScalarType> types = new ArrayList<>();
    inputs.forEach(i -> types.add(i.dtype()));
    if (node.op() != Op.ELEMENTWISE_KERNEL) {
      code.addStatement("$L[i] = $L", out.ref(), expression(node.op(), node.attrs(), args, types));
      return;
    }
    Attrs.Kernel kernel = node.attrs(Attrs.Kernel.class);
    List<CodeBlock> values = new ArrayList<>(args);
    List<Attrs.Instruction> program = kernel.program();
    for (int p = 0; p < program.size(); p++) {
      Attrs.Instruction instruction = program.get(p);
      List<CodeBlock> operands = new ArrayList<>();
      List<ScalarType> operandTypes = new ArrayList<>();
      for (int a : instruction.args()) {
        operands.add(values.get(a));
        operandTypes.add(types.get(a));
      }
      CodeBlock expression = expression(instruction.op(), instruction.attrs(), operands, operandTypes);
      if (p == program.size() - 1) {
        code.addStatement("$L[i] = $L", out.ref(), expression);
      } else {
        ScalarType result = resultType(instruction, operandTypes);
        String local = "v" + (args.size() + p);
        code.addStatement("$L $L = $L", JavaText.type(result), local, expression);
        values.add(CodeBlock.of("$L", local));
        types.add(result);
      }
    }
  }

  /** The dtype an instruction computes, by its op's shape rule. */
  private static ScalarType resultType(Attrs.Instruction instruction, List<ScalarType> operands) {
    List<TensorType> in = operands.stream().map(t -> new TensorType(t, Shape.SCALAR)).toList();
    return ShapeRules.infer(instruction.op(), in, instruction.attrs()).dtype();
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

  /** The Java expression of an op with a scalar kernel on operand expressions of the given dtypes: its template. */
  static CodeBlock expression(Primitive op, Attrs attrs, List<CodeBlock> operands, List<ScalarType> types) {
    return ((ElementKernel) op.kernel()).emit(new TemplateOperands(operands, types, attrs));
  }

  /** A template's view of its operands. */
  private record TemplateOperands(List<CodeBlock> operands, List<ScalarType> types, Attrs attrs)
      implements ElementKernel.Operands {
    @Override
    public CodeBlock get(int i) {
      return operands.get(i);
    }

    @Override
    public int size() {
      return operands.size();
    }

    @Override
    public ScalarType dtype(int i) {
      return types.get(i);
    }

    @Override
    public CodeBlock literal(double value, ScalarType dtype) {
      return CodeBlock.of("$L", JavaText.literal(value, dtype));
    }
  }
}
