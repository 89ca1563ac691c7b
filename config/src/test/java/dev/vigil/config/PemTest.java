package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pem with keys and certificates that openssl makes, in each form Vigil reads. */
class PemTest {
  @TempDir Path dir;

  @Test
  void shouldReadRsaKeysAsPkcs8AndAsPkcs1() {
    TestCerts.Pair rsa = TestCerts.ca(dir, "ca").client("rsa", "a", TestCerts.KeyType.RSA);
    Path pkcs1 = rsa.traditionalKey();

    assertThat(Pem.privateKey(rsa.key()).getAlgorithm()).isEqualTo("RSA");
    assertThat(Pem.privateKey(pkcs1)).isEqualTo(Pem.privateKey(rsa.key()));
    assertThat(Pem.keyManagers(rsa.cert(), pkcs1)).isNotEmpty();
  }

  @Test
  void shouldReadEcKeysAsPkcs8AndAsSec1() throws Exception {
    TestCerts.Pair ec = TestCerts.ca(dir, "ca").client("ec", "a", TestCerts.KeyType.EC);
    Path sec1 = ec.traditionalKey();
    assertThat(Files.readString(sec1)).contains("BEGIN EC PRIVATE KEY");

    assertThat(Pem.privateKey(ec.key()).getAlgorithm()).isEqualTo("EC");
    // The encodings differ (SEC1 may carry the public key): compare the secret itself.
    assertThat(((ECPrivateKey) Pem.privateKey(sec1)).getS())
        .isEqualTo(((ECPrivateKey) Pem.privateKey(ec.key())).getS());
    assertThat(Pem.keyManagers(ec.cert(), sec1)).isNotEmpty();
  }

  @Test
  void shouldRefuseAnEncryptedKeyWithTheCommandThatDecryptsIt() throws Exception {
    Path key = dir.resolve("enc.key");
    Files.writeString(
        key, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");

    assertThatThrownBy(() -> Pem.privateKey(key))
        .isInstanceOf(VigilConfigException.class)
        .hasMessage(
            "the private key in "
                + key
                + " is encrypted; Vigil reads unencrypted keys only (convert it with: openssl"
                + " pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem)");
  }

  @Test
  void shouldNameTheFileWhenItHoldsNoKeyOrNoCertificate() throws Exception {
    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "hello\n");

    assertThatThrownBy(() -> Pem.privateKey(text))
        .hasMessage("file " + text + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    assertThatThrownBy(() -> Pem.certificates(text))
        .hasMessageStartingWith("file " + text + " holds no");
    assertThatThrownBy(() -> Pem.certificates(dir.resolve("none.crt")))
        .hasMessage("file " + dir.resolve("none.crt") + " does not exist");
  }
}
