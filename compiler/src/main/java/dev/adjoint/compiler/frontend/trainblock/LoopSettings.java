package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Argument;
import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Parameter;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import java.util.List;
import java.util.Optional;

/**
 * The loop's one-value settings, {@code batch 64; epochs 10; seed 0; shuffle true; threads 4},
 * each of its kind and range, with their defaults.
 *
 * @param threads worker threads, 0 for all cores
 */
record LoopSettings(int batch, int epochs, long seed, boolean shuffle, int threads) {

  /** The block's loop settings, a bad one reported and left at its default. */
  static LoopSettings check(TrainBlock block) {
    return new LoopSettings((int) integer(block, "batch", 32, 1), (int) integer(block, "epochs", 10, 1),
        integer(block, "seed", 0, 0), bool(block, "shuffle", true), (int) integer(block, "threads", 0, 1));
  }

  private static long integer(TrainBlock block, String key, long fallback, long minimum) {
    Optional<Value> v = singleValue(block, key, Kind.INT, key + " 64");
    if (v.isEmpty()) {
      return fallback;
    }
    long n = ((Value.Int) v.get()).value();
    if (n < minimum || n > Integer.MAX_VALUE && !key.equals("seed")) {
      block.diagnostics().error(block.setting(key).args().get(0).span(), "'" + key + "' must be "
          + (minimum == 0 ? "zero or more" : "at least " + minimum) + ", got " + n);
      return fallback;
    }
    return n;
  }

  private static boolean bool(TrainBlock block, String key, boolean fallback) {
    return singleValue(block, key, Kind.BOOL, key + " true").map(v -> ((Value.Bool) v).value()).orElse(fallback);
  }

  /** The one value of a setting such as {@code batch 64}, checked for its kind. */
  private static Optional<Value> singleValue(TrainBlock block, String key, Kind kind, String example) {
    Declaration.Setting s = block.setting(key);
    if (s == null) {
      return Optional.empty();
    }
    List<Argument> args = block.calls().positionalOnly(s, 1, example);
    if (args == null || args.size() != 1) {
      if (args != null) {
        block.diagnostics().error(s.span(), "'" + key + "' takes one value, e.g. " + example);
      }
      return Optional.empty();
    }
    Signature signature = Signature.of(key, Parameter.required(key, kind));
    return block.calls().bind(signature, args, s.span()).map(b -> b.value(key));
  }
}
