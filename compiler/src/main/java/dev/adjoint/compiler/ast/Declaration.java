package dev.adjoint.compiler.ast;

import dev.adjoint.compiler.source.SourceSpan;
import java.util.List;

/** A top-level declaration of a .nn file. */
public sealed interface Declaration {
  String name();

  SourceSpan nameSpan();

  SourceSpan span();

  /** {@code model mnist(hidden = 256) { ... }}. */
  record Model(String name, SourceSpan nameSpan, List<Binding> hyperparameters, List<Statement> body, SourceSpan span)
      implements Declaration {
    public Model {
      hyperparameters = List.copyOf(hyperparameters);
      body = List.copyOf(body);
    }
  }

  /** {@code def block(x, n, p = 0.1) { ... }}: inlined at every call. A parameter's default may be null. */
  record Def(String name, SourceSpan nameSpan, List<Binding> params, List<Statement> body, SourceSpan span)
      implements Declaration {
    public Def {
      params = List.copyOf(params);
      body = List.copyOf(body);
    }
  }

  /** {@code train mnist(hidden = 128) { batch 64; ... }}. */
  record Train(String name, SourceSpan nameSpan, List<Argument> overrides, List<Setting> settings, SourceSpan span)
      implements Declaration {
    public Train {
      overrides = List.copyOf(overrides);
      settings = List.copyOf(settings);
    }
  }

  /** {@code name = value} in a hyperparameter list or a def's parameters ({@code value} may be null there). */
  record Binding(String name, SourceSpan nameSpan, Expr value) {}

  /** One line of a train block: {@code optimizer adam(lr = 1e-3)} is key {@code optimizer} with one argument. */
  record Setting(String key, SourceSpan keySpan, List<Argument> args, SourceSpan span) {
    public Setting {
      args = List.copyOf(args);
    }
  }
}
