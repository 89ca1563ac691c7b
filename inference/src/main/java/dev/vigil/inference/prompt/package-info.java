/**
 * The standing-prompt language. Owns turning a safety engineer's plain-English question ("how many
 * people are not wearing a helmet in zone assembly?") into a deterministic {@link
 * dev.vigil.inference.prompt.CompiledPrompt} that answers it over every {@link
 * dev.vigil.inference.Scene}, or refusing it with a {@link
 * dev.vigil.inference.prompt.PromptRejectedException} that names the word it could not use. The
 * compiler never guesses: every word must be understood or the prompt is refused.
 */
package dev.vigil.inference.prompt;
