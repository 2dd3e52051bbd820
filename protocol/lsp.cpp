#include "protocol/lsp.h"

namespace tacit::protocol {

void fromJSON(const json& j, Position& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("line", out.line);
  r.required("character", out.character);
}
void to_json(json& j, const Position& p) { j = {{"line", p.line}, {"character", p.character}}; }

void fromJSON(const json& j, Range& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("start", out.start);
  r.required("end", out.end);
}
void to_json(json& j, const Range& r) { j = {{"start", r.start}, {"end", r.end}}; }

void fromJSON(const json& j, TextDocumentIdentifier& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("uri", out.uri);
}

void fromJSON(const json& j, VersionedTextDocumentIdentifier& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("uri", out.uri);
  r.required("version", out.version);
}

void fromJSON(const json& j, TextDocumentItem& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("uri", out.uri);
  r.required("languageId", out.languageId);
  r.required("version", out.version);
  r.required("text", out.text);
}

void fromJSON(const json& j, TextDocumentContentChangeEvent& out, const std::string& path) {
  ObjectReader r(j, path);
  r.optional("range", out.range);
  r.optional("rangeLength", out.rangeLength);
  r.required("text", out.text);
}

void fromJSON(const json& j, DidOpenTextDocumentParams& out, const std::string& path) {
  ObjectReader(j, path).required("textDocument", out.textDocument);
}

void fromJSON(const json& j, DidChangeTextDocumentParams& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("textDocument", out.textDocument);
  r.required("contentChanges", out.contentChanges);
}

void fromJSON(const json& j, DidCloseTextDocumentParams& out, const std::string& path) {
  ObjectReader(j, path).required("textDocument", out.textDocument);
}

void fromJSON(const json& j, DidSaveTextDocumentParams& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("textDocument", out.textDocument);
  r.optional("text", out.text);
}

void fromJSON(const json& j, ClientInfo& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("name", out.name);
  r.optional("version", out.version);
}

void fromJSON(const json& j, WorkspaceFolder& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("uri", out.uri);
  r.required("name", out.name);
}

void fromJSON(const json& j, InitializeParams& out, const std::string& path) {
  ObjectReader r(j, path);
  // processId is required by LSP but may be null.
  if (!r.find("processId")) decodeFailure(r.child("processId"), "required field is missing");
  r.optional("processId", out.processId);
  r.optional("clientInfo", out.clientInfo);
  r.optional("rootUri", out.rootUri);
  r.optional("rootPath", out.rootPath);
  r.required("capabilities", out.capabilities);
  if (!out.capabilities.is_object())
    decodeFailure(r.child("capabilities"), "expected an object, got " + describeType(out.capabilities));
  out.positionEncodings.clear();
  if (auto general = out.capabilities.find("general");
      general != out.capabilities.end() && general->is_object()) {
    if (auto encodings = general->find("positionEncodings");
        encodings != general->end() && !encodings->is_null())
      fromJSON(*encodings, out.positionEncodings,
               r.child("capabilities") + ".general.positionEncodings");
  }
  r.optional("initializationOptions", out.initializationOptions);
  r.optional("trace", out.trace);
  r.optional("workspaceFolders", out.workspaceFolders);
}

void to_json(json& j, const TextDocumentSyncOptions& o) {
  j = {{"openClose", o.openClose}, {"change", static_cast<int>(o.change)}};
  if (o.save) j["save"] = {{"includeText", false}};
}

void to_json(json& j, const ServerCapabilities& c) {
  j = {{"positionEncoding", c.positionEncoding}, {"textDocumentSync", c.textDocumentSync}};
  if (!c.executeCommands.empty()) j["executeCommandProvider"] = {{"commands", c.executeCommands}};
  if (c.codeLens) j["codeLensProvider"] = {{"resolveProvider", false}};
  if (c.hover) j["hoverProvider"] = true;
  if (c.inlayHint) j["inlayHintProvider"] = true;
  if (c.codeAction) j["codeActionProvider"] = true;
  if (c.workspaceSymbol) j["workspaceSymbolProvider"] = true;
}

void fromJSON(const json& j, ExecuteCommandParams& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("command", out.command);
  std::optional<json> arguments;
  r.optional("arguments", arguments);
  if (arguments) {
    if (!arguments->is_array()) throw DecodeError(path + ".arguments: expected an array, got " + arguments->type_name());
    out.arguments = *arguments;
  }
}

void to_json(json& j, const ServerInfo& s) { j = {{"name", s.name}, {"version", s.version}}; }

void to_json(json& j, const InitializeResult& r) {
  j = {{"capabilities", r.capabilities}, {"serverInfo", r.serverInfo}};
}

void fromJSON(const json& j, CancelParams& out, const std::string& path) {
  ObjectReader r(j, path);
  r.required("id", out.id);
  if (!out.id.is_string() && !out.id.is_number_integer())
    decodeFailure(r.child("id"), "expected an integer or a string, got " + describeType(out.id));
}

void to_json(json& j, const MessageParams& m) {
  j = {{"type", static_cast<int>(m.type)}, {"message", m.message}};
}

}  // namespace tacit::protocol
