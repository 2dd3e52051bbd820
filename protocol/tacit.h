// Tacit's own LSP extension methods (documented in docs/protocol.md). Data only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/lsp.h"

namespace tacit::protocol {

// tacit/documentText: the server's copy of an open document, for clients and
// tests to check that both sides agree (like rust-analyzer/viewFileText).
struct DocumentTextParams {
  TextDocumentIdentifier textDocument;
};
void fromJSON(const json&, DocumentTextParams&, const std::string& path);

struct DocumentTextResult {
  std::string uri;
  int64_t version = 0;
  std::string text;
  uint32_t lineCount = 0;
};
void to_json(json&, const DocumentTextResult&);

// tacit/threads: the threads whose lines are in an open document, where
// they are in the editor's text now (docs/protocol.md).
struct ThreadsParams {
  TextDocumentIdentifier textDocument;
  bool full = false;  // each thread also whole, as `tacit show --json` prints it
};
void fromJSON(const json&, ThreadsParams&, const std::string& path);

struct LocatedThread {
  std::string id;
  std::string kind;   // note | lesson | question
  std::string state;  // open | answered | resolved
  std::string title;  // the first line of the body
  Range range;        // whole lines: start of the first to the start of the line after the last
  std::string status; // exact | moved | changed | orphaned
  double confidence = 0;
  // The commands that apply to it now (workspace/executeCommand ids), for
  // shims that draw their own UI.
  std::vector<std::string> actions;
  // Who started it, how many replies it has and its latest message (the
  // body's or the last reply's first line), for shims that draw a summary.
  std::string authorName, authorEmail;
  std::vector<std::string> assignees;
  uint32_t replies = 0;
  std::string latestAuthor, latest;
  std::string updatedAt;  // RFC 3339: the latest event folded in
  std::optional<json> thread;  // with ThreadsParams::full
};
void to_json(json&, const LocatedThread&);

struct ThreadsResult {
  std::vector<LocatedThread> threads;
};
void to_json(json&, const ThreadsResult&);

// The arguments of workspace/executeCommand "tacit.moveThread": re-anchor a
// thread to lines of an open document (as the editor has them).
struct MoveThreadArguments {
  std::string id;  // or a unique prefix
  std::string uri;
  uint32_t startLine = 0;  // 0-based, inclusive
  uint32_t endLine = 0;
};
void fromJSON(const json&, MoveThreadArguments&, const std::string& path);

// tacit/inbox: what waits on the user and what came back (docs/protocol.md).
struct InboxParams {
  std::string since = "7d";  // how recent news must be: 30m, 12h, 7d
};
void fromJSON(const json&, InboxParams&, const std::string& path);

// tacit/test/setClock: moves the server's clock, for tests of reminders and
// send-later (only when the server was started with TACIT_NOW).
struct SetClockParams {
  std::string now;  // RFC 3339
};
void fromJSON(const json&, SetClockParams&, const std::string& path);

}  // namespace tacit::protocol
