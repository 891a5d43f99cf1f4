package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.lang.model.element.Modifier;

/**
 * The nested classes that hold a large model's per-node methods, so that no class file
 * nears the JVM's limits (65,535 constant-pool entries, methods and fields per class).
 * Each part class is {@code static final class Part0 { ... }} inside the model's class,
 * its methods static and taking the model as {@code m}: {@code static void
 * trainStep12_matmul(Deep m, int B)} reads {@code m.h_W} where the model's own method
 * would read {@code this.h_W}. A part class is full when the distinct tokens of its
 * methods (each at most a few constant-pool entries: a field or method reference, a
 * literal) reach {@link #TOKENS_PER_CLASS}.
 *
 * <p>Methods are written for the model class first, then moved: their code lines (not
 * their comments) get {@code m.} for {@code this.}, and the getters {@code m.seed()},
 * {@code m.step()} and {@code m.learningRate()} for the protected fields of
 * {@link dev.adjoint.runtime.model.CompiledModel}, which a nested class may not read
 * (Janino, like the JVM, allows protected access from subclasses only); calls of its
 * protected {@code registerParam} and the like become calls of the model's package-private
 * bridges {@code m.registerParamBuffer}.
 */
final class PartClasses {
  /** Distinct tokens in one class: fewer than 20,000 constant-pool entries. */
  static final int TOKENS_PER_CLASS = 6_000;
  /**
   * Graph nodes (training, evaluation and prediction together) above which a model is split
   * without first being written as one class; below, it is split only when the one class
   * has more than {@link #TOKENS_PER_CLASS} distinct tokens.
   */
  static final int SPLIT_ABOVE_NODES = 4_000;
  /** Methods in one part class, whatever their tokens. */
  private static final int METHODS_PER_CLASS = 2_000;
  /** The receiver of a part class's methods. */
  static final String MODEL = "m";

  private static final Pattern TOKEN = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|[A-Za-z_$][\\w$]*|\\d[\\w.]*");
  private static final Pattern THIS = Pattern.compile("(?<![\\w$.])this\\.");
  private static final Pattern REGISTER =
      Pattern.compile("(?<![\\w$.])register(Input|Output|Param|State|OptimizerState|Gradient)\\(");
  /** The model's bridges to the protected register methods, which the part classes' allocation calls. */
  static final List<String> REGISTERED = List.of("Input", "Output", "Param", "State", "OptimizerState", "Gradient");
  private static final Pattern INHERITED = Pattern.compile("(?<![\\w$.\"])(seed|step|learningRate)(?![\\w$(])");

  private final ClassName model;
  private final Names names;
  private final List<TypeSpec.Builder> classes = new ArrayList<>();
  private final List<String> classNames = new ArrayList<>();
  private final Map<String, String> owners = new HashMap<>();
  private Set<String> tokens = new HashSet<>();
  private int methods;

  PartClasses(ClassName model, Names names) {
    this.model = model;
    this.names = names;
  }

  /** Moves {@code method} (written as the model's own) into a part class as a static method taking the model. */
  void add(MethodSpec method) {
    Set<String> own = tokens(method.code().toString());
    int added = 0;
    for (String t : own) {
      if (!tokens.contains(t)) {
        added++;
      }
    }
    if (classes.isEmpty() || tokens.size() + added > TOKENS_PER_CLASS || methods >= METHODS_PER_CLASS) {
      String name = names.method("Part" + classes.size());
      classes.add(TypeSpec.classBuilder(name).addModifiers(Modifier.STATIC, Modifier.FINAL)
          .addJavadoc("Methods of $L moved out of it to keep each class file small; they take the model as $L.\n",
              model.simpleName(), MODEL)
          .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build()));
      classNames.add(name);
      tokens = new HashSet<>();
      methods = 0;
    }
    tokens.addAll(own);
    tokens.add(classNames.get(classNames.size() - 1));
    methods++;
    MethodSpec.Builder moved = MethodSpec.methodBuilder(method.name()).addModifiers(Modifier.STATIC)
        .addParameter(model, MODEL);
    for (ParameterSpec p : method.parameters()) {
      moved.addParameter(p);
    }
    moved.addCode(method.code());
    classes.get(classes.size() - 1).addMethod(moved.build());
    owners.put(method.name(), classNames.get(classNames.size() - 1));
  }

  /** Whether {@code method} was moved into a part class. */
  boolean moved(String method) {
    return owners.containsKey(method);
  }

  /**
   * A call of {@code method} with {@code arguments}, from the model's own methods or (when
   * {@code fromPart}) from a method of a part class: {@code Part0.trainStep12_matmul(this, B)}.
   */
  String call(String method, boolean fromPart, String arguments) {
    String owner = owners.get(method);
    if (owner == null) {
      return fromPart ? MODEL + "." + method + "(" + arguments + ")" : method + "(" + arguments + ")";
    }
    return owner + "." + method + "(" + (fromPart ? MODEL : "this") + (arguments.isEmpty() ? "" : ", " + arguments)
        + ")";
  }

  List<TypeSpec> build() {
    return classes.stream().map(TypeSpec.Builder::build).toList();
  }

  boolean isEmpty() {
    return classes.isEmpty();
  }

  /** The first part class's declaration line in the file, from which the rest of the file is part classes. */
  String firstDeclaration() {
    return "  static final class " + classNames.get(0) + " {";
  }

  /**
   * The file's part classes (from {@link #firstDeclaration} on) rewritten for their static
   * methods: on code lines, {@code this.} becomes {@code m.} and the inherited fields their getters.
   */
  String rewrite(String file) {
    int start = file.indexOf("\n" + firstDeclaration() + "\n");
    if (start < 0) {
      throw new IllegalStateException("no part class in the generated file");
    }
    StringBuilder out = new StringBuilder(file.length() + file.length() / 16).append(file, 0, start);
    for (String line : file.substring(start).split("\n", -1)) {
      String code = line.strip();
      if (code.startsWith("//") || code.startsWith("*") || code.startsWith("/**")) {
        out.append(line).append('\n');
        continue;
      }
      // outside string literals (the names of tensors, which hold no quotes) only
      String[] pieces = line.split("\"", -1);
      for (int i = 0; i < pieces.length; i++) {
        if (i % 2 == 0) {
          String piece = THIS.matcher(pieces[i]).replaceAll(MODEL + ".");
          piece = INHERITED.matcher(piece).replaceAll(MODEL + ".$1()");
          out.append(REGISTER.matcher(piece).replaceAll(MODEL + ".register$1Buffer("));
        } else {
          out.append(pieces[i]);
        }
        out.append(i + 1 < pieces.length ? "\"" : "\n");
      }
    }
    out.setLength(out.length() - 1);
    return out.toString();
  }

  /** Distinct identifiers, numbers and string literals of some code. */
  static Set<String> tokens(String code) {
    Set<String> out = new HashSet<>();
    for (String line : code.split("\n")) {
      if (line.strip().startsWith("//")) {
        continue;
      }
      Matcher m = TOKEN.matcher(line);
      while (m.find()) {
        out.add(m.group());
      }
    }
    return out;
  }
}
