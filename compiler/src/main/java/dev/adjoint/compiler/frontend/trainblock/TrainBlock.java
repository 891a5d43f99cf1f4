package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.frontend.DataPresence;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What each check of one train block reads: the block, its model's graph, the folder that
 * relative data paths start from, whether its data files must exist, the settings by key (each known and given once), and the
 * binding of option calls.
 */
record TrainBlock(Declaration.Train train, Graph graph, Path baseDirectory, DataPresence data, Diagnostics diagnostics,
    OptionCalls calls, Map<String, Declaration.Setting> settings) {

  /** The setting written under {@code key}, or null. */
  Declaration.Setting setting(String key) {
    return settings.get(key);
  }

  /** The model's inputs and targets by name, in declaration order. */
  List<String> inputAndTargetNames() {
    return graph.inputs().stream().map(Node::sourceName).toList();
  }

  /** A data path resolved against the .nn file's folder, or null when no file can have it (a NUL character). */
  Path dataPath(String path) {
    try {
      return baseDirectory.resolve(path).normalize();
    } catch (InvalidPathException notAPath) {
      return null;
    }
  }
}
