package dev.vigil.processor;

import dev.vigil.processor.vlm.VlmDispatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Publishes each prompt's compiled form or refusal to {@code vigil.prompt-status} when it changes,
 * and a tombstone when the prompt goes away. What was sent is kept in memory only, so a restarted
 * processor sends every status again. Not thread-safe: one per rule processor.
 */
final class PromptStatusReport {
  private final ProcessorContext<String, Object> context;
  private final ActivePrompts prompts;
  private final VlmDispatcher vlm;
  private final Map<String, Map<String, Object>> statusSent = new HashMap<>();

  /**
   * @param vlm the multimodal model, or null when the site has none
   */
  PromptStatusReport(
      ProcessorContext<String, Object> context, ActivePrompts prompts, VlmDispatcher vlm) {
    this.context = context;
    this.prompts = prompts;
    this.vlm = vlm;
  }

  void report() {
    Map<String, Map<String, Object>> current = new LinkedHashMap<>();
    prompts.all().forEach((id, entry) -> current.put(id, withModelStatus(entry)));
    long now = System.currentTimeMillis();
    current.forEach(
        (id, status) -> {
          if (!status.equals(statusSent.get(id))) {
            context.forward(
                new Record<String, Object>(id, status, now), RuleProcessor.PROMPT_STATUS_SINK);
            statusSent.put(id, status);
          }
        });
    for (String id : new ArrayList<>(statusSent.keySet())) {
      if (!current.containsKey(id)) {
        context.forward(
            new Record<String, Object>(id, null, now), RuleProcessor.PROMPT_STATUS_SINK);
        statusSent.remove(id);
      }
    }
  }

  /**
   * The prompt's status, and for a prompt the model answers or verifies, whether the model can be
   * reached ("model unreachable: 401 ..."), as decided from the answers of every instance.
   */
  private Map<String, Object> withModelStatus(PromptCatalog.Entry e) {
    Map<String, Object> status = e.status();
    PromptCatalog.Entry running = e.toRun();
    if (vlm != null && running != null && (running.vlm() != null || running.spec().verified())) {
      status = new LinkedHashMap<>(status);
      status.put("model_status", vlm.health(e.id()));
    }
    return status;
  }
}
