#include "protocol/tacit.h"

namespace tacit::protocol {

void fromJSON(const json& j, DocumentTextParams& out, const std::string& path) {
  ObjectReader(j, path).required("textDocument", out.textDocument);
}

void to_json(json& j, const DocumentTextResult& r) {
  j = {{"uri", r.uri}, {"version", r.version}, {"text", r.text}, {"lineCount", r.lineCount}};
}

void fromJSON(const json& j, ThreadsParams& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("textDocument", out.textDocument);
  std::optional<bool> full;
  r.optional("full", full);
  out.full = full.value_or(false);
}

void to_json(json& j, const LocatedThread& t) {
  j = {{"id", t.id},         {"kind", t.kind},     {"state", t.state},           {"title", t.title},
       {"range", t.range},   {"status", t.status}, {"confidence", t.confidence},
       {"actions", t.actions},
       {"author", {{"name", t.authorName}, {"email", t.authorEmail}}},
       {"assignees", t.assignees},
       {"replies", t.replies},
       {"latest", {{"author", t.latestAuthor}, {"text", t.latest}}},
       {"updatedAt", t.updatedAt}};
  if (t.thread) j["thread"] = *t.thread;
}

void to_json(json& j, const ThreadsResult& r) { j = {{"threads", r.threads}}; }

void fromJSON(const json& j, MoveThreadArguments& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("id", out.id);
  r.required("uri", out.uri);
  r.required("startLine", out.startLine);
  r.required("endLine", out.endLine);
  if (out.endLine < out.startLine) throw DecodeError(path + ".endLine: before startLine");
}

void fromJSON(const json& j, InboxParams& out, const std::string& path) {
  if (j.is_null()) return;
  ObjectReader r(j, path);
  std::optional<std::string> since;
  r.optional("since", since);
  if (since) out.since = *since;
}

void fromJSON(const json& j, SetClockParams& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("now", out.now);
}

}  // namespace tacit::protocol
