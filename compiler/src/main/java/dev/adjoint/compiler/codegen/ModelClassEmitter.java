package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Init;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ScanBody;
import dev.adjoint.compiler.ir.Scans;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.TextDump;
import dev.adjoint.compiler.settings.Clipping;
import dev.adjoint.compiler.settings.Optimizer;
import dev.adjoint.compiler.source.SourceSpan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.lang.model.element.Modifier;

/**
 * Writes the Java class of one model: fields for its interface and buffers, a constructor
 * that allocates them once, and the entry points {@code trainStep}, {@code evaluate} and
 * {@code predict}, each a sequence of calls to small kernel methods, one per distinct
 * computation ({@link KernelMethods}), so no method nears the JIT's 8,000-byte limit; the
 * training step ends with the optimizer's update. Every call is preceded by comments naming
 * its node and the .nn line it came from.
 */
final class ModelClassEmitter {
  /** Calls per method before an entry point is split into parts. */
  private static final int CALLS_PER_METHOD = 50;
  /** Single-line statements per method before a body is split into parts. */
  private static final int STATEMENTS_PER_METHOD = 40;

  private final GraphSet graphs;
  private final String packageName;
  private final String className;
  private final Optimizer optimizer;
  private final List<Clipping> clips;
  private final GradientClipping clipping;
  private final Names names = new Names();
  private final Fields fields;
  private final BufferPool pool = new BufferPool(names);
  /** The per-node code, one method per distinct computation. */
  private final KernelMethods kernels = new KernelMethods(names);
  /** Element-wise loops the engine's threads share (see {@link PartedLoops}). */
  private final PartedLoops partedLoops = new PartedLoops(names);
  /** The optimizer's update loops as {@code runPart} calls them, and where {@code runPart} goes among the methods. */
  private List<String> updateCalls;
  private int runPartIndex = -1;
  /** The buffers of loops: each loop's carry and slices, and its body's temporaries. */
  private final List<BufferPool> loopPools = new ArrayList<>();
  private final TypeSpec.Builder type;
  private final List<MethodSpec> methods = new ArrayList<>();
  /** {@code gradientStep} and {@code applyGradients}, the two halves {@code trainStep} calls. */
  private final List<MethodSpec> halves = new ArrayList<>();
  /** Each parameter's gradient as the update reads it (see {@link #planGradients}). */
  private final Map<String, Operand> gradients = new LinkedHashMap<>();
  /** Copies of gradients that alias a parameter or state, made before anything changes them. */
  private final List<CodeBlock> gradientCopies = new ArrayList<>();
  /** Whether the per-node methods live in part classes: the model is too large for one class file. */
  private final boolean split;
  private final PartClasses parts;

  ModelClassEmitter(GraphSet graphs, String packageName, String className, Optimizer optimizer, List<Clipping> clips) {
    this(graphs, packageName, className, optimizer, clips, false);
  }

  /** With {@code split}, the per-node methods go to part classes (see {@link PartClasses}) whatever the model's size. */
  ModelClassEmitter(GraphSet graphs, String packageName, String className, Optimizer optimizer, List<Clipping> clips,
      boolean split) {
    this.split = split;
    this.parts = split ? new PartClasses(ClassName.get(packageName, className), names) : null;
    this.graphs = graphs;
    this.packageName = packageName;
    this.className = className;
    this.optimizer = optimizer;
    this.clips = clips;
    this.clipping = new GradientClipping(clips);
    this.fields = new Fields(names, graphs.forward(), graphs.usedInputs());
    this.type = TypeSpec.classBuilder(className)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .superclass(RuntimeTypes.COMPILED_MODEL);
  }

  /**
   * The Java source of the class; of the class and its part classes when one class would have
   * more than {@link PartClasses#TOKENS_PER_CLASS} distinct tokens.
   */
  String emit() {
    if (!split && nodes(graphs) > PartClasses.SPLIT_ABOVE_NODES) {
      return new ModelClassEmitter(graphs, packageName, className, optimizer, clips, true).emit();
    }
    String source = emitClass();
    if (!split && PartClasses.tokens(source).size() > PartClasses.TOKENS_PER_CLASS) {
      return new ModelClassEmitter(graphs, packageName, className, optimizer, clips, true).emit();
    }
    return source;
  }

  /** The nodes of the graphs the class computes: about its methods. */
  static int nodes(GraphSet graphs) {
    int n = graphs.prediction().nodes().size();
    if (graphs.training() != null) {
      n += graphs.training().nodes().size() + graphs.evaluation().nodes().size();
    }
    return n;
  }

