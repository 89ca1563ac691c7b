package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * deploy/k8s/vigil.yaml takes every secret from a Kubernetes Secret: no credential in the ConfigMap
 * or the pod spec, every variable site.yaml needs set in every container that loads it, and every
 * secret file it names mounted from a Secret where it is used: the MQTT files in the alerts
 * container only, the rest everywhere. No cluster: the manifest is read as YAML.
 */
class KubernetesManifestTest {
  private static final Path MANIFEST = Path.of("k8s/vigil.yaml");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-)?");
  private static final Pattern SECRET_PATH = Pattern.compile("/run/secrets/[^\\s'\"]+");
  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i).*(password|token|jaas|secret|key_file|cert_file).*");

  /** One container: where each variable comes from, and where Secrets are mounted. */
  private record Container(String name, Map<String, Object> env, Set<String> secretMounts) {
    boolean mounted(String path) {
      return secretMounts.stream().anyMatch(m -> path.startsWith(m + "/"));
    }
  }

  @Test
  void shouldTakeEverySecretFromASecret() throws Exception {
    List<Map<String, Object>> docs = new ArrayList<>();
    new Load(LoadSettings.builder().build())
        .loadAllFromString(Files.readString(MANIFEST))
        .forEach(d -> docs.add(map(d)));
    String site = siteYaml(docs);
    List<Container> containers = containers(docs);
    assertThat(containers).extracting(Container::name).contains("processor", "alerts");

    // Credentials in site.yaml are variables or files under /run/secrets, never text.
    walk(
        map(new Load(LoadSettings.builder().build()).loadFromString(site)),
        "",
        (path, value) -> {
          if (SECRET_KEY.matcher(path).matches()) {
            assertThat(value)
                .as(path + " in site.yaml")
                .matches("\\$\\{[A-Z_]+(:-)?}|/run/secrets/.+");
          }
        });
    for (Container c : containers) {
      Matcher v = VARIABLE.matcher(site);
      while (v.find()) {
        if (v.group(2) == null) {
          assertThat(c.env()).as(c.name() + " sets " + v.group(1)).containsKey(v.group(1));
        }
      }
      for (String path : secretPaths(site, c.name().equals("alerts"))) {
        assertThat(c.mounted(path)).as(c.name() + " mounts " + path).isTrue();
      }
      if (!c.name().equals("alerts")) {
        assertThat(c.secretMounts())
            .as(c.name() + " holds no MQTT secret")
            .doesNotContain("/run/secrets/vigil-mqtt");
      }
      c.env()
          .forEach(
              (name, source) -> {
                if (source instanceof String path && path.startsWith("/run/secrets/")) {
                  assertThat(c.mounted(path)).as(c.name() + " mounts " + path).isTrue();
                } else if (name.matches(".*(PASSWORD|TOKEN|SECRET)")) {
                  assertThat(source).as(c.name() + " " + name).isEqualTo("secretKeyRef");
                }
              });
    }
  }

  /** The /run/secrets paths of site.yaml; those under mqtt: only when {@code withMqtt}. */
  private static List<String> secretPaths(String site, boolean withMqtt) {
    List<String> paths = new ArrayList<>();
    walk(
        map(new Load(LoadSettings.builder().build()).loadFromString(site)),
        "",
        (path, value) -> {
          Matcher m = SECRET_PATH.matcher(value);
          if (m.find() && (withMqtt || !path.startsWith("mqtt."))) {
            paths.add(m.group());
          }
        });
    return paths;
  }

  private static String siteYaml(List<Map<String, Object>> docs) {
    for (Map<String, Object> d : docs) {
      if ("ConfigMap".equals(d.get("kind"))) {
        return (String) map(d.get("data")).get("site.yaml");
      }
    }
    throw new AssertionError("no ConfigMap with site.yaml in " + MANIFEST);
  }

  private static List<Container> containers(List<Map<String, Object>> docs) {
    List<Container> all = new ArrayList<>();
    for (Map<String, Object> d : docs) {
      if (!Set.of("Deployment", "StatefulSet").contains(d.get("kind"))) {
        continue;
      }
      Map<String, Object> pod = map(map(map(d.get("spec")).get("template")).get("spec"));
      Set<String> secretVolumes = new HashSet<>();
      for (Object v : list(pod.get("volumes"))) {
        if (map(v).containsKey("secret")) {
          secretVolumes.add((String) map(v).get("name"));
        }
      }
      for (Object o : list(pod.get("containers"))) {
        Map<String, Object> c = map(o);
        Map<String, Object> env = new HashMap<>();
        for (Object e : list(c.get("env"))) {
          Map<String, Object> var = map(e);
          Object from = var.get("valueFrom");
          env.put(
              (String) var.get("name"),
              from == null ? var.get("value") : map(from).keySet().iterator().next());
        }
        Set<String> mounts = new HashSet<>();
        for (Object m : list(c.get("volumeMounts"))) {
          if (secretVolumes.contains(map(m).get("name"))) {
            mounts.add((String) map(m).get("mountPath"));
          }
        }
        all.add(new Container((String) c.get("name"), env, mounts));
      }
    }
    return all;
  }

  private static void walk(
      Map<String, Object> node, String path, java.util.function.BiConsumer<String, String> leaf) {
    node.forEach(
        (k, v) -> {
          String p = path.isEmpty() ? k : path + "." + k;
          if (v instanceof Map<?, ?>) {
            walk(map(v), p, leaf);
          } else if (v instanceof String s) {
            leaf.accept(p, s);
          }
        });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o == null ? Map.of() : (Map<String, Object>) o;
  }

  private static List<?> list(Object o) {
    return o == null ? List.of() : (List<?>) o;
  }
}
