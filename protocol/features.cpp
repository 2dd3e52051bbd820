#include "protocol/features.h"

namespace tacit::protocol {

namespace {

// Extensions' text goes to editors: bound it (a hover of megabytes is a bug).
constexpr size_t kMaxText = 64 * 1024;

void boundedText(const ObjectReader& r, const char* key, std::string& out, bool required) {
  std::optional<std::string> value;
  if (required) {
    out.clear();
    r.required(key, out);
    value = out;
  } else {
    r.optional(key, value);
  }
  if (value && value->size() > kMaxText) decodeFailure(r.child(key), "longer than 64 KiB");
  if (value) out = std::move(*value);
}

}  // namespace

void fromJSON(const json& j, Command& out, const std::string& path) {
  ObjectReader r(j, path);
  boundedText(r, "title", out.title, true);
  r.required("command", out.command);
  out.arguments = nullptr;
  if (const json* args = r.find("arguments"); args && !args->is_null()) {
    if (!args->is_array()) decodeFailure(r.child("arguments"), "expected an array, got " + describeType(*args));
    out.arguments = *args;
  }
}
void to_json(json& j, const Command& c) {
  j = {{"title", c.title}, {"command", c.command}};
  if (c.arguments.is_array()) j["arguments"] = c.arguments;
}

void fromJSON(const json& j, CodeLens& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("range", out.range);
  r.optional("command", out.command);
}
void to_json(json& j, const CodeLens& l) {
  j = {{"range", l.range}};
  if (l.command) j["command"] = *l.command;
}

void fromJSON(const json& j, Hover& out, const std::string& path) {
  ObjectReader r(j, path);
  const json* contents = r.find("contents");
  if (!contents) decodeFailure(r.child("contents"), "required field is missing");
  auto piece = [&](const json& c, const std::string& at) -> std::string {
    if (c.is_string()) return c.get<std::string>();
    ObjectReader cr(c, at);
    std::string value;
    cr.required("value", value);
    if (const json* language = cr.find("language"); language && language->is_string())
      return "```" + language->get<std::string>() + "\n" + value + "\n```";
    return value;
  };
  out.markdown.clear();
  if (contents->is_array()) {
    for (size_t i = 0; i < contents->size(); ++i) {
      if (i) out.markdown += "\n\n";
      out.markdown += piece((*contents)[i], r.child("contents") + "[" + std::to_string(i) + "]");
    }
  } else {
    out.markdown = piece(*contents, r.child("contents"));
  }
  if (out.markdown.size() > kMaxText) decodeFailure(r.child("contents"), "longer than 64 KiB");
  r.optional("range", out.range);
}
void to_json(json& j, const Hover& h) {
  j = {{"contents", {{"kind", "markdown"}, {"value", h.markdown}}}};
  if (h.range) j["range"] = *h.range;
}

void fromJSON(const json& j, InlayHint& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("position", out.position);
  boundedText(r, "label", out.label, true);
  std::optional<bool> padding;
  r.optional("paddingLeft", padding);
  out.paddingLeft = padding.value_or(false);
  out.tooltip.reset();
  if (const json* tooltip = r.find("tooltip"); tooltip && !tooltip->is_null()) {
    if (tooltip->is_string()) {
      out.tooltip = tooltip->get<std::string>();
    } else {
      std::string value;
      ObjectReader(*tooltip, r.child("tooltip")).required("value", value);
      out.tooltip = value;
    }
  }
}
void to_json(json& j, const InlayHint& h) {
  j = {{"position", h.position}, {"label", h.label}};
  if (h.paddingLeft) j["paddingLeft"] = true;
  if (h.tooltip) j["tooltip"] = {{"kind", "markdown"}, {"value", *h.tooltip}};
}

void fromJSON(const json& j, CodeAction& out, const std::string& path) {
  ObjectReader r(j, path);
  boundedText(r, "title", out.title, true);
  std::optional<std::string> kind;
  r.optional("kind", kind);
  out.kind = kind.value_or("");
  r.optional("command", out.command);
}
void to_json(json& j, const CodeAction& a) {
  j = {{"title", a.title}};
  if (!a.kind.empty()) j["kind"] = a.kind;
  if (a.command) j["command"] = *a.command;
}

void fromJSON(const json& j, Diagnostic& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("range", out.range);
  boundedText(r, "message", out.message, true);
  std::optional<uint32_t> severity;
  r.optional("severity", severity);
  if (severity && (*severity < 1 || *severity > 4)) decodeFailure(r.child("severity"), "expected 1 to 4");
  out.severity = static_cast<DiagnosticSeverity>(severity.value_or(3));
  std::optional<std::string> source;
  r.optional("source", source);
  out.source = source.value_or("");
  out.code.reset();
  if (const json* code = r.find("code"); code && !code->is_null()) {
    if (code->is_string()) out.code = code->get<std::string>();
    else if (code->is_number_integer()) out.code = std::to_string(code->get<int64_t>());
    else decodeFailure(r.child("code"), "expected a string or an integer, got " + describeType(*code));
  }
}
void to_json(json& j, const Diagnostic& d) {
  j = {{"range", d.range}, {"severity", static_cast<int>(d.severity)}, {"message", d.message}};
  if (!d.source.empty()) j["source"] = d.source;
  if (d.code) j["code"] = *d.code;
}

void fromJSON(const json& j, PublishDiagnosticsParams& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("uri", out.uri);
  r.required("diagnostics", out.diagnostics);
}
void to_json(json& j, const PublishDiagnosticsParams& p) {
  j = {{"uri", p.uri}, {"diagnostics", p.diagnostics}};
}

void fromJSON(const json& j, SymbolInformation& out, const std::string& path) {
  ObjectReader r(j, path);
  boundedText(r, "name", out.name, true);
  r.required("kind", out.kind);
  if (out.kind < 1 || out.kind > 26) decodeFailure(r.child("kind"), "expected a SymbolKind (1 to 26)");
  const json* at = r.find("location");
  if (!at) decodeFailure(r.child("location"), "required field is missing");
  ObjectReader location(*at, r.child("location"));
  location.required("uri", out.uri);
  location.required("range", out.range);
  std::optional<std::string> container;
  r.optional("containerName", container);
  out.containerName = container.value_or("");
}
void to_json(json& j, const SymbolInformation& s) {
  j = {{"name", s.name}, {"kind", s.kind}, {"location", {{"uri", s.uri}, {"range", s.range}}}};
  if (!s.containerName.empty()) j["containerName"] = s.containerName;
}

void fromJSON(const json& j, CodeLensParams& out, const std::string& path) {
  ObjectReader(j, path).required("textDocument", out.textDocument);
}

void fromJSON(const json& j, HoverParams& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("textDocument", out.textDocument);
  r.required("position", out.position);
}

void fromJSON(const json& j, RangeParams& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("textDocument", out.textDocument);
  r.required("range", out.range);
}

void fromJSON(const json& j, WorkspaceSymbolParams& out, const std::string& path) {
  ObjectReader(j, path).required("query", out.query);
}

void to_json(json& j, const HoverResult& r) {
  if (r.hover) j = *r.hover;
  else j = nullptr;
}

void fromJSON(const json& j, MessageParams& out, const std::string& path) {
  ObjectReader r(j, path);
  uint32_t type = 3;
  r.required("type", type);
  if (type < 1 || type > 5) decodeFailure(r.child("type"), "expected a MessageType (1 to 5)");
  out.type = static_cast<MessageType>(type);
  boundedText(r, "message", out.message, true);
}

}  // namespace tacit::protocol
