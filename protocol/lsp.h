// LSP data types Tacit uses, with strict decoding (fromJSON) and encoding
// (to_json). Field names follow the LSP 3.17 specification. Data only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/decode.h"

namespace tacit::protocol {

struct Position {
  uint32_t line = 0;
  uint32_t character = 0;  // in the negotiated position encoding
  bool operator==(const Position&) const = default;
};
void fromJSON(const json&, Position&, const std::string& path);
void to_json(json&, const Position&);

struct Range {
  Position start;
  Position end;
  bool operator==(const Range&) const = default;
};
void fromJSON(const json&, Range&, const std::string& path);
void to_json(json&, const Range&);

struct TextDocumentIdentifier {
  std::string uri;
};
void fromJSON(const json&, TextDocumentIdentifier&, const std::string& path);

struct VersionedTextDocumentIdentifier {
  std::string uri;
  int64_t version = 0;
};
void fromJSON(const json&, VersionedTextDocumentIdentifier&, const std::string& path);

struct TextDocumentItem {
  std::string uri;
  std::string languageId;
  int64_t version = 0;
  std::string text;
};
void fromJSON(const json&, TextDocumentItem&, const std::string& path);

struct TextDocumentContentChangeEvent {
  std::optional<Range> range;          // absent: `text` is the whole document
  std::optional<uint32_t> rangeLength; // deprecated by LSP; accepted and ignored
  std::string text;
};
void fromJSON(const json&, TextDocumentContentChangeEvent&, const std::string& path);

struct DidOpenTextDocumentParams {
  TextDocumentItem textDocument;
};
void fromJSON(const json&, DidOpenTextDocumentParams&, const std::string& path);

struct DidChangeTextDocumentParams {
  VersionedTextDocumentIdentifier textDocument;
  std::vector<TextDocumentContentChangeEvent> contentChanges;
};
void fromJSON(const json&, DidChangeTextDocumentParams&, const std::string& path);

struct DidCloseTextDocumentParams {
  TextDocumentIdentifier textDocument;
};
void fromJSON(const json&, DidCloseTextDocumentParams&, const std::string& path);

struct DidSaveTextDocumentParams {
  TextDocumentIdentifier textDocument;
  std::optional<std::string> text;
};
void fromJSON(const json&, DidSaveTextDocumentParams&, const std::string& path);

struct ClientInfo {
  std::string name;
  std::optional<std::string> version;
};
void fromJSON(const json&, ClientInfo&, const std::string& path);

struct WorkspaceFolder {
  std::string uri;
  std::string name;
};
void fromJSON(const json&, WorkspaceFolder&, const std::string& path);

// The parts of InitializeParams Tacit reads. The client's capabilities are
// kept whole (later features look things up in them); the position
// encodings it offers are extracted here.
struct InitializeParams {
  std::optional<int64_t> processId;
  std::optional<ClientInfo> clientInfo;
  std::optional<std::string> rootUri;
  std::optional<std::string> rootPath;
  json capabilities = json::object();
  std::vector<std::string> positionEncodings;  // general.positionEncodings
  std::optional<json> initializationOptions;
  std::optional<std::string> trace;
  std::optional<std::vector<WorkspaceFolder>> workspaceFolders;
};
void fromJSON(const json&, InitializeParams&, const std::string& path);

enum class TextDocumentSyncKind { None = 0, Full = 1, Incremental = 2 };

struct TextDocumentSyncOptions {
  bool openClose = true;
  TextDocumentSyncKind change = TextDocumentSyncKind::Incremental;
  bool save = true;  // encoded as {"includeText": false}
};
void to_json(json&, const TextDocumentSyncOptions&);

// Only what is implemented is declared.
struct ServerCapabilities {
  std::string positionEncoding = "utf-16";
  TextDocumentSyncOptions textDocumentSync;
  std::vector<std::string> executeCommands;  // executeCommandProvider.commands
  // What the plugin host serves (the merged contributions of extensions).
  bool codeLens = false, hover = false, inlayHint = false, codeAction = false, workspaceSymbol = false;
};
void to_json(json&, const ServerCapabilities&);

struct ServerInfo {
  std::string name;
  std::string version;
};
void to_json(json&, const ServerInfo&);

struct InitializeResult {
  ServerCapabilities capabilities;
  ServerInfo serverInfo;
};
void to_json(json&, const InitializeResult&);

// workspace/executeCommand
struct ExecuteCommandParams {
  std::string command;
  json arguments = json::array();
};
void fromJSON(const json&, ExecuteCommandParams&, const std::string& path);

// $/cancelRequest
struct CancelParams {
  json id;  // integer or string
};
void fromJSON(const json&, CancelParams&, const std::string& path);

enum class MessageType { Error = 1, Warning = 2, Info = 3, Log = 4, Debug = 5 };

// window/logMessage and window/showMessage
struct MessageParams {
  MessageType type = MessageType::Info;
  std::string message;
};
void to_json(json&, const MessageParams&);

// One choice of window/showMessageRequest. Beyond LSP's title, Tacit says
// what the choice does (a command to run, or a place to open) to a client
// that declared window.showMessage.messageActionItem.additionalPropertiesSupport:
// an editor that cannot hold the request open while the user decides (Neovim's
// asynchronous vim.ui.select) may then answer at once and act on the choice
// itself (docs/protocol.md).
struct MessageActionItem {
  std::string title;
  json command = nullptr;   // an LSP Command, or null
  json location = nullptr;  // {uri, range}, or null
};

// Placeholder result/params for methods without any.
struct NoParams {};
inline void fromJSON(const json&, NoParams&, const std::string&) {}
inline void to_json(json& j, const NoParams&) { j = nullptr; }

}  // namespace tacit::protocol
