#include <catch2/catch.hpp>

#include "reconciler/identity.h"
#include "reconciler/values.h"

using namespace hx;

TEST_CASE("durations parse to milliseconds", "[values]") {
  struct Case {
    const char* text;
    std::optional<int64_t> ms;
  };
  for (const Case& c : std::vector<Case>{{"500ms", 500},
                                         {"5s", 5000},
                                         {"1m30s", 90000},
                                         {"2h", 7200000},
                                         {"1d", 86400000},
                                         {"", std::nullopt},
                                         {"5", std::nullopt},
                                         {"5x", std::nullopt},
                                         {"s", std::nullopt},
                                         {"-5s", std::nullopt}}) {
    INFO(c.text);
    CHECK(parseDurationMs(c.text) == c.ms);
  }
}

TEST_CASE("CIDRs, addresses, ports and URLs are checked with reasons", "[values]") {
  CHECK(checkCidr("192.168.10.0/24").empty());
  CHECK(checkCidr("2001:db8::/32").empty());
  CHECK(checkCidr("10.0.0.1").empty());
  CHECK(checkCidr("192.168.10.0/33") == "\"192.168.10.0/33\" is not a CIDR: prefix /33 exceeds 32");
  CHECK(checkCidr("192.168.300.0/24") == "\"192.168.300.0/24\" is not an IP address or CIDR");
  CHECK(checkAddress("llm-primary.lan").empty());
  CHECK(checkAddress("192.168.10.29").empty());
  CHECK_FALSE(checkAddress("192.168.10.299").empty());
  CHECK(checkPortOrRange("22").empty());
  CHECK(checkPortOrRange("6000:6010").empty());
  CHECK(checkPortOrRange("70000") == "\"70000\" is not a port (1-65535)");
  CHECK(checkPortOrRange("6010:6000") ==
        "\"6010:6000\" is not a port range: the first port must be lower");
  CHECK(checkUrl("http://127.0.0.1:6333").empty());
  CHECK(checkUrl("https://[::1]:8443/x").empty());
  CHECK(checkUrl("ftp://x") == "\"ftp://x\" is not a URL: it must start with http:// or https://");
  CHECK(checkUrl("http://h:99999") ==
        "\"http://h:99999\" is not a URL: the port must be a number from 1 to 65535");
}

TEST_CASE("names and dates", "[values]") {
  CHECK(checkName("1.3.1").empty());
  CHECK(checkName("WebUI.1").empty());
  CHECK(checkName("-x") == "\"-x\" is not a valid name: it must start with a letter or digit");
  CHECK(checkName("a b") ==
        "\"a b\" is not a valid name: use letters, digits, '.', '-' and '_' only");
  CHECK(parseDateSeconds("1970-01-02") == 86400);
  CHECK(parseDateSeconds("2027-06-30T00:00:00Z").has_value());
  CHECK_FALSE(parseDateSeconds("30/06/2027").has_value());
}

TEST_CASE("Ollama model names normalise to the canonical form", "[values]") {
  CHECK(normalizeModelName("mixtral") == "mixtral:latest");
  CHECK(normalizeModelName("Mixtral:8x7B") == "mixtral:8x7b");
  CHECK(normalizeModelName("library/mixtral:latest") == "mixtral:latest");
  CHECK(normalizeModelName("registry.ollama.ai/library/mixtral") == "mixtral:latest");
  CHECK(normalizeModelName("mattw/pygmalion") == "mattw/pygmalion:latest");
  CHECK(normalizeModelName("hf.co/org/repo:Q4_K_M") == "hf.co/org/repo:q4_k_m");
  // A registry port is not a tag; a bare name means :latest and never another tag.
  CHECK(normalizeModelName("my-reg:5000/ns/model") == "my-reg:5000/ns/model:latest");
  CHECK(normalizeModelName("my-reg:5000/ns/model:v2") == "my-reg:5000/ns/model:v2");
  CHECK(normalizeModelName("llama3.1") != normalizeModelName("llama3.1:8b-instruct-q8_0"));
  CHECK(normalizeModelName("nomic-embed-text") ==
        normalizeModelName("library/nomic-embed-text:latest"));
}

TEST_CASE("edit distance drives did-you-mean", "[values]") {
  CHECK(editDistance("sise", "size") == 1);
  CHECK(editDistance("", "abc") == 3);
  CHECK(editDistance("Collection", "collection") == 0);
}
