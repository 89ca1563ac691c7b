package dev.vigil.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test certificates made with the {@code openssl} CLI: a CA, and server or client certificates it
 * signs, as PEM files in a folder. Shared with the alerts and deploy tests (test-jar).
 */
public final class TestCerts {
  private TestCerts() {}

  /** What kind of key a certificate gets. */
  public enum KeyType {
    RSA("rsa:2048"),
    EC("ec", "-pkeyopt", "ec_paramgen_curve:prime256v1");

    private final List<String> newKey;

    KeyType(String... newKey) {
      this.newKey = List.of(newKey);
    }
  }

  /** A certificate and its private key (unencrypted PKCS#8, as openssl 3 writes it). */
  public record Pair(Path cert, Path key) {
    /**
     * A copy of the key in openssl's "traditional" form: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or
     * SEC1 ({@code BEGIN EC PRIVATE KEY}).
     */
    public Path traditionalKey() {
      Path out = key.resolveSibling(key.getFileName() + ".traditional");
      run(
          key.getParent(),
          "openssl",
          "pkey",
          "-in",
          key.toString(),
          "-traditional",
          "-out",
          out.toString());
      return out;
    }
  }

  /** A self-signed CA in {@code dir}, as {@code <name>.crt} and {@code <name>.key}. */
  public static Ca ca(Path dir, String name) {
    mkdirs(dir);
    run(
        dir,
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Vigil Test CA " + name,
        "-keyout",
        name + ".key",
        "-out",
        name + ".crt");
    return new Ca(dir, name);
  }

  /** A CA that signs certificates into its folder. */
  public record Ca(Path dir, String name) {
    public Path cert() {
      return dir.resolve(name + ".crt");
    }

    /** A server certificate for {@code localhost} and {@code 127.0.0.1}. */
    public Pair server(String file) {
      return issue(file, "localhost", KeyType.RSA, "subjectAltName=DNS:localhost,IP:127.0.0.1");
    }

    /** A client certificate whose common name is {@code commonName}. */
    public Pair client(String file, String commonName, KeyType type) {
      return issue(file, commonName, type, "extendedKeyUsage=clientAuth");
    }

    private Pair issue(String file, String commonName, KeyType type, String extension) {
      Path ext = dir.resolve(file + ".ext");
      write(ext, extension + "\n");
      List<String> req = new ArrayList<>(List.of("openssl", "req", "-newkey"));
      req.addAll(type.newKey);
      req.addAll(
          List.of(
              "-nodes",
              "-subj",
              "/CN=" + commonName,
              "-keyout",
              file + ".key",
              "-out",
              file + ".csr"));
      run(dir, req.toArray(String[]::new));
      run(
          dir,
          "openssl",
          "x509",
          "-req",
          "-in",
          file + ".csr",
          "-CA",
          name + ".crt",
          "-CAkey",
          name + ".key",
          "-CAcreateserial",
          "-days",
          "2",
          "-extfile",
          ext.toString(),
          "-out",
          file + ".crt");
      return new Pair(dir.resolve(file + ".crt"), dir.resolve(file + ".key"));
    }
  }

  private static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void run(Path dir, String... command) {
    try {
      Process p =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run openssl (is it installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
