package dev.vigil.config;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material from PEM files, as openssl, mosquitto and Kubernetes Secrets keep it: certificates,
 * and unencrypted private keys in PKCS#8 ({@code BEGIN PRIVATE KEY}, RSA or EC), PKCS#1 ({@code
 * BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}) form. Stateless.
 *
 * <p>Every failure is a {@link VigilConfigException} whose message names the file and how to fix
 * it, but not the setting: the caller prefixes the setting, such as {@code mqtt.key_file}.
 */
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
  private static final String TO_PKCS8 =
      " (convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem)";
  // DER of AlgorithmIdentifier {rsaEncryption, NULL} and of the ecPublicKey OID.
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };
  private static final byte[] EC_PUBLIC_KEY_OID = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };

  private Pem() {}

  /** The certificates in {@code file}, at least one. */
  public static List<X509Certificate> certificates(Path file) {
    String text = read(file);
    try {
      List<X509Certificate> certs = new ArrayList<>();
      for (Certificate c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)))) {
        certs.add((X509Certificate) c);
      }
      if (certs.isEmpty()) {
        throw new VigilConfigException(
            "file " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
      }
      return certs;
    } catch (GeneralSecurityException | RuntimeException e) {
      if (e instanceof VigilConfigException v) {
        throw v;
      }
      throw new VigilConfigException(
          "file " + file + " holds no readable PEM certificate: " + e.getMessage(), e);
    }
  }

  /** The one unencrypted private key in {@code file}. */
  public static PrivateKey privateKey(Path file) {
    String text = read(file);
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      if (!type.endsWith("PRIVATE KEY")) {
        continue;
      }
      if (type.equals("ENCRYPTED PRIVATE KEY") || m.group(2).contains("ENCRYPTED")) {
        throw new VigilConfigException(
            "the private key in "
                + file
                + " is encrypted; Vigil reads unencrypted keys only"
                + TO_PKCS8);
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2).replaceAll("(?m)^[A-Za-z-]+:.*$", ""));
      } catch (IllegalArgumentException e) {
        throw new VigilConfigException("the private key in " + file + " is not valid base64", e);
      }
      return switch (type) {
        case "PRIVATE KEY" -> pkcs8(file, der, "RSA", "EC");
        case "RSA PRIVATE KEY" ->
            pkcs8(file, sequence(integerZero(), RSA_ALGORITHM, octets(der)), "RSA");
        case "EC PRIVATE KEY" -> pkcs8(file, fromSec1(file, der), "EC");
        default ->
            throw new VigilConfigException(
                "the key in " + file + " is a " + type + ", which Vigil cannot read" + TO_PKCS8);
      };
    }
    throw new VigilConfigException(
        "file " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  /**
   * Key managers that present {@code certFile} (the certificate first, then any chain) with the
   * private key in {@code keyFile}.
   *
   * @throws VigilConfigException also when the key does not belong to the certificate
   */
  public static KeyManager[] keyManagers(Path certFile, Path keyFile) {
    List<X509Certificate> chain = certificates(certFile);
    PrivateKey key = privateKey(keyFile);
    checkPair(chain.get(0), key, certFile, keyFile);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("vigil", key, new char[0], chain.toArray(Certificate[]::new));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, new char[0]);
      return kmf.getKeyManagers();
    } catch (IOException | GeneralSecurityException e) {
      throw new VigilConfigException(
          "cannot use the key in " + keyFile + " with " + certFile + ": " + e.getMessage(), e);
    }
  }

  /** Trust managers that trust exactly the certificates in {@code caFile}. */
  public static TrustManager[] trustManagers(Path caFile) {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (X509Certificate cert : certificates(caFile)) {
        trust.setCertificateEntry("ca-" + i++, cert);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      return tmf.getTrustManagers();
    } catch (IOException | GeneralSecurityException e) {
      throw new VigilConfigException("cannot trust " + caFile + ": " + e.getMessage(), e);
    }
  }

  /** A TLS context from the given key and trust managers; null for the JVM's defaults. */
  public static SSLContext context(KeyManager[] keys, TrustManager[] trust) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new VigilConfigException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new VigilConfigException("file " + file.toAbsolutePath() + " does not exist", e);
    } catch (IOException | RuntimeException e) {
      throw new VigilConfigException(
          "cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  private static PrivateKey pkcs8(Path file, byte[] der, String... algorithms) {
    for (String algorithm : algorithms) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // Try the next algorithm; PKCS#8 names it inside, but KeyFactory wants it up front.
      }
    }
    throw new VigilConfigException(
        "the private key in " + file + " is not an RSA or EC key that Vigil can read" + TO_PKCS8);
  }

  /** Wraps a SEC1 EC key in PKCS#8, taking the curve from the key's own parameters. */
  private static byte[] fromSec1(Path file, byte[] sec1) {
    try {
      return wrapSec1(file, sec1);
    } catch (IndexOutOfBoundsException e) {
      throw new VigilConfigException("the EC key in " + file + " is malformed" + TO_PKCS8, e);
    }
  }

  private static byte[] wrapSec1(Path file, byte[] sec1) {
    // ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET STRING, [0] curve OID, ... }
    int[] at = {0};
    int end = enter(sec1, at, 0x30);
    skip(sec1, at);
    skip(sec1, at);
    if (at[0] >= end || (sec1[at[0]] & 0xff) != 0xa0) {
      throw new VigilConfigException(
          "the EC key in " + file + " does not name its curve" + TO_PKCS8);
    }
    int curveEnd = enter(sec1, at, 0xa0);
    byte[] curve = java.util.Arrays.copyOfRange(sec1, at[0], curveEnd);
    return sequence(integerZero(), sequence(EC_PUBLIC_KEY_OID, curve), octets(sec1));
  }

  private static void checkPair(X509Certificate cert, PrivateKey key, Path certFile, Path keyFile) {
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    byte[] probe = "vigil".getBytes(StandardCharsets.US_ASCII);
    boolean matches;
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(cert.getPublicKey());
      verify.update(probe);
      matches = verify.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false; // an RSA key for an EC certificate, or the other way round
    }
    if (!matches) {
      throw new VigilConfigException(
          "the private key in "
              + keyFile
              + " does not belong to the certificate in "
              + certFile
              + " (they were not made together)");
    }
  }

  // --- minimal DER: just enough to wrap a key in PKCS#8 ---------------------------------------

  private static byte[] integerZero() {
    return new byte[] {0x02, 0x01, 0x00};
  }

  private static byte[] octets(byte[] content) {
    return tlv(0x04, content);
  }

  private static byte[] sequence(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return tlv(0x30, out.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : 3;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  /** Reads a tag and length at {@code at}, leaves {@code at} on the content; returns its end. */
  private static int enter(byte[] der, int[] at, int tag) {
    if (at[0] >= der.length || (der[at[0]] & 0xff) != tag) {
      throw new IndexOutOfBoundsException("unexpected DER tag at " + at[0]);
    }
    at[0]++;
    int len = der[at[0]++] & 0xff;
    if (len >= 0x80) {
      int bytes = len & 0x7f;
      len = 0;
      for (int i = 0; i < bytes; i++) {
        len = (len << 8) | (der[at[0]++] & 0xff);
      }
    }
    return at[0] + len;
  }

  private static void skip(byte[] der, int[] at) {
    at[0] = enter(der, at, der[at[0]] & 0xff);
  }
}
