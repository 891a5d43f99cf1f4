package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.runs.RecordedRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * {@code adjoint report}'s page in a real headless browser: Debian's chromium driven by
 * Selenium through chromedriver. The page loads from a file with no console errors, shows the
 * curves image and both graphs, and a click on a graph node goes to the method it became.
 * Skipped with a message when chromium is not installed here; on CI ({@code CI=true}) that fails.
 */
class ReportBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir
  static Path temp;

  private static ChromeDriver driver;
  private static Path page;

  @BeforeAll
  static void openTheReport() throws Exception {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!installed && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI must have chromium and chromedriver (.ci/run installs them): missing "
          + CHROMIUM + " or " + CHROMEDRIVER);
    }
    Assumptions.assumeTrue(installed, "chromium is not installed (apt-get install -y chromium chromium-driver): "
        + "the report's browser test is skipped here");
    page = report(temp);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1400,1000", "--user-data-dir=" + Files.createDirectory(temp.resolve("profile")));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    driver.get(page.toUri().toString());
  }

  @AfterAll
  static void close() {
    if (driver != null) {
      driver.quit();
    }
  }

  /** A small classifier trained for three epochs with a validation split, and its report. */
  static Path report(Path dir) throws Exception {
    StringBuilder csv = new StringBuilder("u,v,label\n");
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 60; i++) {
      double u = random.nextDouble() * 2 - 1;
      double v = random.nextDouble() * 2 - 1;
      csv.append(u).append(',').append(v).append(',').append(u > v ? "right" : "left").append('\n');
    }
    Files.writeString(dir.resolve("points.csv"), csv);
    Path nn = Files.writeString(dir.resolve("side.nn"), """
        model side {
          input  x: f32[B, 2]
          target label: class[B] of ("left", "right")
          h = dense(x, 6, act = relu)
          output p = softmax(dense(h, 2))
          loss = cross_entropy(p, label)
        }
        train side {
          data csv("points.csv", x = ("u", "v"), label = "label"), split(train = 0.8, val = 0.2)
          optimizer adam(lr = 0.05); batch 8; epochs 3; seed 1
        }
        """);
    Path run = dir.resolve("run");
    assertEquals(0, cli("train", nn.toString(), "--out", run.toString()));
    assertEquals(0, cli("report", run.toString()));
    return run.resolve("report.html");
  }

  private static int cli(String... args) {
    StringWriter err = new StringWriter();
    int status = AdjointCli.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    assertEquals(0, status, err.toString());
    return status;
  }

  @Test
  void thePageNeedsNothingFromTheNetwork() throws Exception {
    String html = Files.readString(page);
    String withoutNamespaces = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assertFalse(withoutNamespaces.contains("http://") || withoutNamespaces.contains("https://"),
        "the page refers to the network");
    assertFalse(html.contains("<script src") || html.contains("<link "), "the page loads files beside it");
  }

  @Test
  void itLoadsWithoutConsoleErrors() {
    List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
    assertEquals(List.of(), errors.stream().map(LogEntry::getMessage).toList());
    assertEquals("Run of side (side.nn:1:1)", driver.getTitle());
  }

  @Test
  void theCurvesAreDisplayed() {
    WebElement curves = driver.findElement(By.id("curves-image"));
    assertTrue(curves.isDisplayed());
    Object width = ((JavascriptExecutor) driver).executeScript(
        "const i = arguments[0]; return i.complete ? i.naturalWidth : 0;", curves);
    assertTrue(((Number) width).intValue() > 100, "the curves image did not decode: natural width " + width);
    assertEquals(4, driver.findElements(By.cssSelector("#metrics-table tr")).size(), "a header and three epochs");
  }

  @Test
  void bothGraphsAreDisplayed() {
    for (String id : List.of("before", "after")) {
      WebElement graph = driver.findElement(By.id(id));
      assertTrue(graph.isDisplayed(), id);
      assertTrue(graph.getRect().getWidth() > 100 && graph.getRect().getHeight() > 100, id + ": " + graph.getRect());
      assertTrue(graph.findElements(By.cssSelector("g.node")).size() >= 5, id);
    }
  }

  @Test
  void clickingAGraphNodeGoesToItsCode() {
    WebElement node = driver.findElement(By.cssSelector("#after g.node.product.linked"));
    String method = node.getAttribute("data-code");
    assertTrue(method.matches("code-matmul\\d+"), method);
    ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'});", node);
    node.findElement(By.tagName("rect")).click();
    assertTrue(driver.getCurrentUrl().endsWith("#" + method), driver.getCurrentUrl());
    WebElement code = driver.findElement(By.id(method));
    assertTrue(code.isDisplayed());
    Object top = ((JavascriptExecutor) driver).executeScript("return arguments[0].getBoundingClientRect().top;", code);
    Object height = ((JavascriptExecutor) driver).executeScript("return window.innerHeight;");
    double y = ((Number) top).doubleValue();
    assertTrue(y > 0 && y < ((Number) height).doubleValue(), "the method is not in view: top " + y);
    assertTrue(code.getText().contains("void " + method.substring("code-".length()) + "("), code.getText());
  }

  @Test
  void aFolderWithoutACheckpointIsNamed() {
    StringWriter err = new StringWriter();
    int status = AdjointCli.run(new String[] {"report", temp.toString()}, new PrintWriter(new StringWriter(), true),
        new PrintWriter(err, true));
    assertEquals(1, status);
    assertTrue(err.toString().contains(temp + ": no last.safetensors or best.safetensors here"), err.toString());
    org.junit.jupiter.api.Assertions.assertThrows(dev.adjoint.compiler.runs.RunFolderException.class,
        () -> RecordedRun.read(temp));
  }
}
