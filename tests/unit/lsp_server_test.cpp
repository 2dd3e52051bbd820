#include <catch2/catch.hpp>

#include <vector>

#include "server/lsp/lsp_server.h"

using tacit::documents::PositionEncoding;
using tacit::lsp::LspServer;
using tacit::lsp::negotiatePositionEncoding;
using tacit::lsp::Phase;
using json = nlohmann::json;

namespace {

// The real server, driven in-process through its connection.
struct Harness {
  std::vector<json> sent;
  bool exited = false;
  LspServer server{[this](std::string body) { sent.push_back(json::parse(body)); }};
  int nextId = 1;

  Harness() { server.setExitHandler([this] { exited = true; }); }

  json request(const std::string& method, json params) {
    json id = nextId++;
    server.connection().receive(
        json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump());
    REQUIRE(sent.size() == 1);
    json reply = sent.front();
    sent.clear();
    CHECK(reply["id"] == id);
    return reply;
  }
  void notify(const std::string& method, json params) {
    server.connection().receive(
        json{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}}.dump());
    CHECK(sent.empty());
  }
  json initialize(json capabilities = json::object()) {
    return request("initialize", {{"processId", nullptr}, {"capabilities", capabilities}});
  }
  std::string text(const std::string& uri) {
    json reply = request("tacit/documentText", {{"textDocument", {{"uri", uri}}}});
    REQUIRE(reply.contains("result"));
    return reply["result"]["text"];
  }
};

json range(int l1, int c1, int l2, int c2) {
  return {{"start", {{"line", l1}, {"character", c1}}}, {"end", {{"line", l2}, {"character", c2}}}};
}

}  // namespace

TEST_CASE("position encoding negotiation", "[lsp]") {
  CHECK(negotiatePositionEncoding({}) == PositionEncoding::Utf16);
  CHECK(negotiatePositionEncoding({"utf-16"}) == PositionEncoding::Utf16);
  CHECK(negotiatePositionEncoding({"utf-32", "utf-16", "utf-8"}) == PositionEncoding::Utf8);
  CHECK(negotiatePositionEncoding({"utf-32"}) == PositionEncoding::Utf32);
  CHECK(negotiatePositionEncoding({"latin-1"}) == PositionEncoding::Utf16);
}

TEST_CASE("lifecycle: the initialize gate, shutdown and exit", "[lsp]") {
  Harness h;
  CHECK(h.request("tacit/documentText", {{"textDocument", {{"uri", "file:///a"}}}})["error"]["code"] == -32002);
  CHECK(h.request("shutdown", nullptr)["error"]["code"] == -32002);
  h.notify("textDocument/didOpen", {{"textDocument", {{"uri", "file:///a"}, {"languageId", "c"}, {"version", 1}, {"text", "x"}}}});
  CHECK(h.server.documents().size() == 0);  // dropped before initialize

  json init = h.initialize({{"general", {{"positionEncodings", {"utf-8", "utf-16"}}}}});
  CHECK(init["result"]["capabilities"]["positionEncoding"] == "utf-8");
  CHECK(init["result"]["serverInfo"]["name"] == "tacit");
  CHECK(h.server.phase() == Phase::Running);
  CHECK(h.initialize()["error"]["code"] == -32600);  // only once
  CHECK(h.server.exitCode() == 1);

  CHECK(h.request("shutdown", nullptr)["result"].is_null());
  CHECK(h.server.phase() == Phase::ShutDown);
  CHECK(h.request("tacit/documentText", {{"textDocument", {{"uri", "file:///a"}}}})["error"]["code"] == -32600);
  CHECK_FALSE(h.exited);
  h.notify("exit", nullptr);
  CHECK(h.exited);
  CHECK(h.server.exitCode() == 0);
}

TEST_CASE("exit before initialize is honoured with status 1", "[lsp]") {
  Harness h;
  h.notify("exit", nullptr);
  CHECK(h.exited);
  CHECK(h.server.exitCode() == 1);
}

