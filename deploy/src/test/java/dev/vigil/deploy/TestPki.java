package dev.vigil.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority for tests, made with the JDK's own {@code keytool}: CA key
 * pairs, and broker or client key stores signed by one of them, all PKCS12. Nothing leaves the
 * folder it is given.
 */
final class TestPki {
  /** Password of every store and key made here. */
  static final String PASSWORD = "test-store-pw";

  private final Path dir;

  TestPki(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  /** Makes a CA named {@code name}; returns its certificate (PEM). */
  Path ca(String name) throws IOException, InterruptedException {
    Path store = newKeyPair(name, "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign");
    Path pem = dir.resolve(name + ".pem");
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        name,
        "-keystore",
        store.toString(),
        "-file",
        pem.toString());
    return pem;
  }

  /** A trust store holding the certificate of CA {@code ca}. */
  Path trustStore(String ca) throws IOException, InterruptedException {
    Path store = dir.resolve("trust-" + ca + ".p12");
    importCa(ca, store);
    return store;
  }

  /**
   * A key store with the key pair of {@code name} (subject {@code CN=name}, SAN IP 127.0.0.1 and
   * DNS localhost) signed by CA {@code ca}, with the CA in its chain.
   */
  Path keyStore(String name, String ca) throws IOException, InterruptedException {
    Path store = newKeyPair(name);
    Path csr = dir.resolve(name + ".csr");
    keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-file", csr.toString());
    Path cert = dir.resolve(name + ".pem");
    keytool(
        "-gencert",
        "-rfc",
        "-alias",
        ca,
        "-keystore",
        store(ca).toString(),
        "-infile",
        csr.toString(),
        "-outfile",
        cert.toString(),
        "-validity",
        "2",
        "-ext",
        "san=ip:127.0.0.1,dns:localhost",
        "-ext",
        "ku:c=digitalSignature,keyAgreement",
        "-ext",
        "eku=serverAuth,clientAuth");
    importCa(ca, store);
    keytool("-importcert", "-alias", name, "-file", cert.toString(), "-keystore", store.toString());
    return store;
  }

  /**
   * A new store holding an EC key pair {@code name} (subject {@code CN=name}, valid 2 days),
   * self-signed with the {@code extensions} given.
   */
  private Path newKeyPair(String name, String... extensions)
      throws IOException, InterruptedException {
    Path store = store(name);
    List<String> args =
        new ArrayList<>(
            List.of(
                "-genkeypair",
                "-alias",
                name,
                "-dname",
                "CN=" + name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2"));
    args.addAll(List.of(extensions));
    args.addAll(List.of("-keystore", store.toString()));
    keytool(args.toArray(String[]::new));
    return store;
  }

  /** Imports the certificate of CA {@code ca} into {@code store} as a trusted entry. */
  private void importCa(String ca, Path store) throws IOException, InterruptedException {
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        ca,
        "-file",
        dir.resolve(ca + ".pem").toString(),
        "-keystore",
        store.toString());
  }

  private Path store(String name) {
    return dir.resolve(name + ".p12");
  }

  private void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
    if (List.of("-genkeypair", "-certreq", "-gencert").contains(args[0])) {
      cmd.addAll(List.of("-keypass", PASSWORD));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(
          "keytool " + args[0] + " failed: " + new String(out, StandardCharsets.UTF_8));
    }
  }
}
