#include "reconciler/spec_parser.h"

#include <yaml-cpp/yaml.h>

#include "reconciler/kinds.h"
#include "reconciler/schema.h"
#include "reconciler/values.h"

namespace hx {
namespace {

constexpr const char* kApiVersion = "hx/v1";

struct DocumentParser {
  std::string file;
  Diagnostics* diags;
  int lineOffset = 0;  // of the document being parsed

  void error(const YAML::Node& at, const std::string& path, std::string message) {
    diags->push_back(Diagnostic{locOf(at, file, lineOffset), path, std::move(message)});
  }

  bool checkHeader(const YAML::Node& doc, const KindDescriptor** kind) {
    bool ok = true;
    static const std::vector<std::string> kTopLevel = {"apiVersion", "kind", "metadata", "spec"};
    for (const auto& kv : doc) {
      std::string key = kv.first.as<std::string>("");
      if (std::find(kTopLevel.begin(), kTopLevel.end(), key) == kTopLevel.end()) {
        error(kv.first, key, "unknown field \"" + key + "\"" + didYouMean(key, kTopLevel));
        ok = false;
      }
    }
    const YAML::Node version = doc["apiVersion"];
    if (!version) {
      error(doc, "",
            "missing required field \"apiVersion\" (expected " + std::string(kApiVersion) + ")");
      ok = false;
    } else if (!version.IsScalar() || version.Scalar() != kApiVersion) {
      error(version, "apiVersion",
            "unsupported apiVersion \"" +
                (version.IsScalar() ? version.Scalar() : std::string("?")) + "\" (expected " +
                kApiVersion + ")");
      ok = false;
    }
    const YAML::Node kindNode = doc["kind"];
    if (!kindNode || !kindNode.IsScalar()) {
      error(kindNode ? kindNode : doc, "kind", "missing required field \"kind\"");
      return false;
    }
    *kind = findKind(kindNode.Scalar());
    if (!*kind) {
      std::string list;
      for (const auto& n : kindNames()) list += (list.empty() ? "" : ", ") + n;
      error(kindNode, "kind",
            "unknown kind \"" + kindNode.Scalar() + "\" (known: " + list + ")" +
                didYouMean(kindNode.Scalar(), kindNames()));
      return false;
    }
    if ((*kind)->derived) {
      error(kindNode, "kind",
            "kind \"" + kindNode.Scalar() +
                "\" is not declared on its own: hxctl derives it from a Host's spec.firewall");
      return false;
    }
    if (!doc["spec"]) {
      error(doc, "", "missing required field \"spec\"");
      ok = false;
    }
    return ok;
  }

  std::optional<Resource> parse(const YAML::Node& doc) {
    if (!doc.IsMap()) {
      error(doc, "", "a document must be a mapping with apiVersion, kind, metadata and spec");
      return std::nullopt;
    }
    const size_t before = diags->size();
    const KindDescriptor* kind = nullptr;
    bool headerOk = checkHeader(doc, &kind);
    if (!kind) return std::nullopt;

    Resource r;
    r.loc = locOf(doc, file, lineOffset);
    r.id.kind = kind->name;
    const YAML::Node meta = doc["metadata"];
    SchemaContext metaCtx{file, kind->name, diags, &r, lineOffset};
    Schema metaSchema = schema::object(
        {schema::req("name", schema::name()), schema::opt("labels", schema::mapOf(schema::str()))});
    Json metaJson = meta ? checkNode(meta, metaSchema, "metadata", metaCtx)
                         : (error(doc, kind->name, "missing required field \"metadata\""), Json());
    if (metaJson.is_object() && metaJson.contains("name") && metaJson["name"].is_string())
      r.id.name = metaJson["name"];
    if (metaJson.is_object() && metaJson.contains("labels") && metaJson["labels"].is_object())
      for (const auto& [k, v] : metaJson["labels"].items())
        if (v.is_string()) r.labels[k] = v;

    if (doc["spec"]) {
      SchemaContext ctx{file, r.id.str(), diags, &r, lineOffset};
      r.spec = checkNode(doc["spec"], kind->spec, "spec", ctx);
    }
    // Field locations are recorded as "spec.x"; lookups use that prefix too.
    if (!headerOk || diags->size() != before || r.id.name.empty()) return std::nullopt;
    Diagnostics own;
    kind->validate(r, own);
    if (!own.empty()) {
      diags->insert(diags->end(), own.begin(), own.end());
      return std::nullopt;
    }
    return r;
  }
};

}  // namespace

ParsedSpecs parseSpecs(std::string_view text, std::string_view filename, const SpecLimits& limits) {
  ParsedSpecs out;
  ScreenedText screened = screenSpecText(text, filename, limits);
  if (screened.refusal) {
    out.diagnostics.push_back(std::move(*screened.refusal));
    return out;
  }
  DocumentParser parser{std::string(filename), &out.diagnostics};
  // One document's nodes at a time (spec_screen.h says why).
  for (const DocumentSpan& span : screened.documents) {
    std::vector<YAML::Node> docs;
    try {
      docs = YAML::LoadAll(std::string(text.substr(span.begin, span.end - span.begin)));
    } catch (const YAML::Exception& e) {
      // The screen ran the same parser over the same text; this is here for safety only.
      SourceLoc loc{std::string(filename), span.firstLine + e.mark.line + 1, e.mark.column + 1};
      if (e.mark.line < 0) loc = SourceLoc{std::string(filename), span.firstLine + 1, 0};
      out.diagnostics.push_back(Diagnostic{loc, "", "YAML syntax error: " + e.msg});
      continue;
    }
    parser.lineOffset = span.firstLine;
    for (const auto& doc : docs) {
      if (doc.IsNull()) continue;  // an empty document between "---" separators
      if (auto r = parser.parse(doc)) out.resources.push_back(std::move(*r));
      if (out.diagnostics.size() > kMaxKeptDiagnostics) {
        out.omittedDiagnostics += out.diagnostics.size() - kMaxKeptDiagnostics;
        out.diagnostics.resize(kMaxKeptDiagnostics);
      }
    }
  }
  return out;
}

}  // namespace hx
