package dev.adjoint.compiler;

import dev.adjoint.compiler.autodiff.FunctionSpec;
import dev.adjoint.compiler.codegen.FunctionCompiler;
import dev.adjoint.compiler.settings.CheckedModel;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A derivative of a model compiled to Java, bound to a model whose parameters it reads: the
 * gradient of the loss or of an output with respect to inputs (saliency) or parameters, a
 * vector-Jacobian or Jacobian-vector product, or a Hessian-vector product of the loss
 * ({@link FunctionSpec}). Fill its inputs (the model's, and the seeds such as
 * {@code cotangent}, {@code tangent.x} or {@code v.h.W}), call {@link #compute}, read its
 * outputs ({@code value}, {@code grad.x}, {@code tangent}, {@code hvp.h.W}):
 *
 * <pre>{@code
 * ModelUnit unit = Adjoint.check(Path.of("mnist.nn"), null, List.of());
 * CompiledModel model = Adjoint.compile(Path.of("mnist.nn")).newModel(64);
 * ModelFunction saliency = ModelFunction.bind(unit, FunctionSpec.vjp("probs", Wrt.INPUTS), model);
 * saliency.input("x").f32()[0] = 0.5f;         // the digit
 * saliency.input("cotangent").f32()[7] = 1;     // d probs[0, 7]
 * saliency.compute(1);
 * float[] pixels = saliency.output("grad.x").f32();
 * }</pre>
 *
 * Each call first copies the model's parameters and states into the function's own buffers
 * (so it always sees the model as it is now), then runs the compiled function; neither
 * allocates. The function's class is compiled on first request and cached as models are.
 * Inputs the result does not depend on (a seed of a source the value does not reach) are
 * left out of the class. Not thread-safe, like the model it reads.
 */
public final class ModelFunction {
  private final CompiledModel function;
  private final CompiledModel source;
  private final Object[] from;
  private final Object[] to;
  private final int[] lengths;
  private final int[] fromOffsets;
  private final int[] toOffsets;

  private ModelFunction(CompiledModel function, CompiledModel source) {
    this.function = function;
    this.source = source;
    List<Tensor[]> pairs = new ArrayList<>();
    if (source != null) {
      pair(source.params(), function.params(), pairs);
      pair(source.states(), function.states(), pairs);
    }
    from = new Object[pairs.size()];
    to = new Object[pairs.size()];
    lengths = new int[pairs.size()];
    fromOffsets = new int[pairs.size()];
    toOffsets = new int[pairs.size()];
    for (int i = 0; i < pairs.size(); i++) {
      fromOffsets[i] = pairs.get(i)[0].offset();
      toOffsets[i] = pairs.get(i)[1].offset();
      from[i] = array(pairs.get(i)[0]);
      to[i] = array(pairs.get(i)[1]);
      lengths[i] = pairs.get(i)[1].capacity();
    }
  }

  /** The function {@code spec} of {@code unit}, compiled, reading the parameters of {@code model} (of the same unit). */
  public static ModelFunction bind(CheckedModel unit, FunctionSpec spec, CompiledModel model) {
    if (!model.modelName().equals(unit.name())) {
      throw new IllegalArgumentException("the model is " + model.modelName() + ", not " + unit.name());
    }
    return new ModelFunction(FunctionCompiler.compile(unit, spec).newModel(model.maxBatch()), model);
  }

  /** The function with parameters of its own (set through {@link #params}), for batches of up to {@code maxBatch}. */
  public static ModelFunction standalone(CheckedModel unit, FunctionSpec spec, int maxBatch) {
    return new ModelFunction(FunctionCompiler.compile(unit, spec).newModel(maxBatch), null);
  }

  /** Copies the model's parameters and states in, then computes the outputs for the first {@code batch} samples. */
  public void compute(int batch) {
    for (int i = 0; i < from.length; i++) {
      System.arraycopy(from[i], fromOffsets[i], to[i], toOffsets[i], lengths[i]);
    }
    function.predict(batch);
  }

  public Tensor input(String name) {
    return function.input(name);
  }

  public Tensor output(String name) {
    return function.output(name);
  }

  public Map<String, Tensor> inputs() {
    return function.inputs();
  }

  public Map<String, Tensor> outputs() {
    return function.outputs();
  }

  /** The function's own parameters: copies of the model's, or set by hand for a standalone function. */
  public Map<String, Tensor> params() {
    return function.params();
  }

  /** The compiled function itself: its {@code predict} computes the outputs without copying parameters. */
  public CompiledModel compiled() {
    return function;
  }

  /** The model whose parameters are read, or null for a standalone function. */
  public CompiledModel source() {
    return source;
  }

  private static void pair(Map<String, Tensor> from, Map<String, Tensor> to, List<Tensor[]> pairs) {
    to.forEach((name, target) -> {
      Tensor t = from.get(name);
      if (t == null || t.spec().dtype() != target.spec().dtype() || t.capacity() != target.capacity()) {
        throw new IllegalArgumentException("the model's " + name + " does not match the function's " + target.spec());
      }
      pairs.add(new Tensor[] {t, target});
    });
  }

  private static Object array(Tensor t) {
    return switch (t.spec().dtype()) {
      case F32 -> t.f32();
      case F64 -> t.f64();
      case I32 -> t.i32();
    };
  }
}
