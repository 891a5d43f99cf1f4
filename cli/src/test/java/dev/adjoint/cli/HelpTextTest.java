package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code adjoint --help} lists each subcommand with its summary, the first line of its
 * description: that line must be a whole sentence, shown whole (wrapped, not cut), and every
 * other line of a description a whole paragraph, so that no help text breaks mid-sentence.
 */
class HelpTextTest {
  private static final Pattern COMMAND_LINE = Pattern.compile("^  (\\S+)\\s+(.*)$");

  @Test
  void everySummaryIsShownWhole() {
    CliRun run = CliRun.of("--help");
    assertEquals(0, run.status(), run.err());
    Map<String, String> listed = summaries(run.out());
    for (Map.Entry<String, CommandLine> sub : ownSubcommands().entrySet()) {
      String summary = sub.getValue().getCommandSpec().usageMessage().description()[0];
      assertEquals(summary, listed.get(sub.getKey()), "the summary of '" + sub.getKey() + "' in adjoint --help");
    }
  }

  @Test
  void everyDescriptionLineIsWhole() {
    for (Map.Entry<String, CommandLine> sub : ownSubcommands().entrySet()) {
      String[] lines = sub.getValue().getCommandSpec().usageMessage().description();
      assertTrue(lines.length > 0, "'" + sub.getKey() + "' has no description");
      for (String line : lines) {
        assertTrue(line.endsWith("."), "a line of the description of '" + sub.getKey()
            + "' stops mid-sentence (picocli prints each line apart): " + line);
      }
    }
  }

  /** Adjoint's subcommands by name, without picocli's own {@code help}. */
  private static Map<String, CommandLine> ownSubcommands() {
    Map<String, CommandLine> subs = new LinkedHashMap<>(new CommandLine(new AdjointCli()).getSubcommands());
    subs.remove("help");
    assertTrue(subs.size() >= 7, "adjoint has subcommands " + subs.keySet());
    return subs;
  }

  /** The Commands section of the usage help: each name with its summary, wrapped lines joined. */
  private static Map<String, String> summaries(String help) {
    Map<String, String> out = new LinkedHashMap<>();
    String current = null;
    boolean inCommands = false;
    for (String line : help.split("\\R")) {
      if (line.equals("Commands:")) {
        inCommands = true;
        continue;
      }
      if (!inCommands || line.isBlank()) {
        continue;
      }
      Matcher m = COMMAND_LINE.matcher(line);
      if (m.matches()) {
        current = m.group(1);
        out.put(current, m.group(2).strip());
      } else if (current != null && line.startsWith("   ")) {
        out.put(current, out.get(current) + " " + line.strip());
      }
    }
    return out;
  }
}
