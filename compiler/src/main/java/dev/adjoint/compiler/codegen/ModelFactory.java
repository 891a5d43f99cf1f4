package dev.adjoint.compiler.codegen;

import dev.adjoint.runtime.model.CompiledModel;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;

/** A compiled model class: makes models for a maximum batch size, and shows what was compiled. */
public final class ModelFactory {
  private final GeneratedModel source;
  private final JaninoLoader.Loaded loaded;
  private final String key;

  ModelFactory(GeneratedModel source, JaninoLoader.Loaded loaded, String key) {
    this.source = source;
    this.loaded = loaded;
    this.key = key;
    loaded.anchor().hold(this);
  }

  /**
   * A new model with buffers for batches of up to {@code maxBatch}, parameters initialized with
   * seed 0. Throws {@link dev.adjoint.runtime.model.ModelSizeException} when a buffer for that
   * batch would not fit one Java array, and {@link OutOfMemoryError} when the buffers do not
   * fit the heap.
   */
  public CompiledModel newModel(int maxBatch) {
    try {
      return loaded.type().getConstructor(int.class).newInstance(maxBatch);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error error) { // out of memory for the buffers: the caller says so
        throw error;
      }
      throw new IllegalStateException("the generated constructor failed", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the generated class has no usable constructor", e);
    }
  }

  public GeneratedModel source() {
    return source;
  }

  public Class<? extends CompiledModel> type() {
    return loaded.type();
  }

  /** Bytecode bytes of each method of the class. */
  public Map<String, Integer> methodSizes() {
    return loaded.methodSizes();
  }

  /** Constant-pool entries and bytes of each class file: the model's class and its part classes. */
  public Map<String, JaninoLoader.ClassFileSize> classFiles() {
    return loaded.classFiles();
  }

  /** The cache key: a hash of the optimized graphs, the optimizer and the class name. */
  public String key() {
    return key;
  }
}
