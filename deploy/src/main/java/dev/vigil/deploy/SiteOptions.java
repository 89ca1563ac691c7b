package dev.vigil.deploy;

import dev.vigil.config.SiteConfig;
import dev.vigil.config.SiteConfigLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --config site.yaml} and {@code --data-dir} options shared by the long-running
 * commands.
 */
final class SiteOptions {
  @Option(
      names = "--config",
      required = true,
      paramLabel = "site.yaml",
      description = "Site configuration (YAML, ${ENV} substituted). See config/examples/site.yaml.")
  Path config;

  @Option(
      names = "--data-dir",
      defaultValue = "vigil-data",
      description =
          "Where local state lives (stream state, MQTT in-flight messages). Default: ${DEFAULT-VALUE}")
  Path dataDir;

  SiteConfig load() {
    return SiteConfigLoader.load(config);
  }
}
