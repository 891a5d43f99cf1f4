package dev.adjoint.maven;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * {@code adjoint:generate}: compiles {@code src/main/nn/**}{@code /*.nn} into Java sources in
 * {@code target/generated-sources/adjoint} and adds that folder to the compile sources. Each
 * model becomes its class ({@code Name}, which trains) and its predictor ({@code NamePredictor});
 * both compile against adjoint-runtime alone. Files unchanged since their last generation are
 * skipped; any error in a {@code .nn} file fails the build with its file:line:column.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractMojo {
  /** Where the {@code .nn} files are; a missing folder generates nothing. */
  @Parameter(property = "adjoint.sourceDirectory", defaultValue = "${project.basedir}/src/main/nn")
  private File sourceDirectory;

  /** Where the Java sources go; added to the project's compile source roots. */
  @Parameter(property = "adjoint.outputDirectory",
      defaultValue = "${project.build.directory}/generated-sources/adjoint")
  private File outputDirectory;

  /** One package for every class; by default each file's folder under {@code sourceDirectory} names it. */
  @Parameter(property = "adjoint.packageName")
  private String packageName;

  /** Hyperparameter overrides, as {@code adjoint compile --set NAME=VALUE}. */
  @Parameter
  private Map<String, String> hyperparameters;

  /** Skips the goal. */
  @Parameter(property = "adjoint.skip", defaultValue = "false")
  private boolean skip;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private MavenProject project;

  @Override
  public void execute() throws MojoFailureException {
    if (skip) {
      getLog().info("adjoint: skipped");
      return;
    }
    List<String> sets = new ArrayList<>();
    if (hyperparameters != null) {
      hyperparameters.forEach((name, value) -> sets.add(name + "=" + value));
    }
    Path out = outputDirectory.toPath();
    NnGeneration generation = new NnGeneration(sourceDirectory.toPath(), out, packageName, sets);
    NnGeneration.Result result = generation.run();
    project.addCompileSourceRoot(out.toString());
    for (String error : result.errors()) {
      getLog().error(error);
    }
    if (!result.ok()) {
      throw new MojoFailureException("adjoint: " + result.errors().size() + " error"
          + (result.errors().size() == 1 ? "" : "s") + " in the .nn files under " + sourceDirectory
          + " (above, with their file:line:column)");
    }
    getLog().info("adjoint: " + result.compiled().size() + " .nn file(s) compiled to " + result.written().size()
        + " classes in " + out + ", " + result.skipped().size() + " unchanged");
  }
}
