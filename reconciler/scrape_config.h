// The estate's own monitoring: the prometheus.yml a declared Prometheus needs to scrape every
// declared host, rendered from the specs alone (pure). Jobs, by what each server offers:
//   qdrant       Qdrant's /metrics on each Qdrant host, with a Bearer credentials file when the
//                Prometheus spec gives one (Qdrant takes `Authorization: Bearer` as its api-key
//                header; a read-only key is enough for /metrics);
//   llm-metrics  vLLM's and llama-server's /metrics on each OpenAI-compatible host (llama-server
//                serves it only when started with --metrics);
//   llm-probe    Ollama has no /metrics: its /api/version is probed through a blackbox exporter
//                (module http_2xx), so "up" and the probe's latency are what Prometheus records;
//   web          plain web applications (the Qdrant Web UI), probed the same way;
//   hxctl        hxctl daemon's own /metrics, when spec.daemonMetrics names it.
// Every target carries a `host` label with the Host's name, so alerts and dashboards name hosts
// as the specs do.
#pragma once

#include <string>

#include "reconciler/resource.h"

namespace hx {

// prometheus.yml as JSON (global, rule_files, scrape_configs) for the Prometheus resource.
Json scrapeConfigFor(const Resource& prometheus, const DesiredState& desired);

// `config` as YAML text, with a header saying hxctl writes it. Strings are always quoted, so
// that readYamlDocument() gives back the same JSON.
std::string renderPrometheusYaml(const std::string& owner, const Json& config);

// A YAML document as JSON: quoted scalars are strings, plain ones integers, floats, booleans or
// null when they read as such (YAML 1.2 core schema), else strings. Throws on invalid YAML.
Json readYamlDocument(const std::string& text);

}  // namespace hx
