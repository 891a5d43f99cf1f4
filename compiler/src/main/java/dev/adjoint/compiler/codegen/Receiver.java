package dev.adjoint.compiler.codegen;

/**
 * The object a generated method reaches the model through, so that each emitter writes
 * code for where its method lives: the model's own methods read {@code this.h_W} and the
 * inherited fields {@code seed}, {@code step} and {@code learningRate}; the static methods
 * of a part class (see {@link PartClasses}) take the model as {@code m} and read
 * {@code m.h_W} and, since a nested class may not read the protected fields of
 * {@link dev.adjoint.runtime.model.CompiledModel} (Janino, like the JVM, allows that from
 * subclasses only), the getters {@code m.seed()}, {@code m.step()} and
 * {@code m.learningRate()}, and call the model's package-private bridges
 * {@code m.registerParamBuffer} instead of the protected {@code registerParam}.
 */
enum Receiver {
  /** Code in a method of the model class itself. */
  MODEL("this", "", ""),
  /** Code in a static method of a part class, taking the model as {@link PartClasses#MODEL}. */
  PART(PartClasses.MODEL, PartClasses.MODEL + ".", "()"),
  /**
   * Code in a kernel method shared by the nodes it computes (see {@link KernelMethods}): its
   * arrays are its parameters, read by their bare names ({@code arg0}); it reads no model state.
   */
  ARGUMENTS("", null, null);

  private final String self;
  private final String inherited;
  private final String getter;

  Receiver(String self, String inherited, String getter) {
    this.self = self;
    this.inherited = inherited;
    this.getter = getter;
  }

  /** The model itself: {@code this} or {@code m}. */
  String self() {
    return self;
  }

  /** A field the generated class declares: {@code this.h_W} or {@code m.h_W}. */
  String field(String name) {
    return this == ARGUMENTS ? name : self + "." + name;
  }

  /** The random seed of {@code CompiledModel}: {@code seed} or {@code m.seed()}. */
  String seed() {
    modelState("seed");
    return inherited + "seed" + getter;
  }

  /** The number of training steps taken: {@code step} or {@code m.step()}. */
  String step() {
    modelState("step");
    return inherited + "step" + getter;
  }

  /** The current learning rate: {@code learningRate} or {@code m.learningRate()}. */
  String learningRate() {
    modelState("learningRate");
    return inherited + "learningRate" + getter;
  }

  /** The method that registers a buffer of a group ({@code Param}): {@code registerParam} or {@code m.registerParamBuffer}. */
  String register(String group) {
    modelState("register" + group);
    return this == MODEL ? "register" + group : self + ".register" + group + "Buffer";
  }

  /** Fails when code for a kernel method would read the model, which it does not take. */
  private void modelState(String what) {
    if (this == ARGUMENTS) {
      throw new IllegalStateException("a shared kernel method cannot read the model's " + what);
    }
  }
}
