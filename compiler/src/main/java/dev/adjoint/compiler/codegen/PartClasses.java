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
 * <p>The methods it takes are written for it: their code reaches the model through
 * {@link Receiver#PART} ({@code m.h_W}, {@code m.seed()}, {@code m.registerParamBuffer}),
 * so moving a method only makes it static and gives it the parameter {@code m}.
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

  /**
   * Moves {@code method} (written for {@link Receiver#PART}) into a part class as a static
   * method taking the model.
   */
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

  /**
   * Distinct identifiers, numbers and string literals of some code, outside {@code //}
   * comments. One pass over the text, without regular expressions: a name or a string
   * thousands of characters long costs its length, not stack.
   */
  static Set<String> tokens(String code) {
    Set<String> out = new HashSet<>();
    int n = code.length();
    int i = 0;
    while (i < n) {
      char c = code.charAt(i);
      int start = i;
      if (c == '/' && i + 1 < n && code.charAt(i + 1) == '/') {
        i = lineEnd(code, i);
        continue;
      }
      if (c == '"') {
        i = stringEnd(code, i);
      } else if (Character.isJavaIdentifierStart(c)) {
        do {
          i++;
        } while (i < n && Character.isJavaIdentifierPart(code.charAt(i)));
      } else if (c >= '0' && c <= '9') {
        do {
          i++;
        } while (i < n && (Character.isLetterOrDigit(code.charAt(i)) || code.charAt(i) == '.'
            || code.charAt(i) == '_'));
      } else {
        i++;
        continue;
      }
      out.add(code.substring(start, i));
    }
    return out;
  }

  /** The index after the line that {@code from} is on (its newline included). */
  private static int lineEnd(String code, int from) {
    int newline = code.indexOf('\n', from);
    return newline < 0 ? code.length() : newline + 1;
  }

  /** The index after the string literal that starts at {@code from} (or the line's end, if unclosed). */
  private static int stringEnd(String code, int from) {
    int i = from + 1;
    while (i < code.length()) {
      char c = code.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == '"') {
        return i + 1;
      } else if (c == '\n') {
        return i;
      } else {
        i++;
      }
    }
    return code.length();
  }
}
