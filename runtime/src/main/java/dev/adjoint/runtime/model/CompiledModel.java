package dev.adjoint.runtime.model;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a class generated from a .nn model is: buffers allocated once for a maximum batch,
 * and three compiled entry points over the first {@code batch} samples of its inputs —
 * {@link #trainStep} (forward, backward and the optimizer's update, as training behaves),
 * {@link #evaluate} (the loss as inference behaves: no dropout, running statistics) and
 * {@link #predict} (the outputs only). None of them allocates.
 *
 * <p>Tensors are views of the model's own buffers ({@link #input}, {@link #output},
 * {@link #param}, {@link #state}): write inputs in place, read outputs after a call.
 *
 * <p>Not thread-safe, and guarded: the first thread that calls an entry point owns the model,
 * and a call from another thread while the owner lives throws {@link IllegalStateException}
 * instead of mixing two calls' values in the shared buffers. Serve many threads with one
 * model per thread, or a pool whose borrowers call {@link #release} before giving a model
 * back. The check is a read of one field per call.
 */
public abstract class CompiledModel {
  private static final VarHandle OWNER;

  static {
    try {
      OWNER = MethodHandles.lookup().findVarHandle(CompiledModel.class, "owner", Thread.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The model whose parameter and state arrays a model under construction takes, if any ({@link #sharingWeights}). */
  private static final ThreadLocal<CompiledModel> WEIGHTS_OF = new ThreadLocal<>();

  private final int maxBatch;
  /** The thread that uses the entry points, null until one does or after {@link #release}. */
  private Thread owner; // read and written through OWNER only
  private final Map<String, Tensor> inputs = new LinkedHashMap<>();
  private final Map<String, Tensor> outputs = new LinkedHashMap<>();
  private final Map<String, Tensor> params = new LinkedHashMap<>();
  private final Map<String, Tensor> states = new LinkedHashMap<>();
  private final Map<String, Tensor> optimizerState = new LinkedHashMap<>();
  private final Map<String, Tensor> gradients = new LinkedHashMap<>();
  /** The key of the counter-based generator; set by {@link #setSeed}. */
  protected long seed;
  /** Training steps taken: the generator's counter and the optimizer's bias-correction step. */
  protected long step;
  /** The learning rate the next step uses; schedules set it between steps. */
  protected double learningRate;

  /** The most elements one Java array holds (HotSpot's limit, with java.util.ArrayList's margin). */
  public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  protected CompiledModel(int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
    }
    this.maxBatch = maxBatch;
  }

  /** The model's name in its .nn file. */
  public abstract String modelName();

  /** True when the model has a loss, so that it can be trained and evaluated. */
  public abstract boolean hasLoss();

  /** One training step on the first {@code batch} samples; returns the loss before the update. */
  public abstract double trainStep(int batch);

  /**
   * The first half of {@link #trainStep}: the forward and backward passes on the first
   * {@code batch} samples, leaving the loss's gradient in {@link #gradients()} (and new running
   * statistics in the states); the parameters, the optimizer state and the step are unchanged.
   * Returns the loss. With {@link #applyGradients()} it lets a caller combine the gradients of
   * several batches (data-parallel workers) before one update.
   */
  public double gradientStep(int batch) {
    throw noLoss();
  }

  /**
   * The second half of {@link #trainStep}: the optimizer's update (with its clipping) from the
   * values in {@link #gradients()} as they are now, at the current learning rate, then the step
   * counter advanced. {@code gradientStep(b)} followed by {@code applyGradients()} is exactly
   * {@code trainStep(b)}.
   */
  public void applyGradients() {
    throw noLoss();
  }

  /** The loss on the first {@code batch} samples as inference behaves; outputs are computed too. */
  public abstract double evaluate(int batch);

  /** The outputs for the first {@code batch} samples. */
  public abstract void predict(int batch);

  /**
   * Draws every parameter's initial values by its initializer, from the counter-based
   * generator keyed by {@code seed}; also resets optimizer state, state and the step.
   */
  public abstract void initialize(long seed);

  public final int maxBatch() {
    return maxBatch;
  }

  public final long step() {
    return step;
  }

  /** Sets the step counter, as when resuming from a checkpoint. */
  public final void setStep(long newStep) {
    if (newStep < 0) {
      throw new IllegalArgumentException("step must not be negative, got " + newStep);
    }
    step = newStep;
  }

  public final long seed() {
    return seed;
  }

  public final void setSeed(long newSeed) {
    seed = newSeed;
  }

  public final double learningRate() {
    return learningRate;
  }

  public final void setLearningRate(double lr) {
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("the learning rate must be a finite number >= 0, got " + lr);
    }
    learningRate = lr;
  }

  public final Map<String, Tensor> inputs() {
    return Collections.unmodifiableMap(inputs);
  }

  public final Map<String, Tensor> outputs() {
    return Collections.unmodifiableMap(outputs);
  }

  public final Map<String, Tensor> params() {
    return Collections.unmodifiableMap(params);
  }

  public final Map<String, Tensor> states() {
    return Collections.unmodifiableMap(states);
  }

  /** Optimizer buffers by {@code parameter/slot}, e.g. {@code h.W/momentum}. */
  public final Map<String, Tensor> optimizerState() {
    return Collections.unmodifiableMap(optimizerState);
  }

  /**
   * The gradient of the loss with respect to each parameter, as the last {@link #trainStep}
   * computed it (before its update); valid until the next call of any entry point, which
   * reuses the memory.
   */
  public final Map<String, Tensor> gradients() {
    return Collections.unmodifiableMap(gradients);
  }

  public final Tensor input(String name) {
    return find(inputs, name, "input");
  }

  public final Tensor output(String name) {
    return find(outputs, name, "output");
  }

  public final Tensor param(String name) {
    return find(params, name, "parameter");
  }

  public final Tensor state(String name) {
    return find(states, name, "state");
  }

  private Tensor find(Map<String, Tensor> group, String name, String what) {
    Tensor t = group.get(name);
    if (t == null) {
      throw new IllegalArgumentException("model " + modelName() + " has no " + what + " '" + name + "'; it has: "
          + String.join(", ", group.keySet()));
    }
    return t;
  }

  // ---- for generated constructors ------------------------------------------------

  /** Registers an input buffer, sized for the maximum batch. */
  protected final <T> T registerInput(TensorSpec spec, T data) {
    inputs.put(spec.name(), new Tensor(spec, data));
    return data;
  }

  protected final <T> T registerOutput(TensorSpec spec, T data) {
    outputs.put(spec.name(), new Tensor(spec, data));
    return data;
  }

  protected final <T> T registerParam(TensorSpec spec, T data) {
    T own = shared(spec, data, false);
    params.put(spec.name(), new Tensor(spec, own));
    return own;
  }

  /**
   * Registers one layer of a {@code repeat} compiled as a loop: the elements of {@code data}
   * (the stacked buffer of that parameter's layers) from {@code offset} on.
   */
  protected final <T> T registerParam(TensorSpec spec, T data, int offset) {
    params.put(spec.name(), new Tensor(spec, data, offset));
    return data;
  }

  /** Registers one layer's part of an optimizer state of a looped parameter, as {@link #registerParam(TensorSpec, Object, int)}. */
  protected final <T> T registerOptimizerState(TensorSpec spec, T data, int offset) {
    optimizerState.put(spec.name(), new Tensor(spec, data, offset));
    return data;
  }

  /** Registers one layer's part of a looped parameter's gradient, as {@link #registerParam(TensorSpec, Object, int)}. */
  protected final <T> T registerGradient(TensorSpec spec, T data, int offset) {
    gradients.put(spec.name(), new Tensor(spec, data, offset));
    return data;
  }

  protected final <T> T registerState(TensorSpec spec, T data) {
    T own = shared(spec, data, true);
    states.put(spec.name(), new Tensor(spec, own));
    return own;
  }

  /**
   * For generated constructors, last: initializes the parameters with seed 0, unless
   * {@link #sharingWeights} builds this model, whose parameters and states are then another
   * model's (which initializing would overwrite while that model may be in use).
   */
  protected final void initializeUnlessShared() {
    if (WEIGHTS_OF.get() == null) {
      initialize(0);
    }
  }

  /**
   * {@code data}, or while {@link #sharingWeights} builds this model, the donor's array of the
   * same name, type and length.
   */
  @SuppressWarnings("unchecked")
  private static <T> T shared(TensorSpec spec, T data, boolean state) {
    CompiledModel donor = WEIGHTS_OF.get();
    Tensor theirs = donor == null ? null : (state ? donor.states : donor.params).get(spec.name());
    if (theirs == null || !theirs.spec().equals(spec) || theirs.data().getClass() != data.getClass()
        || java.lang.reflect.Array.getLength(theirs.data()) != java.lang.reflect.Array.getLength(data)) {
      return data;
    }
    return (T) theirs.data();
  }

  /**
   * A new model from {@code constructor} that uses {@code donor}'s parameters and states: the
   * donor's own arrays where the generated class takes them whole (no copy, however many
   * models share them), a copy of its values where it cannot. Each such model has buffers of
   * its own, so each can run {@link #predict} or {@link #evaluate} on a thread of its own
   * while they share one copy of the weights; they neither write parameters nor states. A
   * {@link #trainStep} on one would change them for all: such models are for inference.
   *
   * @throws IllegalArgumentException when the two models' parameters or states differ in name or shape
   */
  public static <M extends CompiledModel> M sharingWeights(CompiledModel donor, java.util.function.Supplier<M> constructor) {
    M model;
    WEIGHTS_OF.set(donor);
    try {
      model = constructor.get();
    } finally {
      WEIGHTS_OF.remove();
    }
    CompiledModel made = model;
    copyUnshared(donor.params, made.params, "parameters", donor, made);
    copyUnshared(donor.states, made.states, "states", donor, made);
    return model;
  }

  private static void copyUnshared(Map<String, Tensor> from, Map<String, Tensor> into, String what,
      CompiledModel donor, CompiledModel model) {
    if (!from.keySet().equals(into.keySet())) {
      throw new IllegalArgumentException("model " + model.modelName() + " cannot share the " + what + " of model "
          + donor.modelName() + ": " + into.keySet() + " against " + from.keySet());
    }
    for (Map.Entry<String, Tensor> e : from.entrySet()) {
      Tensor source = e.getValue();
      Tensor target = into.get(e.getKey());
      if (!source.spec().equals(target.spec())) {
        throw new IllegalArgumentException("model " + model.modelName() + " cannot share " + e.getKey() + ": "
            + target.spec() + " against " + source.spec());
      }
      if (target.data() != source.data()) {
        for (int i = 0; i < source.capacity(); i++) {
          target.set(i, source.get(i));
        }
      }
    }
  }

  protected final <T> T registerOptimizerState(TensorSpec spec, T data) {
    optimizerState.put(spec.name(), new Tensor(spec, data));
    return data;
  }

  protected final <T> T registerGradient(TensorSpec spec, T data) {
    gradients.put(spec.name(), new Tensor(spec, data));
    return data;
  }

  /**
   * Gives up the calling thread's use of the model, so that another thread may take it, as
   * a pool does between borrowers. The calling thread must own it (or nobody does).
   */
  public final void release() {
    Thread current = Thread.currentThread();
    Thread held = (Thread) OWNER.compareAndExchange(this, current, (Thread) null);
    if (held != null && held != current) {
      throw busy(held, current);
    }
  }

  /**
   * Throws unless 0 &lt;= batch &lt;= maxBatch, or when another thread uses the model;
   * every generated entry point calls it first.
   */
  protected final void checkBatch(int batch) {
    if (OWNER.getAcquire(this) != Thread.currentThread()) {
      claim();
    }
    if (batch < 0 || batch > maxBatch) {
      throw new IllegalArgumentException("batch " + batch + " is outside 0.." + maxBatch
          + "; the model was built for batches of at most " + maxBatch);
    }
  }

  /** Makes the calling thread the owner: free, or its owner's thread has ended; else refuses. */
  private void claim() {
    Thread current = Thread.currentThread();
    Thread held = (Thread) OWNER.compareAndExchange(this, (Thread) null, current);
    while (held != null && held != current) {
      if (held.isAlive()) {
        throw busy(held, current);
      }
      Thread witness = (Thread) OWNER.compareAndExchange(this, held, current);
      held = witness == held ? null : witness;
    }
  }

  private IllegalStateException busy(Thread held, Thread current) {
    return new IllegalStateException("model " + modelName() + " is in use by thread '" + held.getName()
        + "' and was called from thread '" + current.getName() + "': a model is not thread-safe (its buffers hold "
        + "one call's values), so it refuses a second thread; give each thread its own model (newModel), or take "
        + "models from a pool whose borrowers call release() before giving them back");
  }

  /**
   * Throws {@link ModelSizeException} unless {@code maxBatch} samples of a tensor of
   * {@code perSample} elements each fit one Java array; the generated constructor checks its
   * largest tensor ({@code tensor}, a name and type such as {@code output h: f32[B, 784]})
   * before allocating anything, so that no size computed in int can overflow.
   */
  protected static void checkFits(int maxBatch, long perSample, String tensor) {
    long elements = (long) maxBatch * perSample;
    if (elements > MAX_ELEMENTS) {
      throw new ModelSizeException(String.format("batch %,d is too large: %s would hold %,d elements, more than one"
          + " Java array holds (%,d); the largest batch that fits is %,d", maxBatch, tensor, elements, MAX_ELEMENTS,
          MAX_ELEMENTS / perSample));
    }
  }

  /** For models without a loss: what trainStep and evaluate throw. */
  protected final UnsupportedOperationException noLoss() {
    return new UnsupportedOperationException("model " + modelName() + " has no loss to train or evaluate");
  }
}
