#include "extensions/builtin/threads.h"

#include <map>

#include "protocol/tacit.h"
#include "server/host/knowledge.h"

namespace tacit::extensions {

namespace {

using namespace tacit::host;
using protocol::CodeLens;

// "2 notes · 1 lesson · 1 question", in that order, from counts by kind.
std::string lensTitle(const std::map<std::string, int>& byKind) {
  static const std::pair<const char*, const char*> kinds[] = {
      {"note", "notes"}, {"lesson", "lessons"}, {"question", "questions"}};
  std::string title;
  for (const auto& [one, many] : kinds) {
    auto it = byKind.find(one);
    if (it == byKind.end()) continue;
    if (!title.empty()) title += " · ";
    title += std::to_string(it->second) + " " + (it->second == 1 ? one : many);
  }
  return title;
}

class Threads final : public Extension {
 public:
  Threads() {
    manifest_.name = "threads";
    manifest_.version = "built-in";
    manifest_.origin = "built-in";
    manifest_.activationEvents = {"*"};
    manifest_.contributes.codeLens = true;
    manifest_.contributes.commands = {{"tacit.moveThread", "Move a thread to these lines"}};
  }

  const Manifest& manifest() const override { return manifest_; }
  void activate(HostApi& api) override { api_ = &api; }

  void codeLenses(const DocumentInfo& doc, Done<std::vector<CodeLens>> done) override {
    Knowledge* knowledge = api_->knowledge();
    auto text = api_->documentText(doc.uri);
    if (!knowledge || !text || doc.path.empty()) return done({});
    std::map<uint32_t, std::map<std::string, int>> byLine;  // 1-based first line → kind → count
    try {
      for (const auto& t : knowledge->threadsIn(doc.uri, *text)) ++byLine[t.location.startLine][t.kind];
    } catch (const std::exception& e) {
      api_->logMessage(protocol::MessageType::Warning, std::string("threads of ") + doc.uri + ": " + e.what());
      return done({});
    }
    std::vector<CodeLens> lenses;
    for (const auto& [line, kinds] : byLine) {
      protocol::Position at{line - 1, 0};
      lenses.push_back({{at, at}, protocol::Command{lensTitle(kinds), "", nullptr}});
    }
    done(std::move(lenses));
  }

  void executeCommand(const std::string& command, const json& arguments, Done<CommandResult> done) override {
    if (command != "tacit.moveThread")
      return done({nullptr, rpc::Error{rpc::ErrorCode::InvalidParams, "unknown command: " + command}});
    protocol::MoveThreadArguments args;
    try {
      if (!arguments.is_array() || arguments.size() != 1) throw protocol::DecodeError("params.arguments: expected one object");
      fromJSON(arguments[0], args, "params.arguments[0]");
    } catch (const protocol::DecodeError& e) {
      return done({nullptr, rpc::Error{rpc::ErrorCode::InvalidParams, e.what()}});
    }
    Knowledge* knowledge = api_->knowledge();
    auto text = api_->documentText(args.uri);
    if (!knowledge || !text)
      return done({nullptr, rpc::Error{rpc::ErrorCode::RequestFailed, "document is not open: " + args.uri}});
    try {
      auto [id, payload] = knowledge->reanchor(args.id, args.uri, *text, args.startLine + 1, args.endLine + 1);
      api_->addEvent(id, store::EventType::Reanchor, std::move(payload));
      done({json{{"id", id}}, std::nullopt});
    } catch (const std::exception& e) {
      done({nullptr, rpc::Error{rpc::ErrorCode::RequestFailed, e.what()}});
    }
  }

 private:
  Manifest manifest_;
  HostApi* api_ = nullptr;
};

}  // namespace

std::unique_ptr<host::Extension> makeThreadsExtension() { return std::make_unique<Threads>(); }

}  // namespace tacit::extensions
