package dev.adjoint.compiler.settings;

import dev.adjoint.compiler.ir.ParamRole;

/** A group of parameters by role, as {@code on =} and {@code decay_on =} name them. */
public enum ParamGroup implements ParamSelection.Item {
  WEIGHTS("weights"),
  EMBEDDINGS("embeddings"),
  BIASES("biases"),
  NORMS("norms"),
  ALL("all");

  private final String text;

  ParamGroup(String text) {
    this.text = text;
  }

  /** The group's name in a train block. */
  @Override
  public String text() {
    return text;
  }

  /** Whether a parameter of this role belongs to the group. */
  public boolean covers(ParamRole role) {
    return switch (this) {
      case WEIGHTS -> role == ParamRole.WEIGHT;
      case EMBEDDINGS -> role == ParamRole.EMBEDDING;
      case BIASES -> role == ParamRole.BIAS;
      case NORMS -> role == ParamRole.NORM;
      case ALL -> true;
    };
  }

  /** The group a train block names {@code text}, or null when it names no group. */
  public static ParamGroup named(String text) {
    for (ParamGroup g : values()) {
      if (g.text.equals(text)) {
        return g;
      }
    }
    return null;
  }
}
