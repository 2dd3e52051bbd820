// The knowledge store through LSP: tacit/threads on a real repository, the
// threads following unsaved edits (shifted, not re-located), going stale on
// save and on a new HEAD, and tacit.moveThread re-anchoring from a buffer.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "server/anchor/anchor.h"
#include "server/host/knowledge.h"
#include "server/lsp/lsp_server.h"
#include "server/store/locations.h"
#include "server/store/store.h"
#include "tests/unit/temp_repo.h"

namespace {

using json = nlohmann::json;
using tacit::lsp::LspServer;
using tacit::test::TempRepo;

std::string numbered(int from, int to) {
  std::string out;
  for (int i = from; i <= to; ++i) out += "int value_" + std::to_string(i) + " = compute(" + std::to_string(i) + ");\n";
  return out;
}

// A repository with a.cpp committed and a note on its lines 10-12, and the
// real server initialized on it.
struct Fixture {
  TempRepo repo;
  std::string uri;
  std::string threadId;
  std::vector<json> sent;
  LspServer server{[this](std::string body) { sent.push_back(json::parse(body)); }};
  int nextId = 1;

  Fixture() {
    const std::string dir = repo.dir().string();
    git("config user.name Ada");
    git("config user.email ada@example.com");
    write("a.cpp", numbered(1, 40));
    git("add -A");
    git("commit -q -m one");
    auto store = tacit::store::Store::open(dir);
    tacit::store::Store::NewThread t;
    t.body = "about ten\nmore words";
    git_oid head;
    REQUIRE(git_reference_name_to_id(&head, repo.get(), "HEAD") == 0);
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, &head);
    t.anchor = tacit::store::fromRecorded(*tacit::anchor::record("a.cpp", hex, numbered(1, 40), 10, 12));
    threadId = store->createThread(t);
    uri = "file://" + dir + "/a.cpp";
    json init = request("initialize", {{"processId", nullptr}, {"rootUri", "file://" + dir}, {"capabilities", json::object()}});
    REQUIRE(init.contains("result"));
    notify("textDocument/didOpen",
           {{"textDocument", {{"uri", uri}, {"languageId", "cpp"}, {"version", 1}, {"text", numbered(1, 40)}}}});
  }

  void git(const std::string& args) {
    REQUIRE(std::system(("git -C '" + repo.dir().string() + "' " + args + " >/dev/null 2>&1").c_str()) == 0);
  }
  void write(const std::string& path, const std::string& content) {
    std::ofstream(repo.dir() / path, std::ios::binary) << content;
  }
  json request(const std::string& method, json params) {
    json id = nextId++;
    server.connection().receive(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump());
    REQUIRE(sent.size() == 1);
    json reply = sent.front();
    sent.clear();
    return reply;
  }
  void notify(const std::string& method, json params) {
    server.connection().receive(json{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}}.dump());
    REQUIRE(sent.empty());
  }
  // The one thread's [start line, end line) (0-based) and status.
  std::tuple<int, int, std::string> thread() {
    json reply = request("tacit/threads", {{"textDocument", {{"uri", uri}}}});
    INFO(reply.dump());
    REQUIRE(reply.contains("result"));
    REQUIRE(reply["result"]["threads"].size() == 1);
    json t = reply["result"]["threads"][0];
    CHECK(t["id"] == threadId);
    CHECK(t["title"] == "about ten");
    CHECK(t["actions"] == json{"tacit.reply", "tacit.resolve", "tacit.moveThread"});  // an open note
    return {t["range"]["start"]["line"], t["range"]["end"]["line"], t["status"]};
  }
  void type(int line, const std::string& text, int version) {  // insert text at the start of a line
    json range = {{"start", {{"line", line}, {"character", 0}}}, {"end", {{"line", line}, {"character", 0}}}};
    notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", version}}},
                                      {"contentChanges", {{{"range", range}, {"text", text}}}}});
  }
};

TEST_CASE("tacit/threads follows a buffer's edits and goes stale on save and on a new HEAD", "[lsp][knowledge]") {
  Fixture f;
  CHECK(f.thread() == std::make_tuple(9, 12, std::string("exact")));

  f.type(0, "// one\n// two\n", 2);  // two lines above: shifted without git
  CHECK(f.thread() == std::make_tuple(11, 14, std::string("exact")));
  f.type(12, "  // inside\n", 3);     // a line inside the range: it grows, changed
  CHECK(f.thread() == std::make_tuple(11, 15, std::string("changed")));

  // Saved: located again from HEAD through the buffer's text, same answer.
  f.notify("textDocument/didSave", {{"textDocument", {{"uri", f.uri}}}});
  CHECK(f.thread() == std::make_tuple(11, 15, std::string("changed")));

  // A new HEAD (committed elsewhere: 3 lines at the top) with the buffer
  // replaced by that text: located at the new commit.
  f.write("a.cpp", "// x\n// y\n// z\n" + numbered(1, 40));
  f.git("commit -q -am three");
  json whole = {{"textDocument", {{"uri", f.uri}, {"version", 4}}},
                {"contentChanges", {{{"text", "// x\n// y\n// z\n" + numbered(1, 40)}}}}};
  f.notify("textDocument/didChange", whole);
  CHECK(f.thread() == std::make_tuple(12, 15, std::string("exact")));
}

TEST_CASE("tacit.moveThread re-anchors a thread to the buffer's lines", "[lsp][knowledge]") {
  Fixture f;
  json args = {{"id", f.threadId.substr(0, 8)}, {"uri", f.uri}, {"startLine", 29}, {"endLine", 30}};
  json reply = f.request("workspace/executeCommand", {{"command", "tacit.moveThread"}, {"arguments", {args}}});
  INFO(reply.dump());
  REQUIRE(reply.contains("result"));
  CHECK(reply["result"]["id"] == f.threadId);
  CHECK(f.thread() == std::make_tuple(29, 31, std::string("exact")));

  // Bad input: a clear error, nothing changed.
  json unknown = f.request("workspace/executeCommand", {{"command", "tacit.nothing"}});
  CHECK(unknown["error"]["code"] == -32602);
  json pastEnd = {{"id", f.threadId}, {"uri", f.uri}, {"startLine", 90}, {"endLine", 91}};
  json past = f.request("workspace/executeCommand", {{"command", "tacit.moveThread"}, {"arguments", {pastEnd}}});
  CHECK(past["error"]["message"].get<std::string>().find("past the end") != std::string::npos);
  json noDoc = f.request("tacit/threads", {{"textDocument", {{"uri", "file:///nowhere/b.cpp"}}}});
  CHECK(noDoc["error"]["message"].get<std::string>().find("not open") != std::string::npos);
  CHECK(f.thread() == std::make_tuple(29, 31, std::string("exact")));
}

TEST_CASE("file URIs become paths", "[lsp][knowledge]") {
  CHECK(tacit::host::pathFromUri("file:///home/a%20b/c.cpp") == "/home/a b/c.cpp");
  CHECK(tacit::host::pathFromUri("file://localhost/x") == "/x");
  CHECK(tacit::host::pathFromUri("untitled:1").empty());
  CHECK(tacit::host::pathFromUri("file:///a%00b").empty());
}

}  // namespace
