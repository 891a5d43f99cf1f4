/**
 * Checkpoints: {@link dev.adjoint.runtime.checkpoint.Safetensors} reads and writes the
 * safetensors format (so that PyTorch reads Adjoint's weights with
 * {@code safetensors.torch.load_file}), {@link dev.adjoint.runtime.checkpoint.AtomicFile}
 * replaces files so that a crash never leaves a torn one, and
 * {@link dev.adjoint.runtime.checkpoint.Checkpoint} saves and restores a compiled model's
 * parameters, optimizer state, state and counters, refusing, with the exact difference, a
 * checkpoint from another model. No JSON library: the header's small grammar is written and
 * parsed here, strictly.
 */
package dev.adjoint.runtime.checkpoint;
