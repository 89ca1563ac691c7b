package dev.vigil.deploy.embedded;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * What the embedded broker does through an admin client on its plaintext listener: wait until it
 * serves, create topics, create SCRAM users. Each call opens and closes its own client, so any
 * thread may call.
 */
final class KafkaAdmin {
  private static final long TIMEOUT_MS = 30_000;

  private final String bootstrapServers;

  KafkaAdmin(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  void awaitReady() {
    try (Admin admin = admin()) {
      admin.describeCluster().nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new EmbeddedBrokerException("embedded Kafka did not become ready: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedBrokerException("interrupted while waiting for embedded Kafka", e);
    }
  }

  /** See {@link EmbeddedKafka#createScramUser}. */
  void createScramUser(String user, String password) {
    try (Admin admin = admin()) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
          .all()
          .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      // The credential is in the metadata log once acknowledged; wait until this broker serves it.
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
      while (!admin
          .describeUserScramCredentials(List.of(user))
          .all()
          .get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
          .containsKey(user)) {
        if (System.nanoTime() > deadline) {
          throw new EmbeddedBrokerException("SCRAM user " + user + " did not appear in time");
        }
        Thread.sleep(50);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new EmbeddedBrokerException("cannot create SCRAM user " + user + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedBrokerException("interrupted while creating SCRAM user " + user, e);
    }
  }

  /** See {@link EmbeddedKafka#createTopics}. */
  void createTopics(Map<String, Integer> partitions, Set<String> compacted) {
    for (String name : compacted) {
      if (!partitions.containsKey(name)) {
        throw new IllegalArgumentException(
            "compacted topic "
                + name
                + " is not among the topics to create "
                + partitions.keySet());
      }
    }
    try (Admin admin = admin()) {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      List<NewTopic> missing = new ArrayList<>();
      partitions.forEach(
          (name, count) -> {
            if (!existing.contains(name)) {
              NewTopic topic = new NewTopic(name, count, (short) 1);
              if (compacted.contains(name)) {
                topic.configs(
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
              }
              missing.add(topic);
            }
          });
      if (missing.isEmpty()) {
        return;
      }
      Map<String, KafkaFuture<Void>> results = admin.createTopics(missing).values();
      for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
        try {
          result.getValue().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          // Another caller created it in between: the outcome is the same.
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new EmbeddedBrokerException(
                "cannot create topic " + result.getKey() + ": " + e.getCause().getMessage(), e);
          }
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new EmbeddedBrokerException("cannot list topics on embedded Kafka: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedBrokerException("interrupted while creating topics", e);
    }
  }

  private Admin admin() {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "vigil-embedded-admin");
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
    return Admin.create(config);
  }
}
