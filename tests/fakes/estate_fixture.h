// A small, valid estate with one of every kind, for planner and executor tests.
#pragma once

namespace hx::fake {

inline const char* kSmallEstate = R"(apiVersion: hx/v1
kind: Host
metadata: {name: qdrant}
spec:
  address: 127.0.0.1
  api: {type: qdrant, url: "http://127.0.0.1:6333"}
  firewall: {manager: ufw, exec: [ufw], enabled: false}
---
apiVersion: hx/v1
kind: Host
metadata: {name: llm}
spec:
  address: 127.0.0.1
  api: {type: ollama, url: "http://127.0.0.1:11434"}
---
apiVersion: hx/v1
kind: Model
metadata: {name: embed}
spec: {host: llm, model: nomic-embed-text, capability: embed, dimensions: 4}
---
apiVersion: hx/v1
kind: Model
metadata: {name: chat}
spec: {host: llm, model: "mixtral:8x7b", capability: generate}
---
apiVersion: hx/v1
kind: Collection
metadata: {name: docs}
spec:
  server: qdrant
  embeddingModel: embed
  vectors: {size: 4, distance: Cosine}
  hnsw: {m: 16}
  aliases: [docs-current]
---
apiVersion: hx/v1
kind: Collection
metadata: {name: plain}
spec:
  server: qdrant
  vectors: {size: 8, distance: Dot}
---
apiVersion: hx/v1
kind: FirewallRule
metadata: {name: rest}
spec: {host: qdrant, action: allow, from: 10.0.0.0/24, port: 6333, proto: tcp}
---
apiVersion: hx/v1
kind: Role
metadata: {name: reader}
spec:
  qdrant: {collections: [{collection: docs, access: r}]}
---
apiVersion: hx/v1
kind: ApiKey
metadata: {name: app}
spec:
  role: reader
  secret: {env: HX_TEST_APP_KEY}
  deliver: {qdrant: {server: qdrant, tokenFile: /tmp/hxctl-test-app.jwt}}
---
apiVersion: hx/v1
kind: Task
metadata: {name: harden}
spec:
  title: Firewall the vector database
  priority: high
  dependsOn: {hosts: [qdrant]}
  hold: {reason: the user deferred hardening}
  resources: [FirewallRule/rest]
  criteria:
    - portExposure: {host: qdrant, port: 6333, from: 10.0.0.0/24}
)";

}  // namespace hx::fake

#include "reconciler/observed.h"

namespace hx::fake {

inline HostObservation hostObserved(HostStatus status, int64_t since, std::string evidence) {
  HostObservation h;
  h.status = status;
  h.since = since;
  h.evidence = std::move(evidence);
  return h;
}

}  // namespace hx::fake
