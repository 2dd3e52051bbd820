#include "server/cli/demo.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "server/anchor/anchor.h"
#include "server/git/handles.h"
#include "server/log/log.h"
#include "server/lsp/lsp_server.h"
#include "server/cli/knowledge_commands.h"
#include "server/store/clock.h"
#include "server/store/event_log.h"
#include "server/store/inbox.h"
#include "server/store/locations.h"
#include "server/store/personal.h"
#include "server/store/store.h"
#include "server/store/sync.h"
#include "server/store/walkthroughs.h"

namespace tacit::cli {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* kCart =
    "\"\"\"The shopping cart.\"\"\"\n"
    "\n"
    "TAX_RATE = 0.2\n"
    "\n"
    "\n"
    "def total(items):\n"
    "    net = sum(item.price * item.quantity for item in items)\n"
    "    return round(net * (1 + TAX_RATE), 2)\n"
    "\n"
    "\n"
    "def apply_coupon(total, coupon):\n"
    "    if coupon.expired():\n"
    "        return total\n"
    "    return max(0, total - coupon.amount)\n";

void run(const std::string& command) {
  std::string quiet = command + " >/dev/null 2>&1";
  if (std::system(quiet.c_str()) != 0) throw std::runtime_error("the demo could not run: " + command);
}

std::string quote(const fs::path& p) { return "'" + p.string() + "'"; }

// The demo's clock moves on (it is injected: see runDemo).
void later(int minutes) { store::setNow(store::nowMillis() + minutes * 60'000LL); }

void say(const std::string& who, const std::string& what) { std::cout << "  " << who << "$ " << what << "\n"; }

store::Anchor anchorOn(store::Store& s, const std::string& path, uint32_t start, uint32_t end) {
  std::ifstream in(fs::path(s.workdir()) / path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto recorded = anchor::record(path, git::headCommit(s.repository()), text.str(), start, end);
  if (!recorded) throw std::runtime_error("the demo's lines are past the end of " + path);
  return store::fromRecorded(*recorded);
}

std::string create(store::Store& s, store::ThreadKind kind, const std::string& body, uint32_t start, uint32_t end,
                   std::vector<std::string> to = {}) {
  store::Store::NewThread t;
  t.kind = kind;
  t.body = body;
  t.assignees = std::move(to);
  t.anchor = anchorOn(s, "shop/cart.py", start, end);
  return s.createThread(t);
}

// The language server in this process, spoken to as an editor would.
class Editor {
 public:
  explicit Editor(const fs::path& root)
      : server_([this](std::string body) { received_.push_back(json::parse(body)); }, lsp::ServerOptions{}) {
    request("initialize", {{"processId", nullptr},
                           {"rootUri", "file://" + root.string()},
                           {"capabilities", json::object()},
                           {"clientInfo", {{"name", "tacit demo"}}}});
    notify("initialized", json::object());
  }
  ~Editor() {
    request("shutdown", nullptr);
    notify("exit", nullptr);
  }
  json request(const std::string& method, json params) {
    int id = next_++;
    server_.connection().receive(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump());
    for (const auto& m : received_)
      if (m.contains("id") && m["id"] == id && !m.contains("method")) {
        if (m.contains("error")) throw std::runtime_error(method + ": " + m["error"]["message"].get<std::string>());
        return m["result"];
      }
    throw std::runtime_error(method + " was not answered");
  }
  void notify(const std::string& method, json params) {
    server_.connection().receive(json{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}}.dump());
  }
  // What the server asked the user (window/showMessageRequest), in order.
  std::vector<json> questions() const {
    std::vector<json> out;
    for (const auto& m : received_)
      if (m.value("method", "") == "window/showMessageRequest") out.push_back(m["params"]);
    return out;
  }
  std::vector<json> diagnostics(const std::string& uri) const {
    std::vector<json> out;
    for (const auto& m : received_)
      if (m.value("method", "") == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        out = m["params"]["diagnostics"].get<std::vector<json>>();  // the latest wins
    return out;
  }

 private:
  std::vector<json> received_;
  lsp::LspServer server_;
  int next_ = 1;
};

// What Ada's editor shows once `later` has passed (the clock is the demo's).
void showEditor(const fs::path& root, const std::string& path, int64_t later) {
  Editor editor(root);
  const std::string uri = "file://" + (root / path).string();
  std::ifstream in(root / path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  editor.notify("textDocument/didOpen",
                {{"textDocument", {{"uri", uri}, {"languageId", "python"}, {"version", 1}, {"text", text}}}});
  json doc = {{"uri", uri}};
  // Time passes (the server's injected clock): what fell due is shown.
  editor.request("tacit/test/setClock", {{"now", store::formatTimestamp(store::nowMillis() + later)}});
  for (const auto& q : editor.questions()) {
    std::cout << "\n== The editor pops up a reminder (window/showMessageRequest)\n\n  " << q["message"].get<std::string>()
              << "\n ";
    for (const auto& a : q["actions"]) std::cout << " [" << a["title"].get<std::string>() << "]";
    std::cout << "\n";
  }
  json lenses = editor.request("textDocument/codeLens", {{"textDocument", doc}});
  json whole = {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", 100000}, {"character", 0}}}};
  json hints = editor.request("textDocument/inlayHint", {{"textDocument", doc}, {"range", whole}});
  std::map<uint32_t, std::vector<std::string>> lensAt, hintAt, diagnosticAt;
  for (const auto& l : lenses) lensAt[l["range"]["start"]["line"]].push_back(l["command"]["title"]);
  for (const auto& h : hints) hintAt[h["position"]["line"]].push_back(h["label"]);
  for (const auto& d : editor.diagnostics(uri)) diagnosticAt[d["range"]["start"]["line"]].push_back(d["message"]);

  std::cout << "\n== What Ada's editor shows in " << path
            << " (code lenses above lines, inlay hints after them, diagnostics below)\n\n";
  auto lines = anchor::splitLines(text);
  for (uint32_t i = 0; i < lines.size(); ++i) {
    std::string line(lines[i]);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    const size_t indent = line.find_first_not_of(' ') == std::string::npos ? 0 : line.find_first_not_of(' ');
    if (lensAt.count(i))
      for (const auto& title : lensAt[i]) std::cout << "     │ " << std::string(indent, ' ') << "⟪" << title << "⟫\n";
    std::cout << (i + 1 < 10 ? "   " : "  ") << i + 1 << " │ " << line;
    if (hintAt.count(i))
      for (const auto& h : hintAt[i]) std::cout << "   ‹" << h << "›";
    std::cout << "\n";
    if (diagnosticAt.count(i))
      for (const auto& m : diagnosticAt[i]) std::cout << "     │ ⓘ " << m << "\n";
  }
  for (const auto& [line, titles] : lensAt) {
    json hover = editor.request("textDocument/hover",
                                {{"textDocument", doc}, {"position", {{"line", line}, {"character", 0}}}});
    if (hover.is_null()) continue;
    std::cout << "\n== Hover on line " << line + 1 << "\n\n";
    std::istringstream value(hover["contents"]["value"].get<std::string>());
    for (std::string l; std::getline(value, l);) std::cout << "  " << l << "\n";
  }
  json symbols = editor.request("workspace/symbol", {{"query", "tax"}});
  std::cout << "\n== Workspace symbols for \"tax\" (full-text search over all knowledge)\n\n";
  for (const auto& s : symbols)
    std::cout << "  " << s["name"].get<std::string>() << "  (" << s["containerName"].get<std::string>() << ", line "
              << s["location"]["range"]["start"]["line"].get<int>() + 1 << ")\n";
}

}  // namespace

int runDemo(bool keep) {
  log::setLevel(log::Level::Warn);  // the demo's own output is the point
  store::freezeClock(store::nowMillis());  // the demo plays time forward: "ten minutes later"
  char pattern[] = "/tmp/tacit-demo-XXXXXX";
  if (!mkdtemp(pattern)) {
    std::cerr << "tacit: cannot make a temporary folder for the demo\n";
    return 1;
  }
  const fs::path dir = pattern;
  const fs::path origin = dir / "origin.git", ada = dir / "ada", bob = dir / "bob";
  try {
    std::cout << "Tacit demo: two teammates, one repository, knowledge shared through git (in " << dir.string()
              << ")\n\n== Ada writes the cart and leaves what she knows on it\n\n";
    run("git init -q --bare " + quote(origin));
    run("git clone -q " + quote(origin) + " " + quote(ada));
    run("git -C " + quote(ada) + " config user.name Ada && git -C " + quote(ada) +
        " config user.email ada@example.com");
    fs::create_directories(ada / "shop");
    std::ofstream(ada / "shop/cart.py") << kCart;
    run("git -C " + quote(ada) + " add -A && git -C " + quote(ada) + " commit -q -m 'The cart' && git -C " +
        quote(ada) + " push -q origin HEAD");

    std::string question, lesson;
    {
      auto s = store::Store::open(ada.string());
      s->refresh();
      say("ada", "tacit note add shop/cart.py:3 -m \"Tax is 20% everywhere we sell; finance owns this number.\"");
      create(*s, store::ThreadKind::Note, "Tax is 20% everywhere we sell; finance owns this number.", 3, 3);
      say("ada", "tacit note add --lesson shop/cart.py:6-8 -m \"Round once, at the end: ...\"");
      lesson = create(*s, store::ThreadKind::Lesson,
             "Round once, at the end: rounding each item lost us 3 cents an order (incident 112).", 6, 8);
      say("ada", "tacit ask shop/cart.py:11-14 --to bob@example.com -m \"Can a coupon bring the total below zero?\"");
      question = create(*s, store::ThreadKind::Question, "Can a coupon bring the total below zero?", 11, 14,
                        {"bob@example.com"});
      say("ada", "tacit sync");
      auto r = store::sync(*s, "origin");
      std::cout << "  fetched " << r.fetchedEvents << " new event(s) from origin, pushed " << r.pushedRefs << " ref(s)\n";
    }

    later(5);
    std::cout << "\n== Bob, in his own clone, sees the question, acknowledges it and answers\n\n";
    run("git clone -q " + quote(origin) + " " + quote(bob));
    run("git -C " + quote(bob) + " config user.name Bob && git -C " + quote(bob) +
        " config user.email bob@example.com");
    {
      auto s = store::Store::open(bob.string());
      say("bob", "tacit sync");
      auto r = store::sync(*s, "origin");
      std::cout << "  fetched " << r.fetchedEvents << " new event(s) from origin, pushed " << r.pushedRefs << " ref(s)\n";
      say("bob", "tacit ack " + question.substr(0, 8) + "      # seen — will answer: Ada can move on");
      s->addEvent(question, store::EventType::Reaction, {{"reaction", "ack"}});
      later(2);
      say("bob", "tacit answer " + question.substr(0, 8) + " -m \"No: max(0, ...) keeps it at zero. ...\"");
      s->addEvent(question, store::EventType::Answer,
                  {{"body", "No: `max(0, ...)` keeps it at zero. Refunds never go through coupons."}});
      say("bob", "tacit ask shop/cart.py:7 --to ada@example.com -m \"Is quantity ever fractional (sold by weight)?\"");
      create(*s, store::ThreadKind::Question, "Is quantity ever fractional (sold by weight)?", 7, 7,
             {"ada@example.com"});
      say("bob", "tacit sync");
      r = store::sync(*s, "origin");
      std::cout << "  fetched " << r.fetchedEvents << " new event(s) from origin, pushed " << r.pushedRefs << " ref(s)\n";
    }

    later(3);
    std::cout << "\n== Ada syncs\n\n";
    {
      auto s = store::Store::open(ada.string());
      say("ada", "tacit sync");
      auto r = store::sync(*s, "origin");
      std::cout << "  fetched " << r.fetchedEvents << " new event(s) from origin, pushed " << r.pushedRefs << " ref(s)\n";
      say("ada", "tacit list");
      store::Locations locations(*s);
      for (const auto& t : s->index().list({})) {
        anchor::Location at = locations.inWorkTree(t);
        std::string body = t.body.substr(0, t.body.find('\n'));
        std::cout << "  " << t.id.substr(0, 8) << "  " << store::toString(t.kind) << "  "
                  << store::toString(t.state) << "  " << at.path << ":" << at.startLine << "  " << body << "\n";
      }
    }
    later(1);
    std::cout << "\n== Ada sets herself a reminder and starts a walkthrough for newcomers\n\n";
    {
      auto s = store::Store::open(ada.string());
      s->refresh();
      say("ada", "tacit remind shop/cart.py:11-14 --in 10m -m \"Add a test: a coupon larger than the total\"");
      store::Reminder r;
      r.anchor = anchorOn(*s, "shop/cart.py", 11, 14);
      r.dueAt = store::nowMillis() + 10 * 60'000;
      r.text = "Add a test: a coupon larger than the total";
      r = store::addReminder(*s, r);
      std::cout << "  " << r.id << "   (private: in .git/tacit/private.git, never pushed)\n";

      store::Walkthroughs walkthroughs(*s);
      const std::string title = "How the cart totals an order";
      say("ada", "tacit walkthrough create \"" + title + "\"");
      auto plan = store::Walkthroughs::create(title, "");
      s->write(plan.created, plan.events);
      const std::string id = plan.subject;
      std::cout << "  " << id << "\n";
      say("ada", "tacit walkthrough add " + id.substr(0, 8) + " --note " + lesson.substr(0, 8) + "   # the lesson on lines 6-8");
      plan = walkthroughs.addNote(walkthroughs.get(id), lesson, std::nullopt);
      s->write(plan.created, plan.events);
      say("ada", "tacit walkthrough add " + id.substr(0, 8) +
                     " shop/cart.py:11-14 -m \"Then coupons come off, never below zero.\"");
      plan = store::Walkthroughs::addChapter(walkthroughs.get(id), anchorOn(*s, "shop/cart.py", 11, 14),
                                             "Then coupons come off, never below zero.", std::nullopt);
      s->write(plan.created, plan.events);
      say("ada", "tacit walkthrough list");
      for (const auto& w : walkthroughs.list())
        std::cout << "  " << w.thread.id.substr(0, 8) << "  " << w.title << "  (" << w.chapters.size()
                  << " chapters)\n";
    }

    std::cout << "\n== Ten minutes later\n";
    showEditor(ada, "shop/cart.py", 10 * 60'000 + 1000);

    std::cout << "\n== Ada's inbox\n\n";
    say("ada", "tacit inbox");
    {
      auto s = store::Store::open(ada.string());
      s->refresh();
      std::ostringstream captured;
      auto* old = std::cout.rdbuf(captured.rdbuf());
      try {
        printInbox(*s, store::inbox(*s, "ada@example.com", store::sinceNow(7 * 24 * 3600'000LL)), "7d");
      } catch (...) {
        std::cout.rdbuf(old);
        throw;
      }
      std::cout.rdbuf(old);
      std::istringstream lines(captured.str());
      for (std::string l; std::getline(lines, l);) std::cout << "  " << l << "\n";
    }
    std::cout << "\nEverything above is in git: refs/tacit/v1/replicas/* in each clone and in origin.git.\n";
  } catch (const std::exception& e) {
    std::cerr << "tacit: demo failed: " << e.what() << "\n";
    if (!keep) fs::remove_all(dir);
    return 1;
  }
  if (keep) std::cout << "The repositories are kept in " << dir.string() << "\n";
  else fs::remove_all(dir);
  return 0;
}

}  // namespace tacit::cli
