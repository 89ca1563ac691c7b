package dev.vigil.deploy;

import dev.vigil.config.Json;
import dev.vigil.config.KafkaClients;
import dev.vigil.config.PromptSpec;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.SiteConfigLoader;
import dev.vigil.config.Topics;
import dev.vigil.inference.prompt.CompiledPrompt;
import dev.vigil.inference.prompt.PromptCompiler;
import dev.vigil.inference.prompt.PromptRejectedException;
import dev.vigil.inference.prompt.VlmRoute;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil prompt}: check prompts offline, and add, list or remove standing prompts. */
@Command(
    name = "prompt",
    mixinStandardHelpOptions = true,
    description = "Checks, adds, lists and removes standing prompts (topic vigil.prompts).",
    subcommands = {
      PromptCommand.Check.class,
      PromptCommand.Add.class,
      PromptCommand.ListPrompts.class,
      PromptCommand.Remove.class
    })
final class PromptCommand implements Runnable {
  @Override
  public void run() {
    throw new VigilCli.UsageException("missing subcommand: check, add, list or remove");
  }

  /** Where the prompts topic lives: a site config, or a bootstrap address. */
  static final class Target {
    @Option(
        names = "--config",
        paramLabel = "site.yaml",
        description = "Take Kafka settings from this site config.")
    Path config;

    @Option(
        names = "--bootstrap",
        paramLabel = "HOST:PORT",
        description = "Kafka bootstrap servers. Default: localhost:9092")
    String bootstrap;

    SiteConfig.Kafka kafka() {
      if (config != null) {
        return SiteConfigLoader.load(config).kafka();
      }
      return new SiteConfig.Kafka(
          bootstrap == null ? "localhost:9092" : bootstrap, Topics.DEFAULT_PREFIX, Map.of());
    }

    /** The model of the site's {@code vlm:} section, or null (also without --config). */
    String vlmModel() {
      SiteConfig.Vlm vlm = config == null ? null : SiteConfigLoader.load(config).vlm();
      return vlm == null ? null : vlm.model();
    }
  }

