package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.adjoint.compiler.ir.ElementKernel;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Element-wise loops shared between the engine's threads: a large loop over an output's
 * elements becomes a part method ({@code _part(B, part, parts)}, its elements from
 * {@code PartedWork.start}) that the node's method hands to {@code Gemm.engine().runParts}
 * after naming it in the model's job field; the model's {@code runPart} runs the named
 * loop's part (job 0 is the optimizer's update). Each element is computed as the whole loop
 * computes it, so results are bit-identical on any number of threads; on one thread
 * {@code runParts} runs the single part at once. Without this, on two threads the products
 * split while every element-wise loop (GELU and its derivative, the residual adds, ...) ran
 * on the calling thread alone.
 */
final class PartedLoops {
  /**
   * Loops of fewer elements per sample stay whole: handing a part to a worker costs a few
   * microseconds, as much as a few thousand elements of work.
   */
  static final long MIN_ELEMENTS = 8192;
  /** At most this many loops per class, so that the dispatching switch stays a small method. */
  static final int MAX_LOOPS = 400;

  private final Names names;
  private final List<String> loops = new ArrayList<>();
  private String jobField;
  private String batchField;

  PartedLoops(Names names) {
    this.names = names;
  }

  /** Whether the node's loop is shared out: an element-wise op over many elements per sample, one index for all. */
  boolean applies(Node node, List<Operand> inputs, Operand.Array out) {
    boolean elementwise = node.op().kernel() instanceof ElementKernel || node.op() == Op.ELEMENTWISE_KERNEL;
    Shape shape = out.shape();
    return elementwise && loops.size() < MAX_LOOPS && shape.rank() > 0 && shape.staticSize() >= MIN_ELEMENTS
        && ElementwiseEmitter.flat(inputs, out);
  }

  /**
   * Registers the part method (already named {@code part}) and returns the body of the node's
   * own method: the job named, the parts run, the job cleared.
   */
  CodeBlock dispatch(String part, Receiver model) {
    if (jobField == null) {
      jobField = names.field("partedJob");
      batchField = names.field("partedBatch");
    }
    loops.add(part);
    return CodeBlock.builder()
        .addStatement("$L = $L", model.field(jobField), loops.size())
        .addStatement("$L = B", model.field(batchField))
        .addStatement("$T.engine().runParts($L)", RuntimeTypes.GEMM, model.self())
        .addStatement("$L = 0", model.field(jobField)).build();
  }

  /** The part method of a loop: its comments and its part of the elements. */
  static MethodSpec partMethod(String name, CodeBlock comments, CodeBlock loop) {
    return MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE).addParameter(int.class, "B")
        .addParameter(int.class, "part").addParameter(int.class, "parts").addCode(comments).addCode(loop).build();
  }

  boolean any() {
    return !loops.isEmpty();
  }

  /** The job and batch fields, non-private when part classes set them. */
  List<FieldSpec> fields(Modifier... modifiers) {
    return List.of(FieldSpec.builder(TypeName.INT, jobField, modifiers).build(),
        FieldSpec.builder(TypeName.INT, batchField, modifiers).build());
  }

  /** The model class's own field holding the running job. */
  String jobField() {
    return jobField;
  }

  /**
   * The statements of {@code runLoopPart(part, parts)}: a switch over the jobs, each calling
   * its loop's part method through {@code call} (which knows where the method was placed).
   */
  CodeBlock switchOverJobs(java.util.function.Function<String, String> call) {
    CodeBlock.Builder code = CodeBlock.builder().beginControlFlow("switch (this.$L)", jobField);
    for (int job = 0; job < loops.size(); job++) {
      code.add("case $L:\n", job + 1).indent()
          .addStatement("$L", call.apply(loops.get(job)))
          .addStatement("break").unindent();
    }
    code.add("default:\n").indent()
        .addStatement("throw new $T($S + this.$L)", IllegalStateException.class, "no element-wise loop numbered ", jobField)
        .unindent();
    return code.endControlFlow().build();
  }

  /** Arguments of a part method's call from {@code runLoopPart}. */
  String arguments() {
    return "this." + batchField + ", part, parts";
  }
}
