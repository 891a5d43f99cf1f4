package dev.adjoint.compiler.fuzz;

import dev.adjoint.compiler.golden.Golden;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The programs the fuzzer mutates: every example ({@code examples/**}{@code /*.nn}) and every
 * {@code nn} and {@code nn-error} block of {@code docs/language.md}. Each is mutated in a
 * folder of its own under a work folder that mirrors the repository's data files (the
 * examples' and those the blocks name), so that the data paths of train blocks mean what they
 * mean in the repository: an example's mutant is written beside its {@code data/} folder, a
 * block's in {@code docs/}.
 */
final class Corpus {
  /** A program to mutate, and the folder its mutants are written to. */
  record Seed(String name, String text, Path folder) {}

  private static final Pattern STRING = Pattern.compile("\"([^\"\\\\\\n]*)\"");

  private Corpus() {}

  /** The seeds, with the examples' data copied into {@code work}. */
  static List<Seed> load(Path work) throws IOException {
    Path repo = Golden.repo();
    copyData(repo.resolve("examples"), work.resolve("examples"));
    List<Seed> seeds = new ArrayList<>();
    for (Path nn : Golden.nnFiles(repo.resolve("examples"))) {
      Path relative = repo.relativize(nn);
      Files.createDirectories(work.resolve(relative).getParent()); // an example may read another's data
      seeds.add(new Seed(relative.toString(), Files.readString(nn, StandardCharsets.UTF_8),
          work.resolve(relative).getParent()));
    }
    Path docs = work.resolve("docs");
    Files.createDirectories(docs);
    List<String> lines = Files.readAllLines(repo.resolve("docs/language.md"), StandardCharsets.UTF_8);
    StringBuilder block = null;
    int opened = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (block == null && (line.startsWith("```nn ") || line.equals("```nn") || line.startsWith("```nn-error"))) {
        block = new StringBuilder();
        opened = i + 1;
      } else if (block != null && line.strip().equals("```")) {
        copyNamedFiles(block.toString(), repo, work);
        seeds.add(new Seed("docs/language.md:" + opened, block.toString(), docs));
        block = null;
      } else if (block != null) {
        block.append(line).append('\n');
      }
    }
    return seeds;
  }

  /** Copies each file a string of the block names, relative to docs/, to the same place under {@code work}. */
  private static void copyNamedFiles(String block, Path repo, Path work) throws IOException {
    Matcher m = STRING.matcher(block);
    while (m.find()) {
      Path source = repo.resolve("docs").resolve(m.group(1)).normalize();
      if (!m.group(1).isEmpty() && source.startsWith(repo) && Files.isRegularFile(source)) {
        Path copy = work.resolve(repo.relativize(source).toString());
        Files.createDirectories(copy.getParent());
        if (!Files.exists(copy)) {
          Files.copy(source, copy);
        }
      }
    }
  }

  /** Copies the data files of the examples (not their .nn files) to the same relative places. */
  private static void copyData(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.filter(Files::isRegularFile).filter(p -> p.toString().contains("/data/")).toList()) {
        Path copy = to.resolve(from.relativize(file).toString());
        Files.createDirectories(copy.getParent());
        if (!Files.exists(copy)) {
          Files.copy(file, copy);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
