package dev.adjoint.compiler.runs;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.features.TextFeatures;
import dev.adjoint.runtime.predict.Predictor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a checkpoint records to describe itself beyond the weights and the standardization:
 * for {@link Predictor}, the model's input names, an {@code idx} source's scale, a text model's
 * features ({@link TextFeatures}), and for a
 * classifier (as {@link ClassReport#of} finds one) its class names, scoring output and binary
 * threshold, so that an application predicts from raw features and names classes without
 * the .nn file; and the .nn file it was trained from (name, text and SHA-256) with the train
 * block's resolved settings, so that a checkpoint says what made it.
 */
public final class PredictorMetadata {
  private PredictorMetadata() {}

  /** The .nn file's name as given. */
  static final String SOURCE_NAME_KEY = "adjoint.source_name";
  /** The .nn file's whole text. */
  static final String SOURCE_KEY = "adjoint.source";
  /** The SHA-256 of the .nn file's text as UTF-8, in hex. */
  static final String SOURCE_SHA256_KEY = "adjoint.source_sha256";
  /** The train block's settings with their defaults filled in, as {@code adjoint graph} prints them. */
  static final String TRAIN_KEY = "adjoint.train";

  /** The metadata of a checkpoint of {@code unit}; public for hosts that train it elsewhere (Spark). */
  public static Map<String, String> of(ModelUnit unit) {
    return of(unit, TargetClasses.of(unit.graph()).names());
  }

  /** As {@link #of(ModelUnit)}, a classifier's classes named {@code classNames} (as {@link TargetClasses} decides them). */
  static Map<String, String> of(ModelUnit unit, List<String> classNames) {
    Map<String, String> out = new LinkedHashMap<>();
    SourceFile source = unit.declaration().span().file();
    out.put(SOURCE_NAME_KEY, source.name());
    out.put(SOURCE_KEY, source.text());
    out.put(SOURCE_SHA256_KEY, sha256(source.text()));
    out.put(TRAIN_KEY, unit.train().describe());
    List<String> inputs = unit.graph().inputs().stream().map(n -> n.attrs(Attrs.Input.class))
        .filter(a -> !a.target()).map(Attrs.Input::name).toList();
    out.put(Predictor.INPUTS_KEY, Predictor.joinLines(inputs));
    unit.train().data().match(csv -> null, idx -> out.put(Predictor.INPUT_SCALE_KEY, Double.toString(idx.scale())),
        npy -> null, text -> null, texts -> out.put(TextFeatures.METADATA_KEY, texts.features().toText()));
    if (ClassReport.of(unit, classNames) != null) {
      List<String> names = classNames;
      String output = unit.graph().outputs().keySet().iterator().next();
      out.put(Predictor.CLASSES_KEY, Predictor.joinLines(names));
      out.put(Predictor.CLASS_OUTPUT_KEY, output);
      out.put(Predictor.CLASS_THRESHOLD_KEY, Double.toString(ClassReport.oneScoreThreshold(unit, output)));
    }
    return out;
  }

  private static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
