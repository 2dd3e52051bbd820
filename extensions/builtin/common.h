// What the built-in extensions share: text for people, the shape of their
// commands' arguments and answers, the store.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "server/host/extension.h"

namespace tacit::extensions {

// `text` cut to at most `max` bytes (not inside a UTF-8 character), "…"
// added when cut.
std::string cut(const std::string& text, size_t max);
// The first line of `text`, cut to `max`.
std::string firstLine(const std::string& text, size_t max = 60);

// Commands take one object: arguments[0]; protocol::DecodeError otherwise.
const host::json& oneObject(const host::json& arguments);

// The workspace's store, refreshed; std::runtime_error outside a repository.
store::Store& refreshedStore(host::HostApi& api);

// Answers `done` with what `run` returns, or with an error: -32602 for a
// protocol::DecodeError (bad arguments), -32803 for anything else.
void answerCommand(const host::Done<host::CommandResult>& done, const std::function<host::json()>& run);

}  // namespace tacit::extensions