  static CompiledPrompt compileOrRefuse(String text) {
    try {
      return PromptCompiler.compile(text);
    } catch (PromptRejectedException e) {
      throw new VigilCli.UsageException("prompt refused: " + e.getMessage());
    }
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = "Compiles a prompt offline and prints its compiled form; exit 2 if refused.")
  static final class Check implements Callable<Integer> {
    @Option(names = "--json", description = "Print only the compiled form as one JSON line.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "The prompt, in plain words.")
    List<String> words;

    @Override
    public Integer call() {
      CompiledPrompt compiled = compileOrRefuse(String.join(" ", words));
      if (!json) {
        System.out.println(compiled.canonical());
      }
      System.out.println(compiled.toJson());
      return 0;
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Adds or replaces a standing prompt; it takes effect without a restart.")
  static final class Add implements Callable<Integer> {
    @ArgGroup(exclusive = true)
    Target target = new Target();

    @Option(
        names = "--id",
        required = true,
        description = "Prompt id ([a-z0-9._-]+). An existing id is replaced.")
    String id;

    @Option(
        names = "--camera",
        paramLabel = "ID",
        description = "Camera the prompt applies to. Repeatable. Default: every camera.")
    List<String> cameras = List.of();

    @Option(
        names = "--cooldown",
        defaultValue = "60",
        description =
            "Seconds after a resolve during which no new episode opens. Default: ${DEFAULT-VALUE}")
    double cooldown;

    @Option(
        names = "--severity",
        defaultValue = "warning",
        description = "info, warning or critical. Default: ${DEFAULT-VALUE}")
    String severity;

    @Option(
        names = "--verify",
        paramLabel = "MODE",
        description =
            "Have the site's multimodal model confirm each alert: annotate (add its verdict) or"
                + " gate (hold back the alerts it rejects). Needs vlm: in the site config.")
    String verifyMode;

    @Parameters(arity = "1..*", paramLabel = "TEXT")
    List<String> words;

    @Override
    public Integer call() throws Exception {
      String text = String.join(" ", words);
      PromptSpec spec =
          new PromptSpec(
              id,
              text,
              cameras,
              cooldown,
              severity,
              verifyMode == null ? null : PromptSpec.VERIFY_VLM,
              verifyMode);
      List<String> problems = spec.problems();
      if (!problems.isEmpty()) {
        throw new VigilCli.UsageException("prompt refused: " + String.join("; ", problems));
      }
      // With --config, a prompt outside the language is fine when the site has a model.
      String model = target.vlmModel();
      VlmRoute.Routed routed;
      try {
        routed = VlmRoute.compile(text, model);
      } catch (PromptRejectedException e) {
        throw new VigilCli.UsageException("prompt refused: " + e.getMessage());
      }
      if (verifyMode != null && model == null) {
        throw new VigilCli.UsageException(
            "--verify needs a multimodal model: give --config with a vlm: section");
      }
      SiteConfig.Kafka kafka = target.kafka();
      VigilParts.seedPrompts(kafka, new Topics(kafka.topicPrefix()), List.of(spec));
      System.out.println(
          id
              + ": "
              + (routed.vlm() != null ? routed.vlm().canonical() : routed.compiled().canonical()));
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the standing prompts.")
  static final class ListPrompts implements Callable<Integer> {
    @ArgGroup(exclusive = true)
    Target target = new Target();

    @Option(names = "--json", description = "One PromptSpec JSON per line.")
    boolean json;

    @Override
    public Integer call() {
      SiteConfig.Kafka kafka = target.kafka();
      for (Map.Entry<String, byte[]> e : read(kafka).entrySet()) {
        if (json) {
          System.out.println(new String(e.getValue(), java.nio.charset.StandardCharsets.UTF_8));
        } else {
          PromptSpec spec = Json.fromBytes(e.getValue(), PromptSpec.class);
          System.out.println(e.getKey() + "\t" + spec.text());
        }
      }
      return 0;
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Removes a standing prompt; an open violation of it resolves.")
  static final class Remove implements Callable<Integer> {
    @ArgGroup(exclusive = true)
    Target target = new Target();

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws Exception {
      SiteConfig.Kafka kafka = target.kafka();
      if (!read(kafka).containsKey(id)) {
        throw new VigilCli.UsageException("no prompt with id " + id + "; see `vigil prompt list`");
      }
      Topics topics = new Topics(kafka.topicPrefix());
      try (KafkaProducer<String, byte[]> p =
          new KafkaProducer<>(
              VigilParts.producerProperties(kafka),
              new StringSerializer(),
              new ByteArraySerializer())) {
        p.send(new ProducerRecord<>(topics.prompts(), id, null)).get();
      }
      System.out.println("removed " + id);
      return 0;
    }
  }

  /** Reads the compacted prompts topic to its end: the current prompts by id. */
  static Map<String, byte[]> read(SiteConfig.Kafka kafka) {
    Properties p = KafkaClients.reader(kafka);
    String topic = new Topics(kafka.topicPrefix()).prompts();
    Map<String, byte[]> prompts = new TreeMap<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = List.of();
      // A topic created a moment ago may not be in every broker's metadata yet.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (parts.isEmpty() && System.nanoTime() < deadline) {
        parts =
            c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        if (parts.isEmpty()) {
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
      if (parts.isEmpty()) {
        throw new IllegalStateException(
            "topic " + topic + " does not exist; start `vigil processor` first");
      }
      c.assign(parts);
      Map<TopicPartition, Long> ends = c.endOffsets(parts);
      c.seekToBeginning(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.value() == null) {
            prompts.remove(r.key());
          } else {
            prompts.put(r.key(), r.value());
          }
        }
      }
    }
    return prompts;
  }
}
