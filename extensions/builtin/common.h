// What the built-in extensions share: text for people, the shape of their
// commands' arguments and answers, the store.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "server/anchor/anchor.h"
#include "server/host/extension.h"

namespace tacit::extensions {

// `text` cut to at most `max` bytes (not inside a UTF-8 character), "…"
// added when cut.
std::string cut(const std::string& text, size_t max);
// The first line of `text`, cut to `max`.
std::string firstLine(const std::string& text, size_t max = 60);

// The LSP range of a located thread's lines, whole: from the start of its
// first line to the start of the line after its last — what lenses,
// diagnostics, hovers and selections (walkthrough play, a reminder's Open)
// all cover. `at` must be found (startLine >= 1).
protocol::Range wholeLines(const anchor::Location& at);

// The lines a selection takes, 0-based and inclusive, for the code actions
// that put a thread on them ("Add note here", "Add as a chapter"): a
// selection ending at the start of a line does not take that line. nullopt
// where no thread can go: outside the repository, a document that is not
// open, a binary file (so no action is offered that would always fail).
struct SelectedLines {
  uint32_t start = 0, end = 0;
};
std::optional<SelectedLines> linesForThread(host::HostApi& api, const host::DocumentInfo& doc,
                                            const protocol::Range& selection);

// How many lines the document at `uri` has now: the editor's text when it is
// open, else the file at `path` (absolute) on disk; nullopt when neither
// can be read (the file is gone).
std::optional<uint32_t> lineCountNow(host::HostApi& api, const std::string& uri, const std::string& path);

// Commands take one object: arguments[0]; protocol::DecodeError otherwise.
const host::json& oneObject(const host::json& arguments);

// The workspace's store, refreshed; std::runtime_error outside a repository.
store::Store& refreshedStore(host::HostApi& api);

// Answers `done` with what `run` returns, or with an error: -32602 for a
// protocol::DecodeError (bad arguments), -32803 for anything else.
void answerCommand(const host::Done<host::CommandResult>& done, const std::function<host::json()>& run);

}  // namespace tacit::extensions
