#include "extensions/builtin/common.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "protocol/decode.h"
#include "server/anchor/anchor.h"

namespace tacit::extensions {

std::string cut(const std::string& text, size_t max) {
  if (text.size() <= max) return text;
  size_t at = max;
  while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;  // not inside a character
  return text.substr(0, at) + "…";
}

std::string firstLine(const std::string& text, size_t max) { return cut(text.substr(0, text.find('\n')), max); }

protocol::Range wholeLines(const anchor::Location& at) { return {{at.startLine - 1, 0}, {at.endLine, 0}}; }

std::optional<SelectedLines> linesForThread(host::HostApi& api, const host::DocumentInfo& doc,
                                            const protocol::Range& selection) {
  if (doc.path.empty()) return std::nullopt;
  auto text = api.documentText(doc.uri);
  if (!text || anchor::isBinary(*text)) return std::nullopt;
  const uint32_t end = selection.end.line > selection.start.line && selection.end.character == 0
                           ? selection.end.line - 1
                           : selection.end.line;
  return SelectedLines{selection.start.line, end};
}

std::optional<uint32_t> lineCountNow(host::HostApi& api, const std::string& uri, const std::string& path) {
  if (auto text = api.documentText(uri)) return anchor::lineCount(*text);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return anchor::lineCount(content.str());
}

const host::json& oneObject(const host::json& arguments) {
  if (!arguments.is_array() || arguments.size() != 1)
    throw protocol::DecodeError("params.arguments: expected one object");
  return arguments[0];
}

store::Store& refreshedStore(host::HostApi& api) {
  store::Store* s = api.store();
  if (!s) throw std::runtime_error("no knowledge store: the workspace is not in a git repository");
  s->refresh();
  return *s;
}

void answerCommand(const host::Done<host::CommandResult>& done, const std::function<host::json()>& run) {
  host::json result;
  try {
    result = run();
  } catch (const protocol::DecodeError& e) {
    return done({nullptr, rpc::Error{rpc::ErrorCode::InvalidParams, e.what()}});
  } catch (const std::exception& e) {
    return done({nullptr, rpc::Error{rpc::ErrorCode::RequestFailed, e.what()}});
  }
  done({std::move(result), std::nullopt});
}

}  // namespace tacit::extensions