  private String emitClass() {
    List<Statement> constructor = new ArrayList<>();
    interfaceFields(constructor);
    boolean trainable = graphs.training() != null;
    String clipScale = names.field("clipScale");
    OptimizerEmitter optimizerEmitter = new OptimizerEmitter(optimizer, clipping, clipScale, names);
    MethodSpec trainStep;
    MethodSpec evaluate;
    Lowering.Plan train = null;
    if (trainable) {
      train = Lowering.lower(graphs.training(), fields, pool);
      planGradients(train, constructor);
      MethodSpec update = update(train, optimizerEmitter, clipScale);
      trainStep = entryPoint("trainStep", train, update);
      evaluate = entryPoint("evaluate", Lowering.lower(graphs.evaluation(), fields, pool), null);
      methods.add(update);
    } else {
      trainStep = unsupported("trainStep");
      evaluate = unsupported("evaluate");
    }
    MethodSpec predict = entryPoint("predict", Lowering.lower(graphs.prediction(), fields, pool), null);
    runPart();
    List<BufferPool.Slot> slots = new ArrayList<>(pool.slots());
    loopPools.forEach(p -> slots.addAll(p.slots()));
    for (BufferPool.Slot slot : slots) {
      addArray(slot.field, slot.dtype);
      constructor.add(r -> CodeBlock.builder().addStatement("$L = new $L[$L]", r.field(slot.field),
          JavaText.type(slot.dtype), slot.allocation()).build());
    }
    for (OptimizerEmitter.StateBuffer buffer : optimizerEmitter.buffers()) {
      addArray(buffer.field(), buffer.like().dtype());
      int slash = buffer.name().lastIndexOf('/');
      String owner = slash < 0 ? buffer.name() : buffer.name().substring(0, slash);
      if (layers(owner) != null) {
        constructor.add(r -> CodeBlock.builder().addStatement("$L = new $L[$L]", r.field(buffer.field()),
            JavaText.type(buffer.like().dtype()), Sizes.size(buffer.like().shape())).build());
        constructor.add(layerRegistrations("OptimizerState", buffer.field(), buffer.like().dtype(),
            buffer.like().shape(), owner, buffer.name().substring(slash)));
        continue;
      }
      constructor.add(r -> CodeBlock.builder().addStatement("$L = ($L) $L(new $T($S, $T.$L, $L), new $L[$L])",
          r.field(buffer.field()), JavaText.arrayType(buffer.like().dtype()), r.register("OptimizerState"),
          RuntimeTypes.TENSOR_SPEC, buffer.name(), RuntimeTypes.DTYPE, buffer.like().dtype().name(),
          dims(buffer.like().shape()), JavaText.type(buffer.like().dtype()), Sizes.size(buffer.like().shape()))
          .build());
    }
    if (trainable) {
      registerGradients(constructor);
      if (!split) {
        // in a method of the model class: the field is protected
        constructor.add(r -> CodeBlock.builder().addStatement("this.learningRate = $L",
            JavaText.doubleLiteral(optimizerEmitter.initialLearningRate())).build());
      }
    }
    MethodSpec.Builder constructorMethod = MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
        .addParameter(int.class, "maxBatch")
        .addStatement("super(maxBatch)");
    checkFits(constructorMethod);
    if (split) {
      bridges();
    }
    for (CodeBlock part : split("allocate", constructor, int.class, "maxBatch")) {
      constructorMethod.addCode(part);
    }
    if (split && trainable) {
      constructorMethod.addStatement("this.learningRate = $L", JavaText.doubleLiteral(optimizerEmitter.initialLearningRate()));
    }
    // seed 0, unless the model is built to take another's weights (CompiledModel.sharingWeights)
    constructorMethod.addStatement("initializeUnlessShared()");
    type.addMethod(constructorMethod.build());
    type.addMethod(MethodSpec.methodBuilder("modelName").addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC).returns(String.class)
        .addStatement("return $S", graphs.forward().name()).build());
    type.addMethod(MethodSpec.methodBuilder("hasLoss").addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC).returns(boolean.class)
        .addStatement("return $L", trainable).build());
    type.addMethod(initialize(optimizerEmitter));
    type.addMethod(trainStep);
    halves.forEach(type::addMethod);
    type.addMethod(evaluate);
    type.addMethod(predict);
    methods.forEach(type::addMethod);
    if (split) {
      parts.build().forEach(type::addType);
    }
    for (String name : names.allocated()) {
      type.alwaysQualify(name); // one at a time: JavaPoet formats the whole array per entry it checks
    }
    TypeSpec built = type.build();
    JavaFile.Builder file = JavaFile.builder(packageName, built)
        .addFileComment("Generated by Adjoint from $L (model $L). Do not edit: recompile the .nn file.",
            JavaText.comment(graphs.forward().span().file().name(), 200),
            JavaText.comment(graphs.forward().name(), 100))
        .skipJavaLangImports(true)
        .indent("  ");
    return file.build().toString();
  }

  /**
   * {@code checkFits(maxBatch, 784L, "input x: f32[B,784]")} for the tensor with the most
   * elements per sample, before anything is allocated: every other batched size, and every
   * {@code B * n} a step computes in int, is smaller.
   */
  private void checkFits(MethodSpec.Builder constructor) {
    long largest = 0;
    String tensor = null;
    List<Map.Entry<String, Map<String, Operand.Array>>> groups = List.of(Map.entry("input", fields.inputs()),
        Map.entry("output", fields.outputs()));
    for (Map.Entry<String, Map<String, Operand.Array>> group : groups) {
      for (Map.Entry<String, Operand.Array> e : group.getValue().entrySet()) {
        Shape shape = e.getValue().shape();
        if (shape.hasBatch() && shape.staticSize() > largest) {
          largest = shape.staticSize();
          tensor = group.getKey() + " " + e.getKey() + ": " + e.getValue().dtype().text() + shape;
        }
      }
    }
    for (BufferPool.Slot slot : pool.slots()) {
      if (slot.perSample > largest) {
        largest = slot.perSample;
        tensor = "the temporary buffer of " + slot.largest;
      }
    }
    if (tensor != null) {
      constructor.addStatement("checkFits(maxBatch, $LL, $S)", largest, tensor);
    }
  }

  /** The package-private bridges through which part classes register the buffers they allocate. */
  private void bridges() {
    for (String group : List.of("Input", "Output", "Param", "State", "OptimizerState", "Gradient")) {
      methods.add(MethodSpec.methodBuilder("register" + group + "Buffer").returns(Object.class)
          .addJavadoc("{@link #register$L} for the part classes, which may not call protected methods.\n", group)
          .addParameter(RuntimeTypes.TENSOR_SPEC, "spec").addParameter(Object.class, "data")
          .addStatement("return register$L(spec, data)", group).build());
    }
  }

  /** A per-node method: the class's own, or in a part class when the model is split. */
  private void place(MethodSpec method) {
    if (split) {
      parts.add(method);
    } else {
      methods.add(method);
    }
  }

  /** A call of a method that {@link #place} placed, from the class's own methods or (fromPart) from a part's. */
  private String call(String method, boolean fromPart, String arguments) {
    return split ? parts.call(method, fromPart, arguments) : method + "(" + arguments + ")";
  }

  /** The receiver of the per-node methods: the model, or {@code m} in part classes. */
  private Receiver placed() {
    return split ? Receiver.PART : Receiver.MODEL;
  }

  /** Private, or package-private when part classes read the field. */
  private Modifier[] fieldModifiers() {
    return split ? new Modifier[0] : new Modifier[] {Modifier.PRIVATE};
  }

  // ---- fields ------------------------------------------------------------------------

  private void interfaceFields(List<Statement> constructor) {
    register(constructor, "Input", fields.inputs(),
        graphs.forward().inputs().stream().filter(n -> fields.inputs().containsKey(n.sourceName())).toList());
    register(constructor, "Param", fields.params(), graphs.forward().params());
    register(constructor, "State", fields.states(), graphs.forward().states());
    graphs.forward().outputs().forEach((name, node) -> {
      Operand.Array a = fields.outputs().get(name);
      addArray(a.field(), a.dtype());
      constructor.add(registration("Output", a, name));
    });
    for (Node state : graphs.forward().states()) {
      Operand.Array a = fields.states().get(state.sourceName());
      constructor.add(r -> CodeBlock.builder().addStatement("java.util.Arrays.fill($L, $L)", r.field(a.field()),
          JavaText.literal(state.attrs(Attrs.State.class).initial(), a.dtype())).build());
    }
  }

  private void register(List<Statement> constructor, String group, Map<String, Operand.Array> arrays,
      List<Node> nodes) {
    for (Node n : nodes) {
      Operand.Array a = arrays.get(n.sourceName());
      addArray(a.field(), a.dtype());
      Attrs.Layers layers = layers(n.sourceName());
      if (layers == null) {
        constructor.add(registration(group, a, n.sourceName()));
      } else {
        constructor.add(r -> CodeBlock.builder().addStatement("$L = new $L[$L]", r.field(a.field()),
            JavaText.type(a.dtype()), allocation(a.shape())).build());
        constructor.add(layerRegistrations(group, a.field(), a.dtype(), a.shape(), n.sourceName(), ""));
      }
    }
  }

  /** The layers a parameter of a looped repeat stacks, or null for any other name. */
  private Attrs.Layers layers(String paramName) {
    Node p = graphs.forward().source(paramName);
    return p != null && p.attrs() instanceof Attrs.Param param ? param.layers() : null;
  }

  /**
   * Registers each layer of a looped repeat's stacked buffer {@code field} under its own name
   * ({@code h.1.h.W}, then {@code suffix}, such as {@code /exp_avg}) as a view at its offset:
   * one {@code for} loop when the names are numbered in order, so that code does not grow with
   * the number of layers.
   */
  private Statement layerRegistrations(String group, String field, ScalarType dtype, Shape stacked, String stackName,
      String suffix) {
    Attrs.Layers layers = layers(stackName);
    Shape layer = dev.adjoint.compiler.ir.Scans.remove(stacked, 0);
    long size = Math.max(1, layer.staticSize());
    int star = stackName.indexOf('*');
    String head = star < 0 ? "" : stackName.substring(0, star);
    String tail = star < 0 ? "" : stackName.substring(star + 1) + suffix;
    String first = layers.names().get(0);
    String number = star < 0 || !first.startsWith(head) || !first.endsWith(stackName.substring(star + 1)) ? ""
        : first.substring(head.length(), first.length() - (stackName.length() - star - 1));
    int start = number.matches("[1-9][0-9]{0,8}") ? Integer.parseInt(number) : -1;
    boolean numbered = start > 0;
    for (int i = 0; numbered && i < layers.names().size(); i++) {
      numbered = layers.names().get(i).equals(head + (start + i) + stackName.substring(star + 1));
    }
    if (numbered) {
      return r -> CodeBlock.builder().addStatement("for (int i = 0; i < $L; i++) $L(new $T($S + (i + $L) + $S, $T.$L,"
          + " $L), $L, i * $L)", layers.names().size(), r.register(group), RuntimeTypes.TENSOR_SPEC, head, start, tail,
          RuntimeTypes.DTYPE, dtype.name(), dims(layer), r.field(field), size).build();
    }
    return r -> {
      CodeBlock.Builder each = CodeBlock.builder();
      for (int i = 0; i < layers.names().size(); i++) {
        each.add("$L(new $T($S, $T.$L, $L), $L, $L); ", r.register(group), RuntimeTypes.TENSOR_SPEC,
            layers.names().get(i) + suffix, RuntimeTypes.DTYPE, dtype.name(), dims(layer), r.field(field), i * size);
      }
      return CodeBlock.of("$L\n", each.build().toString().strip());
    };
  }

  /** {@code this.x = (float[]) registerInput(new TensorSpec("x", ...), new float[maxBatch * 4])}. */
  private static Statement registration(String group, Operand.Array a, String name) {
    return r -> CodeBlock.builder().addStatement("$L = ($L) $L(new $T($S, $T.$L, $L), new $L[$L])", r.field(a.field()),
        JavaText.arrayType(a.dtype()), r.register(group), RuntimeTypes.TENSOR_SPEC, name, RuntimeTypes.DTYPE,
        a.dtype().name(), dims(a.shape()), JavaText.type(a.dtype()), allocation(a.shape())).build();
  }

  /** An array field; assigned once, by the constructor's allocation methods. */
  private void addArray(String name, ScalarType dtype) {
    type.addField(FieldSpec.builder(ArrayTypeName.of(primitive(dtype)), name, fieldModifiers()).build());
  }

  /** One single-line statement, written for the receiver of the method it lands in. */
  private interface Statement extends Function<Receiver, CodeBlock> {}

  /**
   * Statements as calls of part methods of at most {@link #STATEMENTS_PER_METHOD} statements
   * each, or as they are when they are few: long bodies stay under the JIT's limit.
   */
  private List<CodeBlock> split(String prefix, List<Statement> statements, Class<?> parameterType, String parameter) {
    List<CodeBlock> out = new ArrayList<>();
    if (statements.size() <= STATEMENTS_PER_METHOD) {
      CodeBlock.Builder all = CodeBlock.builder();
      statements.forEach(statement -> all.add(statement.apply(Receiver.MODEL)));
      out.add(all.build());
      return out;
    }
    List<String> lines = new ArrayList<>();
    for (Statement statement : statements) {
      String line = statement.apply(placed()).toString().strip();
      if (!line.endsWith(";") || line.contains("\n")) {
        throw new IllegalStateException("only single-line statements can be split into parts: " + line);
      }
      lines.add(line);
    }
    for (int from = 0; from < lines.size(); from += STATEMENTS_PER_METHOD) {
      MethodSpec.Builder part = MethodSpec.methodBuilder(names.method(prefix + (from / STATEMENTS_PER_METHOD)))
          .addModifiers(Modifier.PRIVATE);
      if (parameter != null) {
        part.addParameter(parameterType, parameter);
      }
      for (String line : lines.subList(from, Math.min(lines.size(), from + STATEMENTS_PER_METHOD))) {
        part.addCode("$L\n", line);
      }
      MethodSpec method = part.build();
      place(method);
      out.add(CodeBlock.of("$L;\n", call(method.name(), false, parameter == null ? "" : parameter)));
    }
    return out;
  }

  private static TypeName primitive(ScalarType dtype) {
    return switch (dtype) {
      case F32 -> TypeName.FLOAT;
      case F64 -> TypeName.DOUBLE;
      case I32 -> TypeName.INT;
    };
  }

  /** {@code new int[] {-1, 784}}. */
  private static CodeBlock dims(Shape shape) {
    List<String> dims = new ArrayList<>();
    for (int d : shape.dims()) {
      dims.add(Integer.toString(d));
    }
    return CodeBlock.of("new int[] {$L}", String.join(", ", dims));
  }

  /** The element count of a shape with the batch dimension at the maximum batch. */
  private static String allocation(Shape shape) {
    long size = Math.max(1, shape.staticSize());
    return shape.hasBatch() ? (size == 1 ? "maxBatch" : "maxBatch * " + size) : Long.toString(size);
  }

  /**
   * Where each gradient is read from. A gradient that is (a reshape of) a parameter or a
   * state, as in {@code loss = sum(a * b)} where a's gradient is b, would change under the
   * update of that parameter before its own update reads it: it gets a buffer of its own,
   * filled by a copy after the backward pass.
   */
  private void planGradients(Lowering.Plan train, List<Statement> constructor) {
    Set<String> sources = new java.util.HashSet<>();
    fields.params().values().forEach(a -> sources.add(a.field()));
    fields.states().values().forEach(a -> sources.add(a.field()));
    train.graph().gradients().forEach((name, node) -> {
      Operand value = train.operand(node);
      if (value instanceof Operand.Array a && sources.contains(a.field())) {
        Operand.Array param = fields.params().get(name);
        Operand.Array copy = new Operand.Array(names.field(param.field() + "_grad"), param.dtype(), param.shape());
        addArray(copy.field(), copy.dtype());
        constructor.add(r -> CodeBlock.builder().addStatement("$L = new $L[$L]", r.field(copy.field()),
            JavaText.type(copy.dtype()), allocation(copy.shape())).build());
        gradientCopies.add(CodeBlock.of("System.arraycopy($L, 0, $L, 0, $L)", a.ref(), copy.ref(),
            Sizes.size(copy.shape())));
        value = copy;
      }
      gradients.put(name, value);
    });
  }

  /** Views of the gradient buffers, so that callers can read what the last training step computed. */
  private void registerGradients(List<Statement> constructor) {
    gradients.forEach((name, value) -> {
      if (value instanceof Operand.Array a && layers(name) != null) {
        constructor.add(layerRegistrations("Gradient", a.field(), a.dtype(), fields.params().get(name).shape(), name, ""));
      } else if (value instanceof Operand.Array a) {
        constructor.add(r -> CodeBlock.builder().addStatement("$L(new $T($S, $T.$L, $L), $L)", r.register("Gradient"),
            RuntimeTypes.TENSOR_SPEC, name, RuntimeTypes.DTYPE, a.dtype().name(),
            dims(fields.params().get(name).shape()), r.field(a.field())).build());
      }
    });
  }

  // ---- entry points ------------------------------------------------------------------

  private MethodSpec entryPoint(String name, Lowering.Plan plan, MethodSpec update) {
    Map<Node, Integer> numbers = TextDump.numbering(plan.graph());
    List<Call> calls = new ArrayList<>();
    for (Lowering.Step step : plan.steps()) {
      calls.add(stepCall(name, step, plan, numbers));
    }
    // a training step is gradientStep (forward and backward) then the update; trainStep calls both
    MethodSpec.Builder entry = MethodSpec.methodBuilder(update != null ? "gradientStep" : name)
        .addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .addParameter(int.class, "batch")
        .returns(name.equals("predict") ? TypeName.VOID : TypeName.DOUBLE)
        .addStatement("checkBatch(batch)")
        .addStatement("int B = batch");
    chunkedCalls(name, calls).forEach(entry::addCode);
    if (update != null) {
      gradientCopies.forEach(copy -> entry.addStatement("$L", copy));
    }
    writeResults(entry, plan);
    if (name.equals("predict")) {
      return entry.build();
    }
    entry.addStatement("double loss = $L", read(plan.operand(plan.graph().loss()), "0"));
    if (update != null) {
      halves.add(entry.addStatement("return loss").build());
      halves.add(MethodSpec.methodBuilder("applyGradients").addAnnotation(Override.class)
          .addModifiers(Modifier.PUBLIC)
          .addStatement("$L(maxBatch())", update.name())
          .addStatement("step++").build());
      return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
          .addParameter(int.class, "batch").returns(TypeName.DOUBLE)
          .addStatement("double loss = gradientStep(batch)")
          .addStatement("$L(batch)", update.name())
          .addStatement("step++")
          .addStatement("return loss").build();
    }
    return entry.addStatement("return loss").build();
  }

  /** Outputs that did not compute straight into their fields, and new state, copied in place. */
  private void writeResults(MethodSpec.Builder entry, Lowering.Plan plan) {
    plan.graph().outputs().forEach((name, node) -> {
      Operand.Array field = fields.outputs().get(name);
      Operand value = plan.operand(node);
      if (!(value instanceof Operand.Array a && a.field().equals(field.field()))) {
        copy(entry, value, field);
      }
    });
    plan.graph().stateUpdates().forEach((name, node) -> copy(entry, plan.operand(node), fields.states().get(name)));
  }

  private static void copy(MethodSpec.Builder code, Operand value, Operand.Array into) {
    String size = Sizes.size(into.shape());
    if (value instanceof Operand.Array a) {
      code.addStatement("System.arraycopy($L, 0, $L, 0, $L)", a.ref(), into.ref(), size);
    } else {
      code.addStatement("java.util.Arrays.fill($L, 0, $L, $L)", into.ref(), size, ((Operand.Scalar) value).expression());
    }
  }

  private static String read(Operand operand, String index) {
    if (operand instanceof Operand.Array a) {
      return a.ref() + "[" + index + "]";
    }
    return ((Operand.Scalar) operand).expression();
  }

  /**
   * One step of an entry point as the call that computes it: the comments naming its node and
   * .nn line, then the call of the node's kernel method (shared with the nodes whose code is
   * the same, see {@link KernelMethods}) with the node's arrays, or of a method of its own for
   * a loop, a random draw or an element-wise loop the engine's threads share ({@link PartedLoops}).
   */
  private Call stepCall(String entry, Lowering.Step step, Lowering.Plan plan, Map<Node, Integer> numbers) {
    Node node = step.node();
    boolean parted = plan.epilogue(node) == null
        && partedLoops.applies(node, NodeEmitter.inputs(node, plan), step.out());
    if (!KernelMethods.shareable(node) || parted) {
      MethodSpec method = stepMethod(entry, step, plan, numbers);
      place(method);
      return new Call(null, CodeBlock.of(""), method.name(), List.of());
    }
    SourceSpan span = node.span();
    String place = String.format("// %s  %s\n", JavaText.comment(span.shortLocation(), 120),
        JavaText.comment(span.file().line(span.line()).strip(), 140));
    CodeBlock.Builder comments = CodeBlock.builder();
    comments.add("// $L\n", JavaText.comment(TextDump.line(numbers, node), 180));
    Node epilogue = plan.epilogue(node);
    Operand.Array bias = null;
    if (epilogue != null) {
      comments.add("// $L  (the bias add, computed by the product)\n",
          JavaText.comment(TextDump.line(numbers, epilogue), 180));
      bias = ((Operand.View) plan.operand(epilogue.input(1))).source();
    }
    KernelMethods.Use use = kernels.use(node, NodeEmitter.inputs(node, plan), step.out(), bias);
    if (use.created() != null) {
      place(use.created());
    }
    return new Call(place, comments.build(), use.method(), use.arguments());
  }

  /**
   * A step's call: the comment citing its .nn line (null for a method that comments itself),
   * the comments naming its node, the method, and the model's arrays it passes before {@code B}.
   */
  private record Call(String place, CodeBlock comments, String method, List<Operand.Array> arguments) {}

  /** Calls as the statements of one method, each .nn line cited once for the calls in a row made from it. */
  private List<CodeBlock> render(List<Call> calls, boolean fromPart) {
    Receiver receiver = fromPart ? placed() : Receiver.MODEL;
    List<CodeBlock> out = new ArrayList<>();
    String cited = null;
    for (Call call : calls) {
      StringBuilder arguments = new StringBuilder();
      for (Operand.Array a : call.arguments()) {
        arguments.append(a.in(receiver).ref()).append(", ");
      }
      CodeBlock.Builder code = CodeBlock.builder();
      if (call.place() != null && !call.place().equals(cited)) {
        code.add("$L", call.place());
      }
      cited = call.place();
      out.add(code.add(call.comments())
          .addStatement("$L", call(call.method(), fromPart, arguments.append("B").toString())).build());
    }
    return out;
  }

  /** An entry point's calls as they are, or grouped into part methods (and those grouped again). */
  private List<CodeBlock> chunkedCalls(String entry, List<Call> calls) {
    if (calls.size() <= CALLS_PER_METHOD) {
      return render(calls, false);
    }
    List<CodeBlock> out = new ArrayList<>();
    List<String> parts = new ArrayList<>();
    for (int from = 0; from < calls.size(); from += CALLS_PER_METHOD) {
      MethodSpec.Builder part = MethodSpec.methodBuilder(names.method(entry + "Part" + parts.size()))
          .addModifiers(Modifier.PRIVATE).addParameter(int.class, "B");
      render(calls.subList(from, Math.min(calls.size(), from + CALLS_PER_METHOD)), true).forEach(part::addCode);
      MethodSpec method = part.build();
      place(method);
      parts.add(method.name());
    }
    chunked(entry, parts).forEach(call -> out.add(CodeBlock.of("$L;\n", call(call, false, "B"))));
    return out;
  }

  /** The calls of an entry point, grouped into part methods when there are many. */
  private List<String> chunked(String entry, List<String> calls) {
    return chunked(entry, calls, "B");
  }

  /** {@code calls} as they are, or grouped into part methods (and those grouped again) taking {@code params}. */
  private List<String> chunked(String entry, List<String> calls, String... params) {
    if (calls.size() <= CALLS_PER_METHOD) {
      return calls;
    }
    String arguments = String.join(", ", params);
    List<String> parts = new ArrayList<>();
    for (int from = 0; from < calls.size(); from += CALLS_PER_METHOD) {
      List<String> group = calls.subList(from, Math.min(calls.size(), from + CALLS_PER_METHOD));
      MethodSpec.Builder part = MethodSpec.methodBuilder(names.method(entry + "Part" + parts.size()))
          .addModifiers(Modifier.PRIVATE);
      for (String param : params) {
        part.addParameter(int.class, param);
      }
      group.forEach(call -> part.addStatement("$L", call(call, true, arguments)));
      MethodSpec method = part.build();
      place(method);
      parts.add(method.name());
    }
    return chunked(entry, parts, params);
  }

  private MethodSpec stepMethod(String entry, Lowering.Step step, Lowering.Plan plan, Map<Node, Integer> numbers) {
    return stepMethod(entry, step, plan, numbers, PackedOperands.NONE);
  }

  /** As above, a product whose B {@code packed} holds reading the packing. */
  private MethodSpec stepMethod(String entry, Lowering.Step step, Lowering.Plan plan, Map<Node, Integer> numbers,
      PackedOperands packed) {
    Node node = step.node();
    if (node.op() == Op.SCAN) {
      return scanMethod(entry, step, plan, numbers);
    }
    int number = numbers.get(node);
    String name = names.method(entry + number + "_" + node.op().text());
    CodeBlock.Builder body = CodeBlock.builder();
    SourceSpan span = node.span();
    String line = span.file().line(span.line()).strip();
    body.add("// $L  $L\n", JavaText.comment(span.shortLocation(), 120), JavaText.comment(line, 140));
    body.add("// $L\n", JavaText.comment(TextDump.line(numbers, node), 180));
    Node epilogue = plan.epilogue(node);
    Receiver model = placed();
    List<Operand> in = NodeEmitter.inputs(node, plan).stream().map(o -> o.in(model)).toList();
    Operand.Array out = step.out().in(model);
    PackedOperands.Packing packing = packed.of(node);
    if (packing != null) {
      body.add(PackedOperands.multiply(node, packing, NodeEmitter.array(in.get(0)), out, model));
    } else if (epilogue == null && partedLoops.applies(node, in, out)) {
      CodeBlock comments = body.build();
      MethodSpec part = PartedLoops.partMethod(names.method(name + "_part"), comments,
          ElementwiseEmitter.emit(node, in, out, true));
      place(part);
      body.add(partedLoops.dispatch(part.name(), model));
    } else if (epilogue == null) {
      body.add(NodeEmitter.emit(node, in, out));
    } else {
      body.add("// $L  (the bias add, computed by the product)\n", JavaText.comment(TextDump.line(numbers, epilogue), 180));
      Operand.View bias = (Operand.View) plan.operand(epilogue.input(1));
      body.add(NodeEmitter.matmulBias(node, in, out, bias.source().in(model)));
    }
    return MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE).addParameter(int.class, "B")
        .addCode(body.build()).build();
  }

  /**
   * A SCAN as one Java {@code for} loop over its steps: the init copied into the carry's
   * buffer, then per step each sequence's slice copied into its buffer, the body's steps
   * called (their methods emitted once, their temporaries from a pool of the body's own),
   * the result copied into the carry and, when stacked, into its row of the output. Code size
   * does not depend on the number of steps.
   */
  private MethodSpec scanMethod(String entry, Lowering.Step step, Lowering.Plan plan, Map<Node, Integer> numbers) {
    Node node = step.node();
    Attrs.Scan scan = node.attrs(Attrs.Scan.class);
    ScanBody body = scan.body();
    String name = names.method(entry + numbers.get(node) + "_scan");
    Receiver model = placed();
    // the carry and slices (s0, s1 ...) live through the loop; the body's temporaries (t0 ...) are its own
    BufferPool fixed = new BufferPool(names, name + "_s");
    BufferPool temporaries = new BufferPool(names, name + "_t");
    loopPools.add(fixed);
    loopPools.add(temporaries);
    fixed.startEntryPoint();
    Map<Node, Operand.Array> bound = new java.util.IdentityHashMap<>();
    Operand.Array carry = new Operand.Array(fixed.acquire(body.carry(), 0, Integer.MAX_VALUE), node.dtype(),
        body.carry().shape());
    bound.put(body.carry(), carry);
    List<Operand.Array> slices = new ArrayList<>();
    for (int i = 0; i < body.sequences(); i++) {
      Node p = body.slice(i);
      Operand.Array slice = new Operand.Array(fixed.acquire(p, 0, Integer.MAX_VALUE), p.dtype(), p.shape());
      slices.add(slice);
      bound.put(p, slice);
    }
    for (int j = 0; j < body.constants(); j++) {
      bound.put(body.constant(j), NodeEmitter.array(plan.operand(node.input(1 + body.sequences() + j))));
    }
    Graph bodyGraph = Graph.builder(entry + "_body", node.span()).output("next", body.result()).build();
    Lowering.Plan bodyPlan = Lowering.lowerBody(bodyGraph, fields, temporaries, bound);
    Map<Node, Integer> bodyNumbers = TextDump.numbering(bodyGraph);
    PackedOperands packed = PackedOperands.of(body, bodyPlan, names, name);
    for (PackedOperands.Packing packing : packed.packings()) {
      type.addField(FieldSpec.builder(RuntimeTypes.PACKED_MATRIX, packing.field(), fieldModifiers())
          .addModifiers(Modifier.FINAL).initializer("$T.packed($L, $L)", RuntimeTypes.GEMM, packing.k(), packing.n()).build());
    }
    List<String> calls = new ArrayList<>();
    for (Lowering.Step bodyStep : bodyPlan.steps()) {
      MethodSpec method = stepMethod(name + "_", bodyStep, bodyPlan, bodyNumbers, packed);
      place(method);
      calls.add(method.name());
    }
    int steps = Scans.length(node);
    Operand.Array out = step.out().in(model);
    CodeBlock.Builder code = CodeBlock.builder();
    SourceSpan span = node.span();
    code.add("// $L  $L\n", JavaText.comment(span.shortLocation(), 120),
        JavaText.comment(span.file().line(span.line()).strip(), 140));
    code.add("// $L\n", JavaText.comment(TextDump.line(numbers, node), 180));
    code.add(ScanEmitter.assign(plan.operand(node.input(0)).in(model), carry.in(model)));
    for (PackedOperands.Packing packing : packed.packings()) {
      code.add(PackedOperands.pack(packing, bound.get(packing.constant()).in(model), model));
    }
    code.beginControlFlow("for (int k = 0; k < $L; k++)", steps);
    code.addStatement("int t = $L", scan.reverse() ? (steps - 1) + " - k" : "k");
    for (int i = 0; i < body.sequences(); i++) {
      Operand.Array sequence = NodeEmitter.array(plan.operand(node.input(1 + i))).in(model);
      code.add(ScanEmitter.sliceOf(sequence, scan.axis(), slices.get(i).in(model)));
    }
    for (String call : chunked(name, calls)) {
      code.addStatement("$L", call(call, split, "B"));
    }
    code.add(ScanEmitter.assign(bodyPlan.operand(body.result()).in(model), carry.in(model)));
    if (scan.stacked()) {
      code.add(ScanEmitter.rowOf(carry.in(model), scan.axis(), steps, out));
    }
    code.endControlFlow();
    if (!scan.stacked()) {
      code.add(ScanEmitter.assign(carry.in(model), out));
    }
    return MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE).addParameter(int.class, "B")
        .addCode(code.build()).build();
  }

  /**
   * {@code update(B)}: {@code clip(B)} when gradients are clipped by their global norm, then
   * the per-parameter update loops, shared between the engine's threads: the class is a
   * {@code PartedWork} whose {@code runPart(part, parts)} runs its part of every loop.
   */
  private MethodSpec update(Lowering.Plan train, OptimizerEmitter optimizerEmitter, String clipScale) {
    Graph graph = train.graph();
    Set<String> decayed = optimizer.decayOn().resolve(graph);
    List<String> calls = new ArrayList<>();
    gradients.forEach((name, gradient) -> {
      OptimizerEmitter.Target target = new OptimizerEmitter.Target(name, fields.params().get(name).in(placed()),
          gradient.in(placed()), decayed.contains(name));
      MethodSpec method = MethodSpec.methodBuilder(names.method("update_" + fields.params().get(name).field()))
          .addModifiers(Modifier.PRIVATE).addParameter(int.class, "part").addParameter(int.class, "parts")
          .addCode(optimizerEmitter.update(target)).build();
      place(method);
      calls.add(method.name());
    });
    updateCalls = chunked("runPart", calls, "part", "parts");
    runPartIndex = methods.size();
    MethodSpec.Builder update = MethodSpec.methodBuilder(names.method("update")).addModifiers(Modifier.PRIVATE)
        .addParameter(int.class, "B");
    if (clipping.byNorm()) {
      update.addStatement("$L(B)", clip(clipScale).name());
    }
    optimizerEmitter.stepFields().forEach((field, fieldType) ->
        type.addField(FieldSpec.builder(fieldType, field, fieldModifiers()).build()));
    update.addCode(optimizerEmitter.prologue(Receiver.MODEL));
    update.addStatement("$T.engine().runParts(this)", RuntimeTypes.GEMM);
    return update.build();
  }

  /**
   * {@code runPart(part, parts)}, when the class is a {@code PartedWork}: the part of the
   * element-wise loop its job field names (see {@link PartedLoops}), or with job 0 of every
   * parameter's update loop.
   */
  private void runPart() {
    if (updateCalls == null && !partedLoops.any()) {
      return;
    }
    type.addSuperinterface(RuntimeTypes.PARTED_WORK);
    MethodSpec.Builder runPart = MethodSpec.methodBuilder("runPart").addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC).addParameter(int.class, "part").addParameter(int.class, "parts")
        .addJavadoc("Part {@code part} of {@code parts} of every parameter's update loop; called by {@link #update}.\n");
    if (partedLoops.any()) {
      partedLoops.fields(fieldModifiers()).forEach(type::addField);
      MethodSpec loopPart = MethodSpec.methodBuilder(names.method("runLoopPart")).addModifiers(Modifier.PRIVATE)
          .addParameter(int.class, "part").addParameter(int.class, "parts")
          .addCode(partedLoops.switchOverJobs(method -> call(method, false, partedLoops.arguments()))).build();
      methods.add(loopPart);
      runPart.addJavadoc("With a job named, that element-wise loop's part instead.\n")
          .beginControlFlow("if (this.$L != 0)", partedLoops.jobField())
          .addStatement("$N(part, parts)", loopPart)
          .addStatement("return")
          .endControlFlow();
    }
    for (String call : updateCalls == null ? List.<String>of() : updateCalls) {
      runPart.addStatement("$L", call(call, false, "part, parts"));
    }
    methods.add(runPartIndex < 0 ? methods.size() : runPartIndex, runPart.build());
  }

  /**
   * {@code clip(B)}: the L2 norm of every (value-clamped) gradient together, summed in double
   * one parameter per method, and the scale min(1, max_norm / (norm + 1e-6)) into a field
   * that the update loops read.
   */
  private MethodSpec clip(String clipScale) {
    String squares = names.field("gradientSquares");
    String norm = names.field("gradientNorm");
    for (String field : List.of(squares, norm, clipScale)) {
      type.addField(FieldSpec.builder(TypeName.DOUBLE, field, fieldModifiers()).build());
    }
    List<String> calls = new ArrayList<>();
    gradients.forEach((name, value) -> {
      Operand.Array param = fields.params().get(name);
      Operand read = value.in(placed());
      String element = read instanceof Operand.Array a ? a.ref() + "[i]" : ((Operand.Scalar) read).expression();
      MethodSpec method = MethodSpec.methodBuilder(names.method("squares_" + param.field()))
          .addModifiers(Modifier.PRIVATE).addParameter(int.class, "B")
          .addCode("// $L: its part of the global norm\n", JavaText.comment(name, 80))
          .addCode(clipping.squares(element, param.dtype(), Sizes.size(param.shape()), placed().field(squares)))
          .build();
      place(method);
      calls.add(method.name());
    });
    MethodSpec.Builder clip = MethodSpec.methodBuilder(names.method("clip")).addModifiers(Modifier.PRIVATE)
        .addParameter(int.class, "B")
        .addCode("// clip $L\n", JavaText.comment(clipping.describe(), 120))
        .addStatement("this.$L = 0", squares);
    for (String call : chunked("clip", calls)) {
      clip.addStatement("$L", call(call, false, "B"));
    }
    MethodSpec built = clip.addCode(clipping.scale(squares, norm, clipScale)).build();
    methods.add(built);
    return built;
  }

  private MethodSpec unsupported(String name) {
    return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .addParameter(int.class, "batch").returns(double.class)
        .addStatement("throw noLoss()").build();
  }

  /** {@code initialize(seed)}: each parameter drawn by its initializer from its own stream. */
  private MethodSpec initialize(OptimizerEmitter optimizerEmitter) {
    List<Statement> m = new ArrayList<>();
    if (!split) {
      m.add(r -> CodeBlock.builder().addStatement("this.seed = seed").build());
      m.add(r -> CodeBlock.builder().addStatement("this.step = 0").build());
    }
    int stream = 0;
    for (Node p : graphs.forward().params()) {
      Attrs.Param param = p.attrs(Attrs.Param.class);
      Init init = param.init();
      double[] options = options(init);
      String field = fields.params().get(param.name()).field();
      Attrs.Layers layers = param.layers();
      if (layers != null) {
        // the streams the unrolled layers would have: the group's rows interleaved, stride parameters per layer
        int rows = layers.names().size();
        int first = stream - layers.index() * rows + layers.index();
        stream += rows;
        m.add(r -> CodeBlock.builder().addStatement(
            "$T.fillLayers($S, $L, $L, $L, $L, seed, $T.FIRST_STREAM + $L, $L)", RuntimeTypes.INITIALIZERS,
            init.kind().text(), r.field(field), dims(param.layerShape()), JavaText.doubleLiteral(options[0]),
            JavaText.doubleLiteral(options[1]), RuntimeTypes.INITIALIZERS, first, layers.stride()).build());
        continue;
      }
      int own = stream++;
      m.add(r -> CodeBlock.builder().addStatement("$T.fill($S, $L, $L, $L, $L, seed, $T.FIRST_STREAM + $L)",
          RuntimeTypes.INITIALIZERS, init.kind().text(), r.field(field), dims(p.shape()),
          JavaText.doubleLiteral(options[0]), JavaText.doubleLiteral(options[1]), RuntimeTypes.INITIALIZERS, own)
          .build());
    }
    for (Node state : graphs.forward().states()) {
      String field = fields.states().get(state.sourceName()).field();
      m.add(r -> CodeBlock.builder().addStatement("java.util.Arrays.fill($L, $L)", r.field(field),
          JavaText.literal(state.attrs(Attrs.State.class).initial(), state.dtype())).build());
    }
    for (OptimizerEmitter.StateBuffer buffer : optimizerEmitter.buffers()) {
      m.add(r -> CodeBlock.builder().addStatement("java.util.Arrays.fill($L, $L)", r.field(buffer.field()),
          JavaText.literal(buffer.initial(), buffer.like().dtype())).build());
    }
    MethodSpec.Builder method = MethodSpec.methodBuilder("initialize").addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC).addParameter(long.class, "seed");
    if (split) {
      // protected fields, which the part classes may not write
      method.addStatement("this.seed = seed").addStatement("this.step = 0");
    }
    split("initializePart", m, long.class, "seed").forEach(method::addCode);
    return method.build();
  }

  /** The two numeric options of an initializer as {@link dev.adjoint.runtime.ops.Initializers} reads them. */
  private static double[] options(Init init) {
    return switch (init.kind()) {
      case CONSTANT -> new double[] {init.arg("value", 0), 0};
      case UNIFORM -> new double[] {init.arg("low", 0), init.arg("high", 1)};
      case NORMAL -> new double[] {init.arg("mean", 0), init.arg("std", 1)};
      case GLOROT_UNIFORM, GLOROT_NORMAL -> new double[] {init.arg("gain", 1), 0};
      default -> new double[] {0, 0};
    };
  }

  String className() {
    return className;
  }

  String packageName() {
    return packageName;
  }
}
