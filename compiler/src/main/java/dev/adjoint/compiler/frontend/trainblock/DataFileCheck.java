package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Argument;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.frontend.DataPresence;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.data.DataFiles;
import dev.adjoint.runtime.text.Suggestions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every file a data source names must exist: csv's {@code path}, each file of idx and npy,
 * relative to the .nn file's folder; a missing one gets the closest name in its folder. A
 * missing file is an error only where the data is needed ({@link DataPresence#REQUIRED}); a
 * file that exists but is not a regular, readable file is an error always.
 */
final class DataFileCheck {
  private DataFileCheck() {}

  static void check(TrainBlock block, Expr.Call source, Signature signature) {
    List<String> fileOptions = List.of("csv", "text", "texts").contains(source.callee()) ? List.of("path")
        : block.inputAndTargetNames();
    int position = 0;
    for (Argument arg : source.args()) {
      String option = arg.isNamed() ? arg.name()
          : position < signature.params().size() ? signature.params().get(position).name() : null;
      position++;
      if (option == null || !fileOptions.contains(option) || !(arg.value() instanceof Expr.Text text)) {
        continue;
      }
      Path resolved = block.dataPath(text.value());
      String problem = resolved == null ? null : DataFiles.problem(resolved);
      if (resolved == null) {
        block.diagnostics().error(text.span(), "this is not a file path: it holds a character no file name can have",
            "write the path of the data file, relative to the folder of the .nn file");
      } else if (problem != null && !Files.exists(resolved) && block.data() == DataPresence.OPTIONAL) {
        String hint = missingFileHint(block, text);
        block.diagnostics().warning(text.span(), "data file not found: \"" + text.value() + "\"; the model "
            + "compiles without it, but train and eval will need it", hint);
      } else if (problem != null && !Files.exists(resolved)) {
        block.diagnostics().error(text.span(), "data file not found: \"" + text.value() + "\"",
            missingFileHint(block, text));
      } else if (problem != null) {
        block.diagnostics().error(text.span(), "data file \"" + text.value() + "\" " + problem);
      }
    }
  }

  /**
   * A file of the same folder with a similar name, or where the path was looked for, shown
   * relative to the .nn file as the user named it (so that the message is the same on every machine).
   */
  private static String missingFileHint(TrainBlock block, Expr.Text text) {
    Path given = Path.of(text.value());
    Path folder = block.baseDirectory().resolve(text.value()).normalize().getParent();
    if (folder != null && Files.isDirectory(folder) && given.getFileName() != null) {
      try (Stream<Path> files = Files.list(folder)) {
        List<String> names = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        String closest = Suggestions.closest(given.getFileName().toString(), names);
        if (closest != null) {
          Path parent = given.getParent();
          return "did you mean \"" + (parent == null ? closest : parent.resolve(closest).toString().replace('\\', '/'))
              + "\"?";
        }
      } catch (IOException | UncheckedIOException ignored) {
        // no suggestion then
      }
    }
    Path source = Path.of(block.train().span().file().name()).getParent();
    return given.isAbsolute() ? null : source == null ? "paths are relative to the folder of the .nn file"
        : "paths are relative to the folder of the .nn file: this one is "
            + source.resolve(text.value()).normalize().toString().replace('\\', '/');
  }
}