TEST_CASE("capabilities declare only what is implemented", "[lsp]") {
  Harness h;
  json caps = h.initialize()["result"]["capabilities"];
  CHECK(caps == json{{"positionEncoding", "utf-16"},
                     {"textDocumentSync", {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
                     {"executeCommandProvider", {{"commands", {"tacit.moveThread", "tacit.addNote", "tacit.ask", "tacit.reply", "tacit.answer", "tacit.ack", "tacit.resolve", "tacit.reopen", "tacit.similarQuestions", "tacit.remind", "tacit.reminders", "tacit.snooze", "tacit.done",
                       "tacit.walkthrough.create", "tacit.walkthrough.addChapter", "tacit.walkthrough.moveChapter", "tacit.walkthrough.removeChapter", "tacit.walkthrough.list", "tacit.walkthrough.show", "tacit.walkthrough.play", "tacit.walkthrough.next", "tacit.walkthrough.previous", "tacit.walkthrough.export"}}}},
                     {"codeLensProvider", {{"resolveProvider", false}}},
                     {"hoverProvider", true},
                     {"inlayHintProvider", true},
                     {"codeActionProvider", true},
                     {"workspaceSymbolProvider", true}});
}

TEST_CASE("documents: open, incremental UTF-16 edits, close", "[lsp]") {
  Harness h;
  h.initialize();
  const std::string uri = "file:///repo/a.cpp";
  h.notify("textDocument/didOpen", {{"textDocument", {{"uri", uri}, {"languageId", "cpp"}, {"version", 1},
                                                      {"text", "int a;\n// \xF0\x9D\x84\x9E clef\nend\n"}}}});
  // The clef is two UTF-16 units: character 5 is just after it.
  h.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 2}}},
                                      {"contentChanges", {{{"range", range(1, 5, 1, 5)}, {"text", "!"}},
                                                          {{"range", range(0, 4, 0, 5)}, {"text", "bc"}}}}});
  CHECK(h.text(uri) == "int bc;\n// \xF0\x9D\x84\x9E! clef\nend\n");
  json doc = h.request("tacit/documentText", {{"textDocument", {{"uri", uri}}}})["result"];
  CHECK(doc["version"] == 2);
  CHECK(doc["lineCount"] == 4);

  // Out-of-range positions are clamped, as vscode-languageserver-textdocument does.
  h.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 3}}},
                                      {"contentChanges", {{{"range", range(2, 99, 50, 0)}, {"text", "!"}}}}});
  CHECK(h.text(uri) == "int bc;\n// \xF0\x9D\x84\x9E! clef\nend!");

  // A full replacement.
  h.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 4}}},
                                      {"contentChanges", {{{"text", "new"}}}}});
  CHECK(h.text(uri) == "new");

  // Bad params on a notification change nothing.
  h.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 5}}},
                                      {"contentChanges", {{{"range", range(-1, 0, 0, 0)}, {"text", "x"}}}}});
  CHECK(h.text(uri) == "new");

  // A document never opened: ignored, and the server goes on.
  h.notify("textDocument/didChange", {{"textDocument", {{"uri", "file:///never"}, {"version", 1}}},
                                      {"contentChanges", {{{"text", "x"}}}}});
  CHECK(h.request("tacit/documentText", {{"textDocument", {{"uri", "file:///never"}}}})["error"]["code"] == -32803);

  h.notify("textDocument/didSave", {{"textDocument", {{"uri", uri}}}});
  h.notify("textDocument/didClose", {{"textDocument", {{"uri", uri}}}});
  CHECK(h.server.documents().size() == 0);
  CHECK(h.request("tacit/documentText", {{"textDocument", {{"uri", uri}}}})["error"]["code"] == -32803);
}

TEST_CASE("documents in UTF-8 and UTF-32 position encodings", "[lsp]") {
  for (auto [encoding, character] : {std::pair{"utf-8", 7}, std::pair{"utf-32", 4}}) {
    INFO(encoding);
    Harness h;
    h.initialize({{"general", {{"positionEncodings", {encoding}}}}});
    h.notify("textDocument/didOpen", {{"textDocument", {{"uri", "file:///u"}, {"languageId", "txt"}, {"version", 1},
                                                        {"text", "a\xC3\xA9\xF0\x9D\x84\x9E" "b"}}}});
    // After "a", "é" and the clef: 7 UTF-8 bytes, or 3 code points (+1 for 'b' = 4).
    h.notify("textDocument/didChange", {{"textDocument", {{"uri", "file:///u"}, {"version", 2}}},
                                        {"contentChanges", {{{"range", range(0, character, 0, character)}, {"text", "|"}}}}});
    std::string expected = std::string(encoding) == "utf-8" ? "a\xC3\xA9\xF0\x9D\x84\x9E|b" : "a\xC3\xA9\xF0\x9D\x84\x9E" "b|";
    CHECK(h.text("file:///u") == expected);
  }
}
