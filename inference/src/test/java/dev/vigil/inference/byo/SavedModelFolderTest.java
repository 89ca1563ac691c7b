package dev.vigil.inference.byo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.config.SiteConfig;
import dev.vigil.config.SiteConfigException;
import dev.vigil.config.SiteConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedModelFolderTest {
  private static SiteConfig parse(String yaml) {
    return SiteConfigLoader.parse(yaml, "site.yaml", Map.of());
  }

  @Test
  void shouldNameTheFolderWhenTheSavedModelIsMissing(@TempDir Path dir) throws Exception {
    String yaml = "site: a\nmodel:\n  detector:\n    saved_model: %s\n    classes: {1: person}\n";
    SiteConfig missing = parse(yaml.formatted(dir.resolve("nope")));
    SiteConfig empty = parse(yaml.formatted(dir));
    Files.createDirectories(dir.resolve("saved_model"));
    Files.write(dir.resolve("saved_model/saved_model.pb"), new byte[] {1});

    assertThatThrownBy(() -> SavedModelFolder.require(missing, "site.yaml"))
        .isInstanceOf(SiteConfigException.class)
        .hasMessage(
            "site.yaml: model.detector.saved_model: no such folder "
                + dir.resolve("nope")
                + ". Copy the exported SavedModel there, or fix the path.");
    assertThatThrownBy(() -> SavedModelFolder.require(empty, "site.yaml"))
        .hasMessage(
            "site.yaml: model.detector.saved_model: "
                + dir
                + " holds no saved_model.pb. Did you mean "
                + dir.resolve("saved_model")
                + "? Give the folder that tf.saved_model.save (or the Object Detection API's"
                + " exporter_main_v2.py, in its saved_model/ subfolder) wrote: it holds"
                + " saved_model.pb and variables/.");
    SiteConfig good = parse(yaml.formatted(dir.resolve("saved_model")));
    assertThat(SavedModelFolder.require(good, "site.yaml")).isSameAs(good);
    SiteConfig builtIn = parse("site: a\n");
    assertThat(SavedModelFolder.require(builtIn, "site.yaml")).isSameAs(builtIn);
  }
}
