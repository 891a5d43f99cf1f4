package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.runtime.text.Suggestions;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings of a train block by key: every key known (an unknown one gets a suggestion,
 * or where it belongs when it is an option of the optimizer or of early stopping) and given once.
 */
final class SettingKeys {
  static final Set<String> SETTINGS = new LinkedHashSet<>(List.of("data", "optimizer", "schedule",
      "regularize", "clip", "batch", "epochs", "seed", "shuffle", "early_stopping", "metrics", "standardize",
      "threads", "features"));

  private SettingKeys() {}

  /** The known settings of the block by key, the first of each; the rest reported. */
  static Map<String, Declaration.Setting> collect(Declaration.Train train, Diagnostics diagnostics) {
    Map<String, Declaration.Setting> settings = new LinkedHashMap<>();
    for (Declaration.Setting s : train.settings()) {
      if (!SETTINGS.contains(s.key())) {
        String hint = Suggestions.didYouMean(s.key(), SETTINGS);
        if (hint == null && TrainOptions.OPTIMIZERS.values().stream().anyMatch(o -> o.param(s.key()) != null)) {
          hint = "'" + s.key() + "' is an option of the optimizer: optimizer " + optimizerName(train) + "(" + s.key()
              + " = ...)";
        } else if (hint == null && TrainOptions.EARLY_STOPPING.param(s.key()) != null) {
          hint = "'" + s.key() + "' is an option of early stopping: early_stopping(" + s.key() + " = ...)";
        }
        diagnostics.error(s.keySpan(), "unknown setting '" + s.key() + "'",
            hint != null ? hint : "settings are: " + String.join(", ", SETTINGS));
        continue;
      }
      Declaration.Setting previous = settings.putIfAbsent(s.key(), s);
      if (previous != null) {
        diagnostics.error(s.keySpan(), "'" + s.key() + "' is set twice (first at " + previous.keySpan().line() + ":"
            + previous.keySpan().column() + ")");
      }
    }
    return settings;
  }

  /** The name of the optimizer this block calls, or adam when it calls none yet. */
  private static String optimizerName(Declaration.Train train) {
    for (Declaration.Setting s : train.settings()) {
      if (s.key().equals("optimizer") && !s.args().isEmpty()) {
        Expr value = s.args().get(0).value();
        if (value instanceof Expr.Call c) {
          return c.callee();
        }
        if (value instanceof Expr.Name n) {
          return n.joined();
        }
      }
    }
    return "adam";
  }
}
