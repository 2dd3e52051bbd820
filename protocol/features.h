// The LSP feature types that extensions contribute and the editor receives:
// code lenses, hovers, inlay hints, code actions, diagnostics and workspace
// symbols, with the params of the requests that ask for them (LSP 3.17).
// External extensions speak the same shapes (docs/extensions.md), so their
// answers are decoded strictly here before they reach an editor. Data only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "protocol/lsp.h"

namespace tacit::protocol {

struct Command {
  std::string title;
  std::string command;  // "" for a lens that only shows text
  json arguments;       // an array, or null when absent
};
void fromJSON(const json&, Command&, const std::string& path);
void to_json(json&, const Command&);

struct CodeLens {
  Range range;
  std::optional<Command> command;
};
void fromJSON(const json&, CodeLens&, const std::string& path);
void to_json(json&, const CodeLens&);

// Contents are Markdown (a plain string, MarkupContent or MarkedString are
// all read as Markdown).
struct Hover {
  std::string markdown;
  std::optional<Range> range;
};
void fromJSON(const json&, Hover&, const std::string& path);
void to_json(json&, const Hover&);

struct InlayHint {
  Position position;
  std::string label;
  bool paddingLeft = false;
  std::optional<std::string> tooltip;
};
void fromJSON(const json&, InlayHint&, const std::string& path);
void to_json(json&, const InlayHint&);

struct CodeAction {
  std::string title;
  std::string kind;  // "" when absent
  std::optional<Command> command;
};
void fromJSON(const json&, CodeAction&, const std::string& path);
void to_json(json&, const CodeAction&);

enum class DiagnosticSeverity { Error = 1, Warning = 2, Information = 3, Hint = 4 };

struct Diagnostic {
  Range range;
  DiagnosticSeverity severity = DiagnosticSeverity::Information;
  std::string message;
  std::string source;  // the extension's name when it leaves it empty
  std::optional<std::string> code;
};
void fromJSON(const json&, Diagnostic&, const std::string& path);
void to_json(json&, const Diagnostic&);

struct PublishDiagnosticsParams {
  std::string uri;
  std::vector<Diagnostic> diagnostics;
};
void fromJSON(const json&, PublishDiagnosticsParams&, const std::string& path);
void to_json(json&, const PublishDiagnosticsParams&);

struct SymbolInformation {
  std::string name;
  uint32_t kind = 1;  // SymbolKind: 1 File ... 26 TypeParameter
  std::string uri;
  Range range;
  std::string containerName;
};
void fromJSON(const json&, SymbolInformation&, const std::string& path);
void to_json(json&, const SymbolInformation&);

// textDocument/codeLens
struct CodeLensParams {
  TextDocumentIdentifier textDocument;
};
void fromJSON(const json&, CodeLensParams&, const std::string& path);

// textDocument/hover
struct HoverParams {
  TextDocumentIdentifier textDocument;
  Position position;
};
void fromJSON(const json&, HoverParams&, const std::string& path);

// textDocument/inlayHint and textDocument/codeAction (its context is not used)
struct RangeParams {
  TextDocumentIdentifier textDocument;
  Range range;
};
void fromJSON(const json&, RangeParams&, const std::string& path);

// workspace/symbol
struct WorkspaceSymbolParams {
  std::string query;
};
void fromJSON(const json&, WorkspaceSymbolParams&, const std::string& path);

// Results that are lists or null: `null` when nothing is contributed.
struct HoverResult {
  std::optional<Hover> hover;
};
void to_json(json&, const HoverResult&);

void fromJSON(const json&, MessageParams&, const std::string& path);

}  // namespace tacit::protocol
