package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.config.SiteConfig;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import dev.vigil.deploy.embedded.EmbeddedMqtt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromium-driver): live counts
 * and an open violation appear while real footage is processed; the compliance history is charted
 * and exported as CSV; a violation opens its face-blurred evidence snapshot. Keeps a screenshot in
 * target/dashboard.png.
 */
class DashboardBrowserIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir Path dir;

  @Test
  void shouldShowLiveCountsAndOpenViolationInBrowser() throws Exception {
    Path video = TestSites.walkingClip();
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "chromium and chromium-driver are not installed (apt-get install -y chromium"
            + " chromium-driver); skipping");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        EmbeddedMqtt mqtt = EmbeddedMqtt.start(0)) {
      SiteConfig site =
          TestSites.oneCamera("web", kafka.bootstrapServers(), mqtt.url(), "walk", video);
      try (VigilParts parts = VigilParts.open(site, dir.resolve("state"))) {
        parts.provisionAndSeed();
        parts.startProcessor();
        int port = parts.startDashboard(0);
        parts.startAlerts(alert -> {});
        parts.startAgent();
        parts.awaitDrained(Duration.ofMinutes(5));

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1280,900",
            "--user-data-dir=" + dir.resolve("chrome"));
        ChromeDriverService service =
            new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
          browser.get("http://127.0.0.1:" + port + "/");
          WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
          wait.until(
              b ->
                  !b.findElements(By.cssSelector(".camera[data-camera='walk'] .count-people"))
                      .isEmpty());
          String people =
              wait.until(
                  b -> {
                    String t =
                        b.findElement(By.cssSelector(".camera[data-camera='walk'] .count-people"))
                            .getText()
                            .trim();
                    return t.matches("\\d+") ? t : null;
                  });
          assertThat(Integer.parseInt(people)).isGreaterThanOrEqualTo(1);
          wait.until(b -> !b.findElements(By.cssSelector("#open-violations .violation")).isEmpty());
          assertThat(browser.findElement(By.cssSelector("#open-violations")).getText())
              .contains("walk");
          assertThat(browser.findElements(By.cssSelector("#timeline .event"))).isNotEmpty();
          // The latest frame is served with faces pixelated and boxes drawn.
          HttpResponse<byte[]> snapshot =
              get(port, "/snapshots/walk.jpg", HttpResponse.BodyHandlers.ofByteArray());
          assertThat(snapshot.statusCode()).isEqualTo(200);
          assertThat(snapshot.headers().firstValue("content-type")).hasValue("image/jpeg");
          assertThat(snapshot.body()).startsWith((byte) 0xFF, (byte) 0xD8);
          shouldChartHistoryExportCsvAndOpenEvidence(browser, wait, port);
          // The page has fetched and painted the snapshot before the screenshot is taken.
          wait.until(
              b ->
                  Boolean.TRUE.equals(
                      ((JavascriptExecutor) b)
                          .executeScript("return !!(snapshots.walk && snapshots.walk.ok);")));
          Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
          Files.copy(shot, Path.of("target", "dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
          browser.quit();
        }
      }
    }
  }

  private static <T> HttpResponse<T> get(int port, String path, HttpResponse.BodyHandler<T> body)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), body);
  }

  /** History charts, the CSV the page links to, and a violation's evidence, as a user sees them. */
  private static void shouldChartHistoryExportCsvAndOpenEvidence(
      WebDriver browser, WebDriverWait wait, int port) throws Exception {
    JavascriptExecutor js = (JavascriptExecutor) browser;
    // 24 hourly bars and 7 daily bars; the violation that opened shows in both.
    wait.until(b -> b.findElements(By.cssSelector("#history-24h rect.bar")).size() == 24);
    assertThat(browser.findElements(By.cssSelector("#history-7d rect.bar"))).hasSize(7);
    assertThat(
            ((Number)
                    js.executeScript(
                        "return Array.from(document.querySelectorAll('#history-24h rect.bar'))"
                            + ".reduce((n, r) => n + Number(r.dataset.violations), 0);"))
                .intValue())
        .isGreaterThanOrEqualTo(1);
    // One prompt's rows: its violations only, no helmet share.
    new Select(browser.findElement(By.id("history-filter"))).selectByValue("prompt:people");
    wait.until(
        b ->
            Boolean.TRUE.equals(
                js.executeScript(
                    "const bars = Array.from(document.querySelectorAll('#history-24h rect.bar'));"
                        + "return bars.length === 24 && bars.every(r => r.dataset.percent === '')"
                        + " && bars.some(r => Number(r.dataset.violations) > 0);")));
    new Select(browser.findElement(By.id("history-filter"))).selectByValue("");
    // The CSV link of the page, fetched as the browser would download it.
    String href = browser.findElement(By.id("history-csv")).getAttribute("href");
    assertThat(href).contains("camera=walk");
    String csv =
        (String)
            js.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0]).then(r => r.text()).then(done, e => done('ERR ' + e));",
                href);
    assertThat(csv)
        .startsWith(
            "bucket_start,camera,zone,prompt,helmet,no_helmet,unknown,compliance_percent,violations")
        .contains(",walk,,,")
        .contains(",walk,,people,");
    HttpResponse<String> bad =
        get(port, "/api/history.csv?span=1w", HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("\"parameter\":\"span\"");
    // A violation opens its snapshot, served as a JPEG the browser can show.
    // Clicked in the page itself, so the click and the lookup see the same list.
    js.executeScript("document.querySelector('#open-violations .violation.has-evidence').click();");
    wait.until(
        b ->
            Boolean.TRUE.equals(
                js.executeScript(
                    "const i = document.getElementById('evidence-image');"
                        + "return document.getElementById('evidence').open && i.complete"
                        + " && i.naturalWidth > 0;")));
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(
        shot, Path.of("target", "dashboard-evidence.png"), StandardCopyOption.REPLACE_EXISTING);
    browser.findElement(By.id("evidence-close")).click();
  }
}
