package dev.adjoint.compiler.interp;

import java.util.Map;
import java.util.Objects;

/**
 * Everything an evaluation reads besides the graph: input values (features and targets) by
 * name, parameter values by name, state values by name (a missing state starts at its
 * declared initial value), the mode, and the random keys {@code seed} and {@code step}.
 */
public record Feed(
    Map<String, F64Tensor> inputs, Map<String, F64Tensor> params, Map<String, F64Tensor> states,
    Mode mode, long seed, long step) {

  public Feed {
    inputs = Map.copyOf(inputs);
    params = Map.copyOf(params);
    states = Map.copyOf(states);
    Objects.requireNonNull(mode, "mode");
  }

  /** Inputs and parameters, no state, training mode, seed 0 and step 0. */
  public static Feed of(Map<String, F64Tensor> inputs, Map<String, F64Tensor> params) {
    return new Feed(inputs, params, Map.of(), Mode.TRAINING, 0, 0);
  }

  public Feed withMode(Mode newMode) {
    return new Feed(inputs, params, states, newMode, seed, step);
  }

  public Feed withStates(Map<String, F64Tensor> newStates) {
    return new Feed(inputs, params, newStates, mode, seed, step);
  }

  /** The same feed with other random keys. */
  public Feed withRng(long newSeed, long newStep) {
    return new Feed(inputs, params, states, mode, newSeed, newStep);
  }
}
